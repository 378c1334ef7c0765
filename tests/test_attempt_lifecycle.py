"""An attempt's life: deadlines that follow the settings and close themselves, one close
for every way an attempt ends, and answer fields that give nothing away."""
import random
import re
from datetime import timedelta
from statistics import mean

import pytest
import yaml
from werkzeug.datastructures import MultiDict

from quiz.extensions import db
from quiz.models import Attempt, Response, utcnow
from quiz.quizsettings import GRACE, check_settings, parse_when
from quiz.types import get_type
from tests.answering import QuestionForm, choose
from tests.conftest import add_user, csrf_token, log_in
from tests.test_learner_flow import answer, register, start
from tests.test_quiz_settings import set_quiz, started_ago


def only_attempt(app) -> Attempt:
    with app.app_context():
        attempt = db.session.execute(db.select(Attempt)).scalar_one()
        db.session.expunge(attempt)
        return attempt


def test_closing_the_quiz_earlier_caps_open_attempts_and_extending_extends_them(typed_app):
    set_quiz(typed_app, time_limit=60)
    client = typed_app.test_client()
    register(client)
    attempt_url = start(client)
    answer(client, attempt_url, 1, choose("2006"))
    # The instructor closes the quiz now: the open attempt's time is up with it.
    set_quiz(typed_app, closes_at=utcnow() - GRACE - timedelta(seconds=1))
    page = client.get(f"{attempt_url}?q=2")
    assert "Time is up" in page.text
    # Extended again before anything closed it: the attempt goes on, to its time limit.
    set_quiz(typed_app, closes_at=utcnow() + timedelta(days=1))
    page = client.get(f"{attempt_url}?q=2")
    assert "Question 2 of 7" in page.text
    assert answer(client, attempt_url, 2, choose("Danish")).status_code == 302
    # Its deadline is the earlier of start + limit and the closing date, as set now.
    started = only_attempt(typed_app).started_at
    limit_end = (started + timedelta(minutes=60)).strftime("%Y-%m-%d %H:%M")
    assert f"{limit_end} UTC" in page.text
    set_quiz(typed_app, closes_at=started + timedelta(minutes=30))
    closes = (started + timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M")
    assert f"{closes} UTC" in client.get(f"{attempt_url}?q=2").text


def test_offsets_in_opens_and_closes_are_converted_to_utc():
    assert parse_when("2030-01-01T12:00:00+02:00").isoformat() == "2030-01-01T10:00:00"
    assert parse_when("2030-01-01 18:00 -05:00").isoformat() == "2030-01-01T23:00:00"
    assert parse_when("2030-01-01 18:00-05:00").isoformat() == "2030-01-01T23:00:00"
    assert parse_when("2030-01-01T12:00Z").isoformat() == "2030-01-01T12:00:00"
    assert parse_when("2030-01-01 12:00").isoformat() == "2030-01-01T12:00:00"  # UTC
    # As a bank file gives it: YAML reads a timestamp with an offset as an aware datetime.
    from_yaml = yaml.safe_load("closes: 2030-06-01T09:30:00+02:00")["closes"]
    found = check_settings({"closes": from_yaml}, lambda *a: pytest.fail(str(a)))
    assert found["closes_at"].isoformat() == "2030-06-01T07:30:00"


def test_deadlines_are_times_that_scripts_show_in_the_learners_zone(typed_app):
    set_quiz(typed_app, time_limit=30)
    client = typed_app.test_client()
    register(client)
    page = client.get(start(client)).text
    started = only_attempt(typed_app).started_at + timedelta(minutes=30)
    assert re.search(rf'<time datetime="{started:%Y-%m-%dT%H:%M}:\d\dZ" data-local-time>'
                     rf'{started:%Y-%m-%d %H:%M} UTC</time>', page)


def overdue_attempt(app, client):
    """``client``'s attempt at a 5-minute quiz, one right answer saved, an hour old."""
    set_quiz(app, time_limit=5)
    attempt_url = start(client)
    answer(client, attempt_url, 1, choose("2006"))
    started_ago(app, timedelta(hours=1))
    return attempt_url


def test_close_overdue_closes_with_what_was_saved_and_is_idempotent(typed_app):
    client = typed_app.test_client()
    register(client)
    overdue_attempt(typed_app, client)
    runner = typed_app.test_cli_runner()
    first = runner.invoke(args=["attempts", "close-overdue"])
    assert first.exit_code == 0 and "Closed 1 overdue attempt." in first.output
    attempt = only_attempt(typed_app)
    assert attempt.state == "finished" and attempt.marks == 1
    assert attempt.finished_at == attempt.started_at + timedelta(minutes=5) + GRACE
    again = runner.invoke(args=["attempts", "close-overdue"])
    assert "Closed 0 overdue attempts." in again.output
    assert only_attempt(typed_app).finished_at == attempt.finished_at


def test_reports_and_exports_count_attempts_whose_time_ran_out(typed_app):
    client = typed_app.test_client()
    register(client, "ann")
    overdue_attempt(typed_app, client)
    add_user(typed_app, "teacher", role="instructor")
    teacher = typed_app.test_client()
    log_in(teacher, "teacher")
    exported = typed_app.test_cli_runner().invoke(args=["export", "gradebook"]).output
    assert re.search(r"ann,14\.29", exported)
    # And on the web, with no command run: set up a second one, then read the gradebook.
    with typed_app.app_context():
        db.session.execute(db.update(Attempt).values(state="in_progress", marks=None,
                                                     percent=None, finished_at=None))
        db.session.commit()
    gradebook = " ".join(teacher.get("/instructor/gradebook").text.split())
    assert "14.3%" in gradebook
    assert only_attempt(typed_app).state == "finished"


def test_an_instructor_sees_open_attempts_and_can_close_one(typed_app):
    client = typed_app.test_client()
    register(client, "ann")
    attempt_url = start(client)
    answer(client, attempt_url, 1, choose("2006"))
    add_user(typed_app, "teacher", role="instructor")
    teacher = typed_app.test_client()
    log_in(teacher, "teacher")
    page = teacher.get("/instructor/attempts")
    assert "in progress" in page.text and "Close now" in page.text
    attempt_id = attempt_url.rsplit("/", 1)[1]
    closed = teacher.post(f"/instructor/attempts/{attempt_id}/close",
                          data={"csrf_token": csrf_token(page.text), "back": "attempts"})
    assert closed.location.endswith("/instructor/attempts")
    assert "is closed and graded" in teacher.get(closed.location).text
    assert only_attempt(typed_app).marks == 1
    # The learner's next save is refused, and says why.
    late = client.post(f"{attempt_url}?q=2", data={
        "csrf_token": csrf_token(client.get("/").text), "seq": "0", "go": "stay",
        "answer": "x"})
    assert late.status_code == 409 and late.json["reason"] == "closed"
    # Without the form's token nothing is closed (CSRF), and learners cannot close.
    assert teacher.post(f"/instructor/attempts/{attempt_id}/close").status_code == 400
    assert client.post(f"/instructor/attempts/{attempt_id}/close", data={
        "csrf_token": csrf_token(client.get("/").text)}).status_code == 403


def test_the_question_page_carries_no_bank_indices(typed_app):
    client = typed_app.test_client()
    register(client)
    attempt_url = start(client)
    for q in (1, 2, 6, 7):
        form = QuestionForm(client.get(f"{attempt_url}?q={q}").text)
        names = [i["name"] for i in form.inputs] + [s["name"] for s in form.selects.values()]
        values = [i["value"] for i in form.inputs] + [
            v for s in form.selects.values() for v, _ in s["options"] if v]
        fields = [n for n in names if n not in ("answer", "flag")]  # flag: not an answer
        assert all(re.fullmatch(r"(position|match)-[0-9a-f]{10}", n) for n in fields)
        if q in (1, 2, 7):  # choice values and matching options are tokens too
            tokens = [v for v in values if not v.isdigit()]
            assert tokens and all(re.fullmatch(r"[0-9a-f]{10}", v) for v in tokens)


# Structural guessing: what a learner could try knowing nothing of the subject, by the
# form alone. Each strategy turns the fields a question's template renders into answers.
def _lowest(form):
    return _pick(form, min)


def _highest(form):
    return _pick(form, max)


def _pick(form, which):
    fields = MultiDict()
    radios = [i for i in form.inputs if i["type"] == "radio"]
    boxes = [i for i in form.inputs if i["type"] == "checkbox"]
    if radios:
        fields["answer"] = which(i["value"] for i in radios)
    if boxes:
        fields["answer"] = which(i["value"] for i in boxes)
    selects = sorted(form.selects.values(), key=lambda s: s["name"], reverse=which is max)
    for rank, select in enumerate(selects):
        options = sorted((v for v, _ in select["options"] if v), reverse=which is max)
        # Positions: in the order of the field names; matches: the options in the same
        # order as the fields (the i-th lowest name with the i-th lowest value).
        fields[select["name"]] = options[rank % len(options)]
    return fields


def _digits(form):
    fields = MultiDict()
    for select in form.selects.values():
        digits = re.sub(r"\D", "", select["name"])
        same = [v for v, _ in select["options"] if v and re.sub(r"\D", "", v) == digits]
        if same:
            fields[select["name"]] = same[0]
    radios = [i["value"] for i in form.inputs]
    if radios:
        fields["answer"] = radios[0]  # the first shown
    return fields


# (type, question data, chance, upper bound on the mean fraction over 300 attempts).
GUESSED = [
    ("single_choice", {"choices": [{"text": t, "feedback": ""} for t in ("a", "b", "c", "d")],
                       "correct": 0}, 0.25, 0.35),
    ("multiple_response", {"choices": [{"text": t, "feedback": ""} for t in "abcd"],
                           "correct": [0, 1]}, None, 0.35),
    ("ordering", {"items": ["a", "b", "c", "d"]}, 0.5, 0.6),
    ("matching", {"lefts": ["a", "b", "c"], "rights": ["x", "y", "z", "w"]}, 0.25, 0.35),
]


@pytest.mark.parametrize("kind_name, data, chance, bound", GUESSED,
                         ids=[g[0] for g in GUESSED])
@pytest.mark.parametrize("strategy", [_lowest, _highest, _digits])
def test_guessing_by_the_form_scores_at_chance(typed_app, kind_name, data, chance, bound,
                                               strategy):
    from flask import get_template_attribute
    kind = get_type(kind_name)
    fractions = []
    with typed_app.test_request_context():
        for seed in range(300):
            layout = kind.layout(data, random.Random(seed), True)
            html = get_template_attribute(kind.template, "question")(
                kind.view(data, layout, None))
            guess = strategy(QuestionForm(html))
            fractions.append(kind.grade(data, kind.read_answer(data, layout, guess)))
    assert mean(fractions) <= bound
    if chance is not None:
        assert kind.random_guess(data) == pytest.approx(chance) or kind_name == "matching"


def test_a_knowing_learner_still_scores_full_marks(typed_app):
    client = typed_app.test_client()
    register(client)
    from tests.test_learner_flow import RIGHT, TYPES
    attempt_url = start(client)
    for page_no, kind in enumerate(TYPES, start=1):
        answer(client, attempt_url, page_no, RIGHT[kind]())
    summary = client.get(f"{attempt_url}/summary")
    client.post(f"{attempt_url}/submit", data={"csrf_token": csrf_token(summary.text)})
    assert only_attempt(typed_app).percent == 100
    with typed_app.app_context():
        assert db.session.execute(db.select(db.func.sum(Response.marks))).scalar() == 7
