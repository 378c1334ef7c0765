"""Bulk actions on the question list: publish, retire, tag and delete drafts never asked,
each question done or refused with its reason."""
import html

from quiz.extensions import db
from quiz.models import ACTIVE, DRAFT, RETIRED, Citation, Question, QuestionVersion
from tests.conftest import csrf_token
from tests.test_learner_flow import start
from tests.test_scores import finish

LIST = "/instructor/authoring/questions"


def bulk(client, keys, action, query="", **data):
    token = csrf_token(client.get(LIST).text)
    return client.post(f"{LIST}/bulk{query}", data={"csrf_token": token, "action": action,
                                                    "key": keys, **data})


def status_of(app, key):
    with app.app_context():
        return db.session.execute(db.select(Question.status).filter_by(key=key)).scalar()


def set_status(app, key, status):
    with app.app_context():
        question = db.session.execute(db.select(Question).filter_by(key=key)).scalar_one()
        question.status = status
        db.session.commit()


def drop_sources(app, key):
    with app.app_context():
        question = db.session.execute(db.select(Question).filter_by(key=key)).scalar_one()
        db.session.execute(db.delete(Citation).filter_by(version_id=question.current_version_id))
        db.session.commit()


def message(client, response):
    assert response.status_code == 302
    return html.unescape(" ".join(client.get(response.location).text.split()))


def test_the_list_has_a_checkbox_per_row_and_the_actions(typed_app, people):
    page = people["teacher"].get(LIST).text
    assert page.count('type="checkbox" name="key"') == 7
    assert 'aria-label="Tick t-single"' in page
    assert "Delete (drafts never asked in an attempt)" in page


def test_publish_publishes_drafts_and_says_which_were_refused(typed_app, people):
    teacher = people["teacher"]
    for key in ("t-tf", "t-short", "t-numeric"):
        set_status(typed_app, key, DRAFT)
    drop_sources(typed_app, "t-numeric")
    response = bulk(teacher, ["t-tf", "t-short", "t-numeric", "t-single"], "publish",
                    query="?status=draft")
    assert response.location.endswith(f"{LIST}?status=draft")
    said = message(teacher, response)
    assert ("Published 2: 't-tf', 't-short'; 't-numeric' not published: needs a source; "
            "'t-single' not published: it is published, not a draft.") in said
    assert [status_of(typed_app, k) for k in ("t-tf", "t-short", "t-numeric")] == \
        [ACTIVE, ACTIVE, DRAFT]


def test_retire_retires_each_ticked_question(typed_app, people):
    teacher = people["teacher"]
    set_status(typed_app, "t-tf", RETIRED)
    said = message(teacher, bulk(teacher, ["t-single", "t-multi", "t-tf"], "retire"))
    assert "Retired 2: 't-single', 't-multi'; 't-tf' not retired: already retired." in said
    assert status_of(typed_app, "t-multi") == RETIRED


def test_tag_adds_a_tag_as_a_new_version(typed_app, people):
    teacher = people["teacher"]
    said = message(teacher, bulk(teacher, ["t-single", "t-match"], "tag", tag="week-1"))
    assert "Tagged 2: 't-single', 't-match'." in said
    said = message(teacher, bulk(teacher, ["t-single"], "tag", tag="week-1"))
    assert "'t-single' not tagged: already tagged week-1" in said
    with typed_app.app_context():
        question = db.session.execute(db.select(Question).filter_by(key="t-match")).scalar_one()
        assert question.current.tags == ["week-1"] and question.current.number == 2
        assert question.current.citations
    said = message(teacher, bulk(teacher, ["t-single"], "tag", tag=""))
    assert "Give the tag to add" in said


def test_delete_removes_drafts_never_asked_and_refuses_the_rest(typed_app, people):
    teacher = people["teacher"]
    set_status(typed_app, "t-short", DRAFT)
    finish(people["ann"], start(people["ann"]))  # asks every published question
    set_status(typed_app, "t-tf", DRAFT)
    said = message(teacher, bulk(teacher, ["t-short", "t-tf", "t-single"], "delete"))
    assert ("Deleted 1: 't-short'; 't-tf' not deleted: learners' attempts asked it; "
            "'t-single' not deleted: it is published; only drafts are deleted.") in said
    assert status_of(typed_app, "t-short") is None
    assert status_of(typed_app, "t-tf") == DRAFT
    with typed_app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(QuestionVersion)
                                  .join(Question, Question.id == QuestionVersion.question_id)
                                  .where(Question.key == "t-tf")).scalar() == 1
    assert "t-short" not in teacher.get(LIST).text


def test_bad_requests_change_nothing(typed_app, people):
    teacher = people["teacher"]
    assert "Choose what to do" in message(teacher, bulk(teacher, ["t-single"], "explode"))
    assert "Tick at least one question" in message(teacher, bulk(teacher, [], "retire"))
    assert teacher.post(f"{LIST}/bulk", data={"action": "retire", "key": "t-single"}
                        ).status_code == 400
    assert status_of(typed_app, "t-single") == ACTIVE
    ann = people["ann"]
    assert ann.post(f"{LIST}/bulk", data={"action": "retire", "key": "t-single"}
                    ).status_code in (302, 400, 403)
    assert status_of(typed_app, "t-single") == ACTIVE
