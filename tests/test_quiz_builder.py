"""The quiz builder: picking, ordering and random blocks; drawing blocks; blocks in banks."""
import random

import yaml

from quiz.courses import create_course
from quiz.drawing import Candidate, draw, pool
from quiz.entries import line_dicts
from quiz.extensions import db
from quiz.models import DRAFT, CourseMember, Question, Quiz, User
from tests.conftest import add_user, csrf_token, log_in

URL = "/instructor/authoring/quizzes/all-types/build"


def select_of(app, key="all-types"):
    with app.app_context():
        return db.session.execute(db.select(Quiz.select).filter_by(key=key)).scalar_one()


def act(client, query="", **data):
    page = client.get(URL + query)
    return client.post(URL + query, data={"csrf_token": csrf_token(page.text), **data})


def set_status(app, key, status=None, exam_only=None):
    with app.app_context():
        q = db.session.execute(db.select(Question).filter_by(key=key)).scalar_one()
        if status:
            q.status = status
        if exam_only is not None:
            q.exam_only = exam_only
        db.session.commit()


# -- drawing ---------------------------------------------------------------------------------

CANDIDATES = [Candidate(f"a{i}", ["x"], "A", False) for i in range(6)] + \
    [Candidate(f"b{i}", ["y"], "B/Sub", False) for i in range(4)] + \
    [Candidate("exam", ["x"], "A", True)]


def test_blocks_draw_named_then_random_counts_without_duplicates():
    select = {"blocks": [{"questions": ["a0", "b1", "exam"]}, {"section": "A", "count": 4},
                         {"tags": ["x", "y"], "count": 4}]}
    for seed in range(200):
        keys = [c.key for c in draw(select, CANDIDATES, random.Random(seed), shuffle=False)]
        assert keys[:3] == ["a0", "b1", "exam"]
        assert len(keys) == len(set(keys)) == 3 + 4 + 4
        assert all(k.startswith("a") for k in keys[3:7])
        assert keys.count("exam") == 1


def test_exam_only_questions_come_by_name_only():
    select = {"blocks": [{"section": "A", "count": 6}]}
    for seed in range(50):
        keys = {c.key for c in draw(select, CANDIDATES, random.Random(seed), shuffle=True)}
        assert keys == {f"a{i}" for i in range(6)}
    assert "exam" not in {c.key for c in pool({"blocks": [{"tags": ["x"]}]}, CANDIDATES)}


def test_a_block_asking_more_than_it_has_gives_what_it_has():
    select = {"blocks": [{"questions": ["b0"]}, {"section": "B", "count": 9}]}
    keys = [c.key for c in draw(select, CANDIDATES, random.Random(1), shuffle=False)]
    assert keys == ["b0", "b1", "b2", "b3"]


# -- the builder page ------------------------------------------------------------------------

def test_another_instructors_quiz_is_not_there(typed_app, people):
    add_user(typed_app, "stranger", role="instructor")
    with typed_app.app_context():  # a course of its own only, not the quiz's
        stranger = db.session.execute(db.select(User).filter_by(username="stranger")
                                      ).scalar_one()
        db.session.execute(db.delete(CourseMember).filter_by(user_id=stranger.id))
        create_course("Own course", "own", stranger)
        db.session.commit()
    other = typed_app.test_client()
    log_in(other, "stranger")
    assert people["teacher"].get(URL).status_code == 200
    assert other.get(URL).status_code == 404
    token = csrf_token(other.get("/instructor/authoring/quizzes").text)
    assert other.post(URL, data={"csrf_token": token, "action": "add",
                                 "question": "t-tf"}).status_code == 404
    assert people["ann"].get(URL).status_code in (302, 403, 404)


def test_the_picker_filters_by_text_type_section_paragraph_and_state(typed_app, people):
    teacher = people["teacher"]
    set_status(typed_app, "t-numeric", DRAFT)
    page = teacher.get(URL + "?q=euros").text
    assert "1 question found" in page and "How many euros" in page
    assert "t-numeric, draft: not drawn" in page and "in the selection" in page
    act(teacher, action="remove", question="t-numeric")
    assert "publish it first" in teacher.get(URL + "?q=euros").text
    page = teacher.get(URL + "?type=true_false").text
    assert "1 question found" in page and "MAP participation decides" in page
    page = teacher.get(URL + "?paragraph=12").text
    assert "2 questions found" in page
    page = teacher.get(URL + "?status=draft").text
    assert "1 question found" in page and "How many euros" in page
    assert "2 questions found" not in teacher.get(URL + "?status=active").text


def test_add_remove_and_move_save_the_selection_and_keep_the_filters(typed_app, people):
    teacher = people["teacher"]
    response = act(teacher, "?q=PfP", action="remove", question="t-multi")
    assert response.status_code == 302 and "q=PfP" in response.location
    named = ["t-single", "t-tf", "t-short", "t-numeric", "t-order", "t-match"]
    assert select_of(typed_app) == {"blocks": [{"questions": named}]}
    act(teacher, action="add", question="t-multi")
    act(teacher, action="up", question="t-multi")
    act(teacher, action="down", question="t-single")
    named = ["t-tf", "t-single", "t-short", "t-numeric", "t-order", "t-multi", "t-match"]
    assert select_of(typed_app) == {"blocks": [{"questions": named}]}
    page = teacher.get(URL).text
    assert page.index("MAP participation decides") < page.index("In which year did")


def test_refusals_change_nothing_and_say_why(typed_app, people):
    teacher = people["teacher"]
    before = select_of(typed_app)
    set_status(typed_app, "t-tf", DRAFT)
    cases = [({"action": "add", "question": "t-single"}, "already in the selection"),
             ({"action": "add", "question": "nope"}, "There is no question"),
             ({"action": "remove", "question": "nope"}, "is not in the selection"),
             ({"action": "add_block", "source": "section", "block_section": "",
               "count": "2"}, "Choose the section"),
             ({"action": "add_block", "source": "tag", "block_tag": "x", "count": "zero"},
              "whole number"),
             ({"action": "frobnicate"}, "Unknown action")]
    for data, message in cases:
        response = act(teacher, **data)
        assert response.status_code == 409, data
        assert message in response.text
    act(teacher, action="remove", question="t-tf")
    response = act(teacher, action="add", question="t-tf")
    assert response.status_code == 409 and "only published questions" in response.text
    assert "t-tf" not in select_of(typed_app)["blocks"][0]["questions"]
    assert before != select_of(typed_app)
    token = csrf_token(teacher.get(URL).text)
    assert token
    assert teacher.post(URL, data={"action": "add", "question": "t-tf"}).status_code == 400


def test_the_last_question_cannot_be_removed(typed_app, people):
    teacher = people["teacher"]
    for key in ["t-single", "t-multi", "t-tf", "t-short", "t-numeric", "t-order"]:
        assert act(teacher, action="remove", question=key).status_code == 302
    response = act(teacher, action="remove", question="t-match")
    assert response.status_code == 409 and "at least one question" in response.text


def test_a_random_block_is_added_checked_and_removed(typed_app, people):
    teacher = people["teacher"]
    for key in ["t-short", "t-numeric", "t-order", "t-match"]:
        act(teacher, action="remove", question=key)
    section = _section_of(typed_app, "t-order")
    response = act(teacher, action="add_block", source="section", block_section=section,
                   count="99")
    assert response.status_code == 409 and "asks for 99 questions" in response.text
    response = act(teacher, action="add_block", source="section", block_section=section,
                   count="1")
    assert response.status_code == 302
    blocks = select_of(typed_app)["blocks"]
    assert blocks[1] == {"section": section, "count": 1}
    page = " ".join(teacher.get(URL).text.split())
    assert "Block 1: 1 at random from section “Evolution of relations”" in page
    act(teacher, action="remove_block", block="1")
    assert len(select_of(typed_app)["blocks"]) == 1


def test_learners_get_the_built_questions(typed_app, people):
    teacher = people["teacher"]
    for key in ["t-multi", "t-short", "t-numeric", "t-order", "t-match"]:
        act(teacher, action="remove", question=key)
    act(teacher, action="add_block", source="section",
        block_section=_section_of(typed_app, "t-numeric"), count="1")
    from quiz.attempts.start import _candidates
    with typed_app.app_context():
        quiz = db.session.execute(db.select(Quiz).filter_by(key="all-types")).scalar_one()
        cands = _candidates(quiz)[1]
        for seed in range(20):
            keys = [c.key for c in draw(quiz.select, cands, random.Random(seed), False)]
            assert keys[:2] == ["t-single", "t-tf"] and len(keys) == 3
            assert len(set(keys)) == 3


def _section_of(app, key):
    with app.app_context():
        q = db.session.execute(db.select(Question).filter_by(key=key)).scalar_one()
        return q.current.section


def test_the_editor_keeps_a_built_selection(typed_app, people):
    teacher = people["teacher"]
    act(teacher, action="remove", question="t-match")
    built = select_of(typed_app)
    page = teacher.get("/instructor/authoring/quizzes/all-types/edit").text
    assert "built with the builder" in page
    data = {"csrf_token": csrf_token(page), "key": "all-types", "title": "Every type",
            "document": "nato-bih", "course": page.split('name="course"')[1]
            .split('value="')[1].split('"')[0], "rule": "blocks", "grading": "highest",
            "time_limit": "0", "attempts": "0", "review": "immediately"}
    response = teacher.post("/instructor/authoring/quizzes/all-types/edit", data=data)
    assert response.status_code == 302, response.text
    assert select_of(typed_app) == built


def test_the_bank_export_writes_blocks_and_the_checker_reads_them_back(typed_app, people):
    teacher = people["teacher"]
    act(teacher, action="remove", question="t-match")
    act(teacher, action="add_block", source="tag", block_tag="", count="1")
    section = _section_of(typed_app, "t-match")
    act(teacher, action="add_block", source="section", block_section=section, count="1")
    from quiz.bankparse import check_quiz
    from quiz.interchange.bankyaml import export_bank
    from quiz.models import Document
    with typed_app.app_context():
        document = db.session.execute(db.select(Document)).scalars().first()
        text = export_bank(document).text
    entry = next(z for z in yaml.safe_load(text)["quizzes"] if z["id"] == "all-types")
    assert entry["select"] == select_of(typed_app)
    errors = []
    loaded = line_dicts(yaml.safe_load(text))
    spec = check_quiz(next(z for z in loaded["quizzes"] if z["id"] == "all-types"),
                      "nato-bih", "bank.yaml", errors)
    assert errors == [] and spec.select == select_of(typed_app)


def test_the_bank_checker_refuses_bad_blocks():
    from quiz.bankparse import check_quiz
    cases = {
        "blocks: []": "one or more blocks",
        "blocks: [{section: A, count: 0}]": "above zero",
        "blocks: [{blocks: [{all: true}]}]": "unknown rule 'blocks'",
        "{blocks: [{all: true}], count: 2}": "its own 'count'",
        "blocks: [{section: A, tags: [x]}]": "exactly one of",
    }
    for select, message in cases.items():
        braced = select if select.startswith("{") else "{" + select + "}"
        entry = line_dicts(yaml.safe_load(f"id: z\ntitle: Z\nselect: {braced}\n"))
        errors = []
        assert check_quiz(entry, "doc", "bank.yaml", errors) is None, select
        assert any(message in e.message for e in errors), (select, errors)


def test_bank_check_reads_blocks_and_names_what_they_lack(tmp_path):
    from tests.test_bank_check import GOOD_QUESTION, errors_for
    second = GOOD_QUESTION.replace("q-good", "q-two").replace("What colour", "Which colour")
    good = """\
  - id: built
    title: Built
    select:
      blocks:
        - questions: [q-good]
        - {section: sample-document, count: 1}
"""
    assert errors_for(tmp_path, GOOD_QUESTION + second, good) == []
    bad = """\
  - id: built
    title: Built
    select:
      blocks:
        - questions: [q-good, q-missing]
        - {section: nowhere, count: 1}
  - id: greedy
    title: Greedy
    select:
      blocks:
        - questions: [q-good]
        - {section: sample-document, count: 2}
"""
    errors = errors_for(tmp_path, GOOD_QUESTION + second, bad)
    assert any("quiz 'built': lists question 'q-missing'" in e for e in errors), errors
    assert any("quiz 'built': unknown section 'nowhere'" in e for e in errors), errors
    assert any("quiz 'greedy': block 2 asks for 2 questions but has only 1" in e
               for e in errors), errors
