"""Quiz settings: dates, time limit, attempts allowed and review options, enforced on the server."""
import re
from datetime import timedelta

from quiz.extensions import db
from quiz.models import Attempt, Citation, Quiz, Response, utcnow
from quiz.quizsettings import GRACE
from tests.answering import choose
from tests.conftest import add_user, csrf_token, log_in, make_app
from tests.test_bank_check import GOOD_QUESTION, errors_for, make_library
from tests.test_learner_flow import answer, register, start


def set_quiz(app, key="all-types", **values):
    with app.app_context():
        quiz = db.session.execute(db.select(Quiz).filter_by(key=key)).scalar_one()
        for name, value in values.items():
            setattr(quiz, name, value)
        db.session.commit()


def submit(client, attempt_url):
    summary = client.get(f"{attempt_url}/summary")
    return client.post(f"{attempt_url}/submit", data={"csrf_token": csrf_token(summary.text)})


def test_bank_settings_are_checked_with_their_line(tmp_path):
    errors = errors_for(tmp_path, GOOD_QUESTION, """\
  - id: z
    title: Z
    select: {all: true}
    time_limit: -5
    attempts: two
    review: sometimes
""")
    assert any("'time_limit' must be a whole number" in e for e in errors)
    assert any("'attempts' must be a whole number" in e for e in errors)
    assert any("'review' must be one of immediately, after_close, never" in e for e in errors)
    errors = errors_for(tmp_path, GOOD_QUESTION, """\
  - id: z
    title: Z
    select: {all: true}
    review: after_close
""")
    assert any("'review: after_close' needs a 'closes' date" in e for e in errors)
    errors = errors_for(tmp_path, GOOD_QUESTION, """\
  - id: z
    title: Z
    select: {all: true}
    opens: 2026-12-02 10:00
    closes: not a date
""")
    assert any("'closes' must be a date and time" in e for e in errors)


def test_bank_settings_are_loaded(tmp_path):
    bank = "document: sample\nquestions:\n" + GOOD_QUESTION + """quizzes:
  - id: z
    title: Z
    select: {all: true}
    time_limit: 20
    attempts: 2
    review: after_close
    closes: 2030-01-01 12:00
"""
    path = make_library(tmp_path, bank)
    app = make_app(tmp_path, questions_dir=path.parent.parent)
    assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0
    with app.app_context():
        quiz = db.session.execute(db.select(Quiz).filter_by(key="z")).scalar_one()
        assert (quiz.time_limit, quiz.attempts_allowed, quiz.review) == (20, 2, "after_close")
        assert quiz.closes_at.isoformat() == "2030-01-01T12:00:00"


def test_start_refuses_beyond_the_attempts_allowed(typed_app):
    set_quiz(typed_app, attempts_allowed=1)
    client = typed_app.test_client()
    register(client)
    assert "Attempts allowed: 1 (you have used 0)" in client.get("/quizzes/all-types").text
    submit(client, start(client))
    page = client.get("/quizzes/all-types")
    response = client.post("/quizzes/all-types/start", data={"csrf_token": csrf_token(page.text)})
    assert response.location.endswith("/quizzes/all-types")
    assert "You have used the one attempt this quiz allows." in client.get(
        response.location).text
    with typed_app.app_context():
        assert db.session.execute(db.select(db.func.count(Attempt.id))).scalar() == 1


def test_a_closed_or_unopened_quiz_refuses_new_attempts(typed_app):
    client = typed_app.test_client()
    register(client)
    set_quiz(typed_app, closes_at=utcnow() - timedelta(hours=1))
    page = client.get("/quizzes/all-types")
    response = client.post("/quizzes/all-types/start", data={"csrf_token": csrf_token(page.text)})
    assert "This quiz closed on" in client.get(response.location).text
    set_quiz(typed_app, closes_at=None, opens_at=utcnow() + timedelta(days=1))
    response = client.post("/quizzes/all-types/start", data={"csrf_token": csrf_token(page.text)})
    assert "This quiz opens on" in client.get(response.location).text


def started_ago(app, delta: timedelta) -> None:
    """Move the (only) attempt's start ``delta`` into the past."""
    with app.app_context():
        attempt = db.session.execute(db.select(Attempt)).scalar_one()
        attempt.started_at = utcnow() - delta
        db.session.commit()


def test_time_limit_sets_a_deadline_and_late_saves_finish_the_attempt(typed_app):
    set_quiz(typed_app, time_limit=10)
    client = typed_app.test_client()
    register(client)
    attempt_url = start(client)
    assert "Time limit: submit by" in client.get(attempt_url).text
    answer(client, attempt_url, 1, choose("2006"))          # right, in time
    # Within the grace period a save still counts.
    started_ago(typed_app, timedelta(minutes=10) + GRACE - timedelta(seconds=20))
    assert answer(client, attempt_url, 2, choose("Danish", "German")).status_code == 302
    started_ago(typed_app, timedelta(minutes=10) + GRACE + timedelta(seconds=1))
    page = client.get(f"{attempt_url}?q=3")  # says so, and writes nothing
    assert page.status_code == 200 and "Time is up" in page.text
    late = client.post(f"{attempt_url}?q=3", data={
        "csrf_token": csrf_token(page.text), "seq": "0", "go": "stay", "answer": "false"})
    assert late.status_code == 409
    assert late.json == {"saved": False, "finished": True, "reason": "time up",
                         "sequence": None}
    with typed_app.app_context():
        attempt = db.session.execute(db.select(Attempt)).scalar_one()
        assert attempt.finished and attempt.marks == 2
        assert attempt.responses[2].answer is None
        # Closed as of the last moment a save could land, not when the late save came.
        assert attempt.finished_at == attempt.started_at + timedelta(minutes=10) + GRACE


def test_an_attempt_left_open_is_shown_as_time_up_and_closed_by_its_button(typed_app):
    set_quiz(typed_app, time_limit=5)
    client = typed_app.test_client()
    register(client)
    attempt_url = start(client)
    answer(client, attempt_url, 1, choose("2006"))
    started_ago(typed_app, timedelta(hours=1))
    page = client.get(f"{attempt_url}/summary")
    assert page.status_code == 200
    assert "Time is up" in page.text and "The 1 answer you saved before then" in page.text
    with typed_app.app_context():  # the GET wrote nothing
        assert db.session.execute(db.select(Attempt)).scalar_one().state == "in_progress"
    response = client.post(f"{attempt_url}/submit", data={"csrf_token": csrf_token(page.text)})
    review = " ".join(client.get(response.location).text.split())
    assert "1 out of 7" in review
    assert "so this attempt was submitted automatically with the answers saved by then" \
        in review


def submitted_wrong(app, review: str):
    """A learner's client and attempt, its first question answered wrongly and submitted,
    with the quiz's review setting ``review``."""
    set_quiz(app, review=review)
    client = app.test_client()
    register(client)
    attempt_url = start(client)
    answer(client, attempt_url, 1, choose("2010"))
    submit(client, attempt_url)
    return client, attempt_url


def test_review_hides_answers_until_the_settings_allow(typed_app):
    client, attempt_url = submitted_wrong(typed_app, review="never")
    review = client.get(f"{attempt_url}/review").text
    assert "<strong>Incorrect</strong>" in review            # right or wrong is still shown
    assert "Correct answer" not in review and "<mark>" not in review
    assert "not shown for this quiz" in review
    set_quiz(typed_app, review="after_close", closes_at=utcnow() + timedelta(days=1))
    review = client.get(f"{attempt_url}/review").text
    assert "shown once the quiz closes" in review and "Correct answer" not in review
    # Open attempts may still save for the grace period after closing: not yet.
    set_quiz(typed_app, closes_at=utcnow() - GRACE + timedelta(seconds=10))
    review = client.get(f"{attempt_url}/review").text
    assert "Correct answer" not in review
    set_quiz(typed_app, closes_at=utcnow() - GRACE - timedelta(seconds=1))
    review = client.get(f"{attempt_url}/review").text
    assert "Correct answer" in review and "<mark>" in review


def test_answers_an_instructor_was_shown_stay_hidden_from_the_learner(typed_app):
    # Reviews keep rendered questions; what an instructor's review showed must not be
    # what the learner's review finds kept.
    learner, attempt_url = submitted_wrong(typed_app, review="never")
    add_user(typed_app, "teacher", role="instructor")
    instructor = typed_app.test_client()
    log_in(instructor, "teacher")
    shown = instructor.get(f"{attempt_url}/review").text
    assert "Correct answer" in shown and "<mark>" in shown
    hidden = learner.get(f"{attempt_url}/review").text
    assert "<strong>Incorrect</strong>" in hidden
    assert "Correct answer" not in hidden and "<mark>" not in hidden


def asked_citations(app, attempt_url) -> list[int]:
    attempt_id = int(attempt_url.rsplit("/", 1)[1])
    with app.app_context():
        return db.session.execute(
            db.select(Citation.id).join(Response, Response.version_id == Citation.version_id)
            .where(Response.attempt_id == attempt_id)).scalars().all()


def marks_in(client, cite: int) -> list[str]:
    page = client.get(f"/documents/nato-bih?cite={cite}")
    assert page.status_code == 200
    return re.findall(r"<mark>(.*?)</mark>", page.text)


def test_cite_marks_no_quote_a_quizs_review_hides(typed_app):
    learner, attempt_url = submitted_wrong(typed_app, review="never")
    cites = asked_citations(typed_app, attempt_url)
    assert cites
    # Neither the learner who answered, nor another learner, nor a visitor finds a quote
    # by running through ?cite= ...
    stranger = typed_app.test_client()
    register(stranger, "bob")
    for cite in cites:
        for client in (learner, stranger, typed_app.test_client()):
            assert marks_in(client, cite) == []
    # ... while the instructor does, and the learner once the review shows answers.
    add_user(typed_app, "teacher", role="instructor")
    teacher = typed_app.test_client()
    log_in(teacher, "teacher")
    assert all(marks_in(teacher, cite) for cite in cites)
    set_quiz(typed_app, review="immediately")
    assert all(marks_in(learner, cite) for cite in cites)
    assert all(marks_in(stranger, cite) == [] for cite in cites)


def test_mastery_shows_nothing_of_questions_a_quizs_review_hides(typed_app):
    learner, _ = submitted_wrong(typed_app, review="never")
    document = learner.get("/documents/nato-bih").text
    assert "Your mastery" in document  # the legend; past it, every paragraph is unseen
    assert re.findall(r"band band-(\w+)\"", document.split("</aside>")[1]) == ["unseen"] * len(
        re.findall(r'class="para-meta"', document))
    progress = learner.get("/me/progress").text
    assert "you have been asked about" not in progress
    set_quiz(typed_app, review="after_close", closes_at=utcnow() - timedelta(minutes=1))
    assert "band-shaky\"" in learner.get("/documents/nato-bih").text.split("</aside>")[1]
    assert "you have been asked about" in learner.get("/me/progress").text
