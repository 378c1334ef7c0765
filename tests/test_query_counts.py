"""SQL statements per page: a handful, however long the attempt and however big the class.

Statements are counted with a ``before_cursor_execute`` listener on the engine, so the
count is deterministic (no time is ever asserted). Transaction control (BEGIN, COMMIT,
ROLLBACK, SAVEPOINT, RELEASE) and PRAGMA are not statements of a page for this purpose.
An executemany (the ORM writing several rows of one table with one call) counts once.
Flask-Login's query for the current user counts.
"""
from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from quiz.extensions import db
from quiz.models import Question, Quiz, User
from tests.answering import some_answer
from tests.conftest import add_user, csrf_token, log_in

LIMIT = 6
NOT_STATEMENTS = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")


@contextmanager
def counting(app):
    seen: list[str] = []

    def listener(_conn, _cursor, statement, _parameters, _context, _executemany):
        if not statement.lstrip().upper().startswith(NOT_STATEMENTS):
            seen.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)


class Pages:
    """Requests one client makes, each with the statements it ran."""

    def __init__(self, app, client):
        self.app, self.client, self.counts, self.statements = app, client, {}, {}

    def request(self, name: str, method: str, path: str, expect: int = 200, **kwargs):
        with counting(self.app) as seen:
            page = self.client.open(path, method=method, **kwargs)
        assert page.status_code == expect, (name, page.status_code)
        self.counts[name] = len(seen)
        self.statements[name] = seen
        return page


def add_quizzes(app) -> None:
    """'two' asks two single-choice questions; 'long' the same two first, then every other."""
    with app.app_context():
        questions = db.session.execute(
            db.select(Question).order_by(Question.position)).scalars().all()
        choice = [q.key for q in questions if q.current.type == "single_choice"][:2]
        rest = [q.key for q in questions if q.key not in choice]
        document_id = questions[0].document_id
        for key, keys in (("two", choice), ("long", choice + rest)):
            db.session.add(Quiz(key=key, document_id=document_id, title=key,
                                select={"questions": keys}, shuffle_questions=False,
                                shuffle_choices=False))
        db.session.commit()


def take_quiz(app, name: str, quiz: str) -> Pages:
    """Log in, visit every learner page, answer, submit and review; count each request."""
    add_user(app, name)
    pages = Pages(app, app.test_client())
    login_page = pages.request("login form", "GET", "/login")
    pages.request("log in", "POST", "/login", expect=302, data={
        "username": name, "password": "correct horse", "csrf_token": csrf_token(login_page.text)})
    pages.request("home", "GET", "/")
    pages.request("document view", "GET", "/documents/nato-bih")
    token = csrf_token(pages.request("quiz page", "GET", f"/quizzes/{quiz}").text)
    started = pages.request("start", "POST", f"/quizzes/{quiz}/start", expect=302,
                            data={"csrf_token": token})
    attempt = int(re.search(r"/attempts/(\d+)", started.location).group(1))
    page = pages.request("question", "GET", f"/attempts/{attempt}?q=2")
    seq = re.search(r'name="seq" value="(\d+)"', page.text).group(1)
    pages.request("save and next", "POST", f"/attempts/{attempt}?q=2", expect=302, data={
        "csrf_token": token, "seq": seq, "go": "next", **some_answer(page.text)})
    first = pages.client.get(f"/attempts/{attempt}?q=1").text
    pages.request("background save", "POST", f"/attempts/{attempt}?q=1", data={
        "csrf_token": token, "seq": "0", "go": "stay", **some_answer(first)})
    pages.request("stale background save", "POST", f"/attempts/{attempt}?q=1", expect=409,
                  data={"csrf_token": token, "seq": "0", "go": "stay", "answer": "changed"})
    pages.request("summary", "GET", f"/attempts/{attempt}/summary")
    pages.request("submit", "POST", f"/attempts/{attempt}/submit", expect=302,
                  data={"csrf_token": token})
    review = pages.request("review", "GET", f"/attempts/{attempt}/review")
    source = re.search(r'href="(/documents/nato-bih\?cite=\d+)#p\d+"', review.text).group(1)
    pages.request("document view, a quote marked", "GET", source)
    pages.request("my attempts", "GET", "/me/attempts")
    pages.request("my progress", "GET", "/me/progress")
    pages.request("quiz page, after an attempt", "GET", f"/quizzes/{quiz}")
    return pages


def register(app) -> Pages:
    pages = Pages(app, app.test_client())
    form = pages.request("registration form", "GET", "/register")
    pages.request("register", "POST", "/register", expect=302, data={
        "username": "newcomer", "password": "a long passphrase", "confirm": "a long passphrase",
        "csrf_token": csrf_token(form.text)})
    return pages


@pytest.fixture
def counted_app(app):
    add_quizzes(app)
    return app


def test_every_learner_page_runs_at_most_six_statements(counted_app):
    pages = take_quiz(counted_app, "ada", "long")
    pages.counts.update(register(counted_app).counts)
    over = {name: pages.statements.get(name, count) for name, count in pages.counts.items()
            if count > LIMIT}
    assert not over


def test_statements_do_not_grow_with_the_questions_in_an_attempt(counted_app):
    two = take_quiz(counted_app, "ada", "two").counts
    long = take_quiz(counted_app, "bob", "long").counts
    with counted_app.app_context():
        asked = {q.key: len(q.select["questions"]) for q in db.session.execute(
            db.select(Quiz).where(Quiz.key.in_(["two", "long"]))).scalars()}
    assert asked["two"] == 2 and asked["long"] >= 100
    assert two == long


def test_statements_do_not_grow_with_the_number_of_learners(counted_app, runner):
    alone = take_quiz(counted_app, "ada", "long").counts
    result = runner.invoke(args=["demo", "seed", "--learners", "40", "--force"])
    assert result.exit_code == 0, result.output
    among_many = take_quiz(counted_app, "bob", "long").counts
    assert among_many == alone


def test_a_learner_with_a_long_history_runs_as_few_statements(counted_app, runner):
    fresh = take_quiz(counted_app, "ada", "long").counts
    assert runner.invoke(args=["demo", "seed", "--learners", "5", "--force"]).exit_code == 0
    with counted_app.app_context():
        veteran = db.session.execute(
            db.select(User).where(User.demo.is_(True)).order_by(User.id)).scalars().first()
        veteran.set_password("correct horse")
        db.session.commit()
        name = veteran.username
    pages = Pages(counted_app, counted_app.test_client())
    assert log_in(pages.client, name).status_code == 302
    for label, path in (("home", "/"), ("document view", "/documents/nato-bih"),
                        ("my attempts", "/me/attempts"), ("my progress", "/me/progress")):
        pages.request(label, "GET", path)
        assert pages.counts[label] == fresh[label], label


REPORTS = ("/instructor/gradebook", "/instructor/quizzes/quick/items",
           "/instructor/quizzes/quick", "/instructor/documents/nato-bih/paragraphs",
           "/instructor/quizzes", "/instructor/attempts")


def test_instructor_reports_run_as_many_statements_for_forty_learners_as_for_one(app, runner):
    add_user(app, "teacher", role="instructor")
    pages = Pages(app, app.test_client())
    assert log_in(pages.client, "teacher").status_code == 302
    counts = []
    for learners in ("1", "40"):  # every demo learner takes the quick quiz
        assert runner.invoke(args=["demo", "seed", "--learners", learners]).exit_code == 0
        for path in REPORTS:
            pages.request(path, "GET", path)
        counts.append(dict(pages.counts))
    assert counts[0] == counts[1]
