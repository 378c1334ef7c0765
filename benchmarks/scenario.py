"""Prepare a seeded scratch database for the load run and write the wrk plans.

Run with DATABASE_URL and SECRET_KEY set to what the server will use. Session cookies
are made by Flask-Login's own login_user for the address and user agent wrk will
present, so the server accepts them without a password check per learner.
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

from flask import current_app, g, session
from flask_login import login_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import insert, select, update

from quiz import create_app
from quiz.accounts import create_user
from quiz.attempts import close_attempt, lock_attempt, scored, start_attempt
from quiz.demo import NO_LOGIN
from quiz.drawing import Candidate, draw
from quiz.extensions import db
from quiz.models import (
    IN_PROGRESS,
    Attempt,
    Document,
    Question,
    QuestionVersion,
    Quiz,
    Response,
    User,
    utcnow,
)
from quiz.types import get_type

AGENT = "quiz-bench"
QUESTIONS = 20
BENCH_QUIZ = "bench-20"


def log_in(user: User) -> None:
    """Log in as the login form does (with a server-side login session where there is one)."""
    from quiz import auth
    start = getattr(auth, "start_session", None)
    if start is not None:
        start(user)
    else:
        login_user(user)


class Cookies:
    """Session cookies (and their CSRF tokens) exactly as the server would set them."""

    def __init__(self, app):
        self.app = app
        self.serializer = app.session_interface.get_signing_serializer(app)

    def for_user(self, user: User) -> tuple[str, str]:
        with self.app.test_request_context(
                "/", environ_base={"REMOTE_ADDR": "127.0.0.1"}, headers={"User-Agent": AGENT}):
            log_in(user)
            g.pop("csrf_token", None)  # Flask-WTF caches the token on the app context
            token = generate_csrf()
            return self.serializer.dumps(dict(session)), token


def bench_quiz() -> Quiz:
    document = db.session.execute(select(Document).order_by(Document.id)).scalars().first()
    quiz = Quiz(key=BENCH_QUIZ, document_id=document.id, title="Twenty questions",
                description="Twenty questions drawn at random (benchmark).",
                select={"all": True, "count": QUESTIONS})
    db.session.add(quiz)
    db.session.flush()
    return quiz


def answer_all(attempt: Attempt, rng: random.Random, upto: int | None = None) -> None:
    """Answer as the learner's saves would have: each answer with its grade."""
    for response in attempt.responses[:upto]:
        kind = get_type(response.version.type)
        response.answer = kind.simulate(response.version.data, response.layout, rng,
                                        rng.random() < 0.7)
        response.fraction = kind.grade(response.version.data, response.answer)
        response.marks = scored(response.fraction, response.max_marks)
        response.sequence, response.saved_at = 1, utcnow()


def save_target(attempt: Attempt) -> tuple[Response, tuple[str, str]]:
    """A question whose answer is one form field, and two answers to alternate between
    (a single choice's first two field tokens, as its page names them, or true/false)."""
    response = next(r for r in attempt.responses
                    if r.version.type in ("single_choice", "true_false"))
    if response.version.type == "true_false":
        return response, ("true", "false")
    return response, tuple(response.layout["tokens"][:2])


def learners(count: int) -> list[User]:
    """Demo learners with the most history: their progress and mastery pages are full."""
    rows = db.session.execute(
        select(User).where(User.demo.is_(True), User.role == "learner").order_by(User.id)
    ).scalars().all()
    return rows[:count]


def pool(quiz: Quiz, size: int, rng: random.Random) -> list[tuple[int, int]]:
    """``size`` learners, each with an open 20-question attempt fully answered."""
    ids = db.session.execute(insert(User).returning(User.id, sort_by_parameter_order=True), [
        {"username": f"bench-pool-{n:05d}", "password_hash": NO_LOGIN, "role": "learner",
         "demo": True} for n in range(size)]).scalars().all()
    versions = db.session.execute(
        select(QuestionVersion).join(Question, Question.current_version_id == QuestionVersion.id)
        .where(Question.status == "active", Question.document_id == quiz.document_id)
    ).scalars().all()
    by_key = {v.question.key: v for v in versions}
    candidates = [Candidate(v.question.key, v.tags, v.section) for v in versions]
    attempt_ids = db.session.execute(
        insert(Attempt).returning(Attempt.id, sort_by_parameter_order=True),
        [{"user_id": u, "quiz_id": quiz.id, "seed": rng.getrandbits(31), "state": IN_PROGRESS,
          "max_marks": float(QUESTIONS)} for u in ids]).scalars().all()
    rows = []
    for attempt_id in attempt_ids:
        for slot, candidate in enumerate(draw(quiz.select, candidates, rng, True), start=1):
            version = by_key[candidate.key]
            kind = get_type(version.type)
            layout = kind.layout(version.data, rng, True)
            answer = kind.simulate(version.data, layout, rng, rng.random() < .7)
            fraction = kind.grade(version.data, answer)  # kept by the save, as the app does
            rows.append({"attempt_id": attempt_id, "slot": slot, "version_id": version.id,
                         "layout": layout, "max_marks": version.marks, "sequence": 1,
                         "answer": answer, "fraction": fraction,
                         "marks": scored(fraction, version.marks)})
    db.session.execute(insert(Response), rows)
    return list(zip(ids, attempt_ids, strict=True))


def reset_pool(attempt_ids: list[int]) -> None:
    """Reopen the pool's attempts, so the next submit run closes them again (their
    answers keep the grades their saves kept)."""
    db.session.execute(update(Attempt).where(Attempt.id.in_(attempt_ids)).values(
        state=IN_PROGRESS, finished_at=None, marks=None, percent=None))


def write(path: Path, rows: list[list]) -> None:
    path.write_text("".join("\t".join(str(f) for f in row) + "\n" for row in rows))


def prepare(out: Path, clients: int, pool_size: int) -> None:
    rng = random.Random(20)
    quiz = bench_quiz()
    cookies = Cookies(current_app._get_current_object())
    plans: dict[str, list[list]] = {k: [] for k in (
        "home", "document", "quiz_page", "save", "review", "progress")}
    for user in learners(clients):
        cookie, token = cookies.for_user(user)
        done = start_attempt(user, quiz, utcnow())
        answer_all(done, rng)
        close_attempt(lock_attempt(done.id), utcnow())
        current = start_attempt(user, quiz, utcnow())
        answer_all(current, rng, upto=QUESTIONS // 2)
        db.session.flush()
        slot, values = save_target(current)
        base = f"/attempts/{current.id}"
        plans["home"].append([cookie, "/"])
        plans["document"].append([cookie, "/documents/" + quiz.document.slug])
        plans["quiz_page"].append([cookie] + [f"{base}?q={q}" for q in range(1, QUESTIONS + 1)])
        plans["save"].append([cookie, f"{base}?q={slot.slot}", token, slot.sequence,
                              "answer", *values])
        plans["review"].append([cookie, f"/attempts/{done.id}/review"])
        plans["progress"].append([cookie, "/me/progress"])
    teacher = create_user("bench-teacher", "bench-teacher-password", "instructor")
    db.session.flush()
    cookie, _ = cookies.for_user(teacher)
    plans["gradebook"] = [[cookie, "/instructor/gradebook"]]
    plans["items"] = [[cookie, "/instructor/quizzes/quick/items"]]
    plans["submit"] = []
    pooled = pool(quiz, pool_size, rng)
    for user_id, attempt_id in pooled:
        cookie, token = cookies.for_user(db.session.get(User, user_id))
        plans["submit"].append([cookie, attempt_id, token])
    db.session.commit()
    for name, rows in plans.items():
        write(out / f"{name}.tsv", rows)
    (out / "pool.txt").write_text("\n".join(str(a) for _, a in pooled))
    write(out / "reference.tsv", [["", "/fortunes"]])
    from reference import logged_in_cookie  # benchmarks/ is on the path: run.py's folder
    write(out / "reference-logged-in.tsv",
          [[logged_in_cookie(current_app.config["SECRET_KEY"]), "/fortunes/logged-in"]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--clients", type=int, default=64)
    # Each submit closes one attempt for good: the pool must outlast a run (at 2,600
    # submits a second, a 5 s run takes 13,000, and wrk's connections are not served
    # evenly, so some use up their share of the pool first); run.py counts a dry pool
    # as errors.
    parser.add_argument("--pool", type=int, default=32000)
    parser.add_argument("--reset-pool", action="store_true",
                        help="Only reopen the submit pool's attempts.")
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        if args.reset_pool:
            reset_pool([int(a) for a in (args.out / "pool.txt").read_text().split()])
            db.session.commit()
        else:
            prepare(args.out, args.clients, args.pool)
        db.engine.dispose()


if __name__ == "__main__":
    main()
