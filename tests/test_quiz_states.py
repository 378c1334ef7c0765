"""Quiz states: who sees a quiz and who may start it, and the moves between states."""
import pytest

from quiz.extensions import db
from quiz.models import Quiz
from tests.conftest import csrf_token, fixture_library, make_app
from tests.test_scores import take


def set_state(app, key, state):
    with app.app_context():
        quiz = db.session.execute(db.select(Quiz).filter_by(key=key)).scalar_one()
        quiz.state = state
        db.session.commit()


def state_of(app, key):
    with app.app_context():
        return db.session.execute(db.select(Quiz.state).filter_by(key=key)).scalar_one()


def move(client, key, name):
    page = client.get(f"/instructor/quizzes/{key}")
    return client.post(f"/instructor/authoring/quizzes/{key}/state",
                       data={"csrf_token": csrf_token(page.text), "move": name})


def test_shipped_and_loaded_quizzes_are_published(typed_app):
    assert state_of(typed_app, "all-types") == "published"


@pytest.mark.parametrize("state", ["draft", "archived"])
def test_a_draft_or_archived_quiz_is_not_there_for_learners(typed_app, people, state):
    set_state(typed_app, "all-types", state)
    ann = people["ann"]
    assert "Every type" not in ann.get("/").text
    assert ann.get("/quizzes/all-types").status_code == 404
    token = csrf_token(ann.get("/quizzes/two-random").text)
    assert ann.post("/quizzes/all-types/start",
                    data={"csrf_token": token}).status_code == 404
    assert typed_app.test_client().get("/quizzes/all-types").status_code == 404
    home = people["teacher"].get("/").text
    assert "Every type" in home and f'state-{state}">{state}<' in home
    assert people["teacher"].get("/quizzes/all-types").status_code == 200
    overview = people["teacher"].get("/instructor/quizzes/all-types").text
    assert f'state-{state}">{state}</span></h2>' in overview


def test_a_closed_quiz_is_listed_and_reviewable_but_cannot_be_started(typed_app, people):
    ann = people["ann"]
    attempt_url = take(ann, {1})
    set_state(typed_app, "all-types", "closed")
    home = ann.get("/").text
    assert "Every type" in home and 'state-closed">closed<' in home
    page = ann.get("/quizzes/all-types").text
    assert "This quiz is closed: you can review your past attempts" in page
    assert "Start the quiz" not in page
    assert ann.get(f"{attempt_url}/review").status_code == 200
    response = ann.post("/quizzes/all-types/start", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert "This quiz is closed: you can see your past attempts but not start a new one." \
        in ann.get(response.location).text


def test_an_archived_quiz_keeps_its_reports_for_instructors(typed_app, people):
    take(people["ann"], {1, 2})
    set_state(typed_app, "all-types", "archived")
    teacher = people["teacher"]
    assert "28.6%" in teacher.get("/instructor/gradebook").text
    overview = " ".join(teacher.get("/instructor/quizzes/all-types").text.split())
    assert "<dt>Finished attempts counted</dt><dd>1</dd>" in overview
    assert "Every type" in teacher.get("/instructor/gradebook.csv").text


def test_instructors_move_a_quiz_through_its_states(typed_app, people):
    teacher = people["teacher"]
    for name, state in (("unpublish", "draft"), ("publish", "published"), ("close", "closed"),
                        ("archive", "archived"), ("publish", "published")):
        response = move(teacher, "all-types", name)
        assert response.status_code == 302, response.text
        assert f"is now {state}." in teacher.get(response.location).text
        assert state_of(typed_app, "all-types") == state
    assert ">Close</button>" in teacher.get("/instructor/quizzes/all-types").text
    assert "Every type</td>" in teacher.get("/instructor/quizzes").text


def test_refused_moves_say_why_and_change_nothing(typed_app, people):
    teacher = people["teacher"]
    take(people["ann"], {1})
    response = move(teacher, "all-types", "close")
    assert response.status_code == 302
    response = move(teacher, "all-types", "close")
    assert response.status_code == 409
    assert "A closed quiz cannot be moved by &#39;close&#39;." in response.text
    assert move(teacher, "all-types", "explode").status_code == 409
    response = move(teacher, "all-types", "unpublish")
    assert response.status_code == 409
    assert "Learners have 1 attempt at this quiz, so it cannot go back to draft" \
        in response.text
    assert state_of(typed_app, "all-types") == "closed"


def test_state_changes_need_an_instructor_and_the_csrf_token(typed_app, people):
    assert people["teacher"].post("/instructor/authoring/quizzes/all-types/state",
                                  data={"move": "close"}).status_code == 400
    page = people["ann"].get("/quizzes/all-types").text
    assert people["ann"].post("/instructor/authoring/quizzes/all-types/state",
                              data={"csrf_token": csrf_token(page), "move": "close"}
                              ).status_code == 403
    assert state_of(typed_app, "all-types") == "published"


BANK = """document: nato-bih
questions:
  - id: q-draft-bank
    type: true_false
    prompt: Bosnia and Herzegovina joined PfP in 2006.
    answer: true
    explanation: So the text says.
    status: draft
    source: {paragraph: 12, quote: joined the Partnership for Peace (PfP) programme in 2006}
quizzes:
  - id: later
    title: Later
    select: {questions: [q-draft-bank]}
    state: closed
"""


def test_a_bank_gives_a_quiz_state_and_a_reload_keeps_the_browsers(tmp_path):
    folder = fixture_library(tmp_path)
    (folder / "nato-bih" / "bank-states.yaml").write_text(BANK, encoding="utf-8")
    app = make_app(tmp_path, questions_dir=folder)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    assert state_of(app, "later") == "closed"
    set_state(app, "later", "archived")
    (folder / "nato-bih" / "bank-states.yaml").write_text(
        BANK.replace("    state: closed\n", ""), encoding="utf-8")
    assert runner.invoke(args=["bank", "load"]).exit_code == 0
    assert state_of(app, "later") == "archived"
    (folder / "nato-bih" / "bank-states.yaml").write_text(
        BANK.replace("state: closed", "state: shut"), encoding="utf-8")
    result = runner.invoke(args=["bank", "check", str(folder)])
    assert result.exit_code == 1
    assert "bank-states.yaml:14: quiz 'later': 'state' must be one of draft, published, " \
        "closed, archived" in result.output
