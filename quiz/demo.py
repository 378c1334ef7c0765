"""`flask --app quiz demo seed`: reproducible learners taking the shipped quizzes.

Learners have an ability and questions a difficulty (a two-parameter logistic
model, with guessing), so dashboards show stronger and weaker learners and
easier and harder items. Demo accounts cannot log in and are replaced on every run.
"""
from __future__ import annotations

import hashlib
import math
import random
import statistics
import sys
from datetime import timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import delete, func, insert, select

from .attempts import scored
from .drawing import Candidate, draw
from .extensions import db
from .models import (
    FINISHED,
    PUBLISHED,
    Attempt,
    CourseMember,
    Question,
    QuestionVersion,
    Quiz,
    Response,
    User,
    utcnow,
)
from .types import get_type
from .words import plural

NO_LOGIN = "!demo-account"  # not a password hash: check_password_hash always refuses it
SLOPE = 1.7
BATCH = 200  # learners written per transaction
TAKE_CHANCE = {"quick": 1.0, "whole-document": 0.15}
SECTION_CHANCE = 0.6


def difficulty(key: str) -> float:
    """A question's difficulty on the ability scale, fixed by its key."""
    u = int(hashlib.sha256(key.encode()).hexdigest()[:12], 16) / 16 ** 12
    return statistics.NormalDist(0.2, 0.9).inv_cdf(min(max(u, 1e-6), 1 - 1e-6))


def chance_right(ability: float, key: str, guess: float) -> float:
    return guess + (1 - guess) / (1 + math.exp(-SLOPE * (ability - difficulty(key))))


def real_learners() -> int:
    return db.session.execute(
        select(func.count()).select_from(User).where(User.demo.is_(False),
                                                     User.role == "learner")).scalar_one()


def clear_demo_data() -> None:
    demo_users = select(User.id).where(User.demo.is_(True))
    demo_attempts = select(Attempt.id).where(Attempt.user_id.in_(demo_users))
    db.session.execute(delete(Response).where(Response.attempt_id.in_(demo_attempts)))
    db.session.execute(delete(Attempt).where(Attempt.user_id.in_(demo_users)))
    db.session.execute(delete(User).where(User.demo.is_(True)))


def _question_pools() -> dict[int, list[QuestionVersion]]:
    versions = db.session.execute(
        select(QuestionVersion, Question.document_id)
        .join(Question, Question.current_version_id == QuestionVersion.id)
        .where(Question.status == "active").order_by(Question.position)
    ).all()
    pools: dict[int, list[QuestionVersion]] = {}
    for version, document_id in versions:
        pools.setdefault(document_id, []).append(version)
    return pools


def seed(learners: int, seed_value: int, bar=None) -> tuple[int, int]:
    """Write ``learners`` demo learners and their attempts; return (attempts, responses)."""
    # Reproducible demo data, not a secret.
    rng = random.Random(seed_value)  # nosec B311
    quizzes = db.session.execute(
        select(Quiz).where(Quiz.state == PUBLISHED).order_by(Quiz.id)).scalars().all()
    pools = _question_pools()
    keys = {v.id: v.question.key for pool in pools.values() for v in pool}
    now = utcnow()
    start = now - timedelta(days=30)
    windows = {quiz.id: _window(quiz, pools.get(quiz.document_id, []), start, now)
               for quiz in quizzes}
    attempts_written = responses_written = 0
    users = [{"username": f"demo-{n:05d}", "password_hash": NO_LOGIN, "role": "learner",
              "demo": True, "created_at": start} for n in range(1, learners + 1)]
    for first in range(0, learners, BATCH):
        chunk = users[first:first + BATCH]
        ids = db.session.execute(insert(User).returning(User.id, sort_by_parameter_order=True),
                                 chunk).scalars().all()
        # Demo learners are in the courses of the quizzes they take, as real ones would be.
        db.session.execute(insert(CourseMember), [
            {"course_id": course_id, "user_id": user_id, "role": "learner", "joined_at": start}
            for user_id in ids for course_id in sorted({q.course_id for q in quizzes})])
        attempt_rows, response_rows = [], []
        for user_id in ids:
            ability = rng.gauss(0, 1)
            progress = rng.uniform(0, 0.5)  # how far through each quiz's window this learner is
            for quiz in quizzes:
                chance = TAKE_CHANCE.get(quiz.key, SECTION_CHANCE)
                tries = (1 + (rng.random() < 0.3)) if rng.random() < chance else 0
                if windows[quiz.id] is None:
                    continue
                for _ in range(tries):
                    progress = min(1.0, progress + rng.uniform(0.02, 0.1))
                    opened, closed = windows[quiz.id]
                    when = opened + (closed - opened) * progress
                    end = min(closed, when + timedelta(
                        minutes=rng.uniform(2, LONGEST.total_seconds() / 60)))
                    attempt, responses = _attempt(quiz, pools.get(quiz.document_id, []),
                                                  keys, user_id, ability, (when, end), rng)
                    if responses:
                        attempt_rows.append(attempt)
                        response_rows.append(responses)
                    ability += 0.15  # practice helps
        attempt_ids = db.session.execute(
            insert(Attempt).returning(Attempt.id, sort_by_parameter_order=True), attempt_rows
        ).scalars().all() if attempt_rows else []
        flat = [dict(r, attempt_id=a) for a, rows in zip(attempt_ids, response_rows,
                                                           strict=True) for r in rows]
        if flat:
            db.session.execute(insert(Response), flat)
        db.session.commit()
        attempts_written += len(attempt_ids)
        responses_written += len(flat)
        if bar is not None:
            bar.update(len(chunk))
    return attempts_written, responses_written


LONGEST = timedelta(minutes=25)  # the longest demo attempt


def _window(quiz, pool, start, now):
    """When demo attempts at ``quiz`` may happen: never before the questions they ask were
    written or the quiz opened, never after it closed or in the future (a bank loaded a
    minute ago gets a minute of attempts). None when there is no such time."""
    opened = max([start, *(v.created_at for v in pool),
                  *([quiz.opens_at] if quiz.opens_at else [])])
    closed = min([now, *([quiz.closes_at] if quiz.closes_at else [])])
    return (opened, closed) if closed > opened else None


def _attempt(quiz, pool, keys, user_id, ability, times, rng):
    when, finished = times
    by_key = {keys[v.id]: v for v in pool}
    candidates = [Candidate(keys[v.id], v.tags, v.section, v.question.exam_only) for v in pool]
    drawn = draw(quiz.select, candidates, rng, quiz.shuffle_questions)
    responses, total, maximum = [], 0.0, 0.0
    for slot, candidate in enumerate(drawn, start=1):
        version = by_key[candidate.key]
        kind = get_type(version.type)
        layout = kind.layout(version.data, rng, quiz.shuffle_choices)
        guess = kind.random_guess(version.data)
        skipped = rng.random() < 0.03
        answer = None if skipped else kind.simulate(
            version.data, layout, rng, rng.random() < chance_right(ability, candidate.key, guess))
        fraction = kind.grade(version.data, answer)
        marks = scored(fraction, version.marks)
        total += marks
        maximum += version.marks
        responses.append({"slot": slot, "version_id": version.id, "layout": layout,
                          "answer": answer, "sequence": 0 if skipped else 1,
                          "saved_at": None if skipped else when, "fraction": fraction,
                          "marks": marks, "max_marks": version.marks})
    attempt = {"user_id": user_id, "quiz_id": quiz.id, "seed": rng.getrandbits(31),
               "state": FINISHED, "started_at": when, "finished_at": finished,
               "marks": round(total, 4), "max_marks": maximum,
               "percent": round(100 * total / maximum, 2) if maximum else 0.0}
    return attempt, responses


@click.command("seed")
@click.option("--learners", type=click.IntRange(1, 100_000), default=50, show_default=True,
              help="How many demo learners to create.")
@click.option("--seed", "seed_value", type=int, default=1, show_default=True,
              help="Random seed: the same seed gives the same data.")
@click.option("--force", is_flag=True,
              help="Run even though the database has real (non-demo) learners.")
@with_appcontext
def seed_command(learners: int, seed_value: int, force: bool) -> None:
    """Fill the database with demo learners taking the shipped quizzes."""
    existing = real_learners()
    if existing and not force:
        raise click.ClickException(
            f"The database has {plural(existing, 'real learner')}; demo data is meant for a "
            "database of its own. Use --force to add it anyway.")
    clear_demo_data()
    if sys.stderr.isatty():
        with click.progressbar(length=learners, label="Demo learners", file=sys.stderr) as bar:
            attempts, responses = seed(learners, seed_value, bar)
    else:
        attempts, responses = seed(learners, seed_value)
    click.echo(f"Created {plural(learners, 'demo learner')}: {plural(attempts, 'attempt')}, "
               f"{plural(responses, 'response')}.", err=True)
