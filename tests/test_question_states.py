"""Question states: drafts until published, exam-only questions drawn only by name."""
import io
import re

import pytest

from quiz.accounts import create_user
from quiz.attempts import start_attempt
from quiz.drawing import Candidate, admits, pool
from quiz.extensions import db
from quiz.models import Question, Quiz, User
from tests.conftest import csrf_token, fixture_library, make_app
from tests.test_authoring import P12_QUOTE, SINGLE, instructor, post_new  # noqa: F401

EXAM = Candidate("exam-q", ["dates"], "evolution-of-relations", exam_only=True)
PRACTICE = Candidate("practice-q", ["dates"], "evolution-of-relations")


@pytest.mark.parametrize("select", [
    {"all": True}, {"all": True, "count": 1}, {"section": "evolution-of-relations"},
    {"tags": ["dates"]}, {"tags": "dates"}])
def test_an_exam_only_question_is_never_admitted_by_all_section_or_tags(select):
    assert not admits(select, EXAM)
    assert admits(select, PRACTICE)
    assert pool(select, [EXAM, PRACTICE]) == [PRACTICE]


def test_an_exam_only_question_is_admitted_by_name():
    select = {"questions": ["exam-q", "practice-q"]}
    assert admits(select, EXAM)
    assert pool(select, [PRACTICE, EXAM]) == [EXAM, PRACTICE]


def everything_quiz(app):
    """A practice quiz drawing every question of the document, each attempt all of them."""
    with app.app_context():
        db.session.add(Quiz(key="everything", document_id=1, title="Everything",
                            select={"all": True}))
        db.session.commit()


def drawn_keys(app, key="everything", learner="ann"):
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username=learner)).scalar_one()
        quiz = db.session.execute(db.select(Quiz).filter_by(key=key)).scalar_one()
        attempt = start_attempt(user, quiz)
        keys = {r.version.question.key for r in attempt.responses}
        db.session.rollback()
        return keys


def test_drafts_and_exam_only_questions_never_reach_an_all_quiz(typed_app, people,
                                                               instructor):  # noqa: F811
    everything_quiz(typed_app)
    published = drawn_keys(typed_app)
    assert post_new(instructor, "single_choice", **SINGLE).status_code == 302
    exam = dict(SINGLE, key="exam-pfp", exam_only="y")
    assert post_new(instructor, "single_choice", **exam).status_code == 302
    page = instructor.get("/instructor/authoring/questions/exam-pfp").text
    assert "exam only" in page
    instructor.post("/instructor/authoring/questions/exam-pfp/publish",
                    data={"csrf_token": csrf_token(page)})
    with typed_app.app_context():
        states = dict(db.session.execute(db.select(Question.key, Question.status)).all())
    assert states["new-pfp"] == "draft" and states["exam-pfp"] == "active"
    assert drawn_keys(typed_app) == published  # neither the draft nor the exam-only one
    overview = " ".join(people["teacher"].get("/instructor/quizzes/everything").text.split())
    assert f"Questions it draws from now: <strong>{len(published)}</strong>" in overview
    with typed_app.app_context():
        db.session.add(Quiz(key="exam", document_id=1, title="Exam",
                            select={"questions": ["exam-pfp", "t-tf"]}))
        db.session.commit()
    assert drawn_keys(typed_app, "exam") == {"exam-pfp", "t-tf"}


def test_publish_needs_a_source_and_makes_a_draft_drawable(typed_app, people,
                                                           instructor):  # noqa: F811
    everything_quiz(typed_app)
    page = instructor.get("/instructor/authoring/transfer")
    response = instructor.post("/instructor/authoring/transfer", data={
        "csrf_token": csrf_token(page.text), "format": "gift", "document": "nato-bih",
        "file": (io.BytesIO(b"::new-pfp::When did it join PfP?{=2006 ~2010}\n"), "new.gift")},
        content_type="multipart/form-data")
    # The import runs as a job (at once, in the tests); its page says what it imported.
    assert "Imported 1 question as drafts that need a source." in instructor.get(
        response.location).text
    page = instructor.get("/instructor/authoring/questions/new-pfp").text
    assert "it needs a source first" in page
    response = instructor.post("/instructor/authoring/questions/new-pfp/publish",
                               data={"csrf_token": csrf_token(page)})
    assert "cannot be published yet: it needs a source" in instructor.get(
        response.location).text
    assert "new-pfp" not in drawn_keys(typed_app)
    post_new_source = instructor.get("/instructor/authoring/questions/new-pfp/edit").text
    data = {"csrf_token": csrf_token(post_new_source), "action": "save"}
    data.update({f"edit-{k}": v for k, v in SINGLE.items()})
    assert instructor.post("/instructor/authoring/questions/new-pfp/edit",
                           data=data).status_code == 302
    assert "new-pfp" not in drawn_keys(typed_app)  # saving a source does not publish
    page = instructor.get("/instructor/authoring/questions/new-pfp").text
    response = instructor.post("/instructor/authoring/questions/new-pfp/publish",
                               data={"csrf_token": csrf_token(page)})
    assert "is published" in instructor.get(response.location).text
    assert "new-pfp" in drawn_keys(typed_app)
    assert instructor.post("/instructor/authoring/questions/new-pfp/publish",
                           data={}).status_code == 400


def test_the_question_list_shows_and_filters_states(typed_app, instructor):  # noqa: F811
    post_new(instructor, "single_choice", **SINGLE)
    post_new(instructor, "single_choice", **dict(SINGLE, key="exam-pfp", exam_only="y"))
    listing = instructor.get("/instructor/authoring/questions").text
    assert 'status-draft">draft</span>' in listing and 'status-active">published</span>' \
        in listing
    drafts = instructor.get("/instructor/authoring/questions?status=draft").text
    assert "new-pfp" in drafts and "exam-pfp" in drafts and "t-single" not in drafts
    exams = instructor.get("/instructor/authoring/questions?status=exam_only").text
    assert "exam-pfp" in exams and "new-pfp" not in exams
    edit = instructor.get("/instructor/authoring/questions/exam-pfp/edit").text
    assert "checked" in re.search(r'<input[^>]*id="edit-exam_only"[^>]*>', edit).group(0)
    edit = instructor.get("/instructor/authoring/questions/new-pfp/edit").text
    assert "checked" not in re.search(r'<input[^>]*id="edit-exam_only"[^>]*>', edit).group(0)


BANK = """document: nato-bih
questions:
  - id: q-exam
    type: true_false
    prompt: Bosnia and Herzegovina joined PfP in 2006.
    answer: true
    explanation: So the text says.
    exam_only: true
    source: {paragraph: 12, quote: joined the Partnership for Peace (PfP) programme in 2006}
  - id: q-later
    type: true_false
    prompt: Bosnia and Herzegovina joined PfP in 2010.
    answer: false
    explanation: It joined in 2006.
    status: draft
    source: {paragraph: 12, quote: joined the Partnership for Peace (PfP) programme in 2006}
  - id: q-now
    type: true_false
    prompt: The text names PfP.
    answer: true
    explanation: It does.
    source: {paragraph: 12, quote: joined the Partnership for Peace (PfP) programme in 2006}
quizzes:
  - id: practice
    title: Practice
    select: {all: true}
  - id: final
    title: Final
    select: {questions: [q-exam, q-now]}
"""


def test_a_bank_marks_exam_only_and_draft_questions(tmp_path):
    folder = fixture_library(tmp_path)
    bank = folder / "nato-bih" / "bank-exam.yaml"
    bank.write_text(BANK, encoding="utf-8")
    app = make_app(tmp_path, questions_dir=folder)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        rows = {q.key: (q.status, q.exam_only) for q in db.session.execute(
            db.select(Question)).scalars()}
        create_user("ann", "correct horse", "learner")
        db.session.commit()
    assert rows == {"q-exam": ("active", True), "q-later": ("draft", False),
                    "q-now": ("active", False)}
    assert drawn_keys(app, "practice") == {"q-now"}
    assert drawn_keys(app, "final") == {"q-exam", "q-now"}
    bank.write_text(BANK.replace("exam_only: true", "exam_only: yes please"), encoding="utf-8")
    result = runner.invoke(args=["bank", "check", str(folder)])
    assert result.exit_code == 1
    assert "bank-exam.yaml:8: question 'q-exam': 'exam_only' must be true or false" \
        in result.output
