"""Starting, answering, submitting and grading attempts. Flushes; the caller commits."""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from .drawing import Candidate, draw
from .extensions import db
from .models import (
    FINISHED,
    IN_PROGRESS,
    Attempt,
    Question,
    QuestionVersion,
    Quiz,
    Response,
    User,
    utcnow,
)
from .quizsettings import closed_reason, deadline, overdue
from .types import get_type


class EmptyQuiz(Exception):
    """The quiz's selection matches no active question."""


class QuizUnavailable(Exception):
    """The quiz's settings refuse a new attempt now (dates, attempts allowed); says why."""


def finished_count(user: User, quiz: Quiz) -> int:
    return db.session.execute(
        db.select(db.func.count()).select_from(Attempt)
        .filter_by(user_id=user.id, quiz_id=quiz.id, state=FINISHED)).scalar_one()


def open_attempt(user: User, quiz: Quiz) -> Attempt | None:
    return db.session.execute(
        db.select(Attempt).filter_by(user_id=user.id, quiz_id=quiz.id, state=IN_PROGRESS)
    ).scalar_one_or_none()


def start_attempt(user: User, quiz: Quiz) -> Attempt:
    """The learner's unfinished attempt at ``quiz``, or a new one drawn from its bank."""
    existing = open_attempt(user, quiz)
    if existing is not None:
        return existing
    now = utcnow()
    reason = closed_reason(quiz, now)
    if reason is None and quiz.attempts_allowed and \
            finished_count(user, quiz) >= quiz.attempts_allowed:
        reason = (f"You have used all {quiz.attempts_allowed} attempt(s) this quiz allows.")
    if reason:
        raise QuizUnavailable(reason)
    rows = db.session.execute(  # each version with its question's key, in one statement
        db.select(QuestionVersion, Question.key)
        .join(Question, Question.current_version_id == QuestionVersion.id)
        .where(Question.document_id == quiz.document_id, Question.status == "active")
        .order_by(Question.position)
    ).all()
    by_key = {key: v for v, key in rows}
    seed = secrets.randbits(31)
    # A replayable draw from the stored seed, not a secret.
    rng = random.Random(seed)  # nosec B311
    drawn = draw(quiz.select, [Candidate(key, v.tags, v.section) for v, key in rows],
                 rng, quiz.shuffle_questions)
    if not drawn:
        raise EmptyQuiz(quiz.key)
    responses = []
    for slot, candidate in enumerate(drawn, start=1):
        version = by_key[candidate.key]
        layout = get_type(version.type).layout(version.data, rng, quiz.shuffle_choices)
        responses.append({"slot": slot, "version_id": version.id, "layout": layout,
                          "max_marks": version.marks})
    attempt = Attempt(user_id=user.id, quiz_id=quiz.id, seed=seed, state=IN_PROGRESS,
                      started_at=now, deadline=deadline(quiz, now),
                      max_marks=sum(r["max_marks"] for r in responses))
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
            db.session.flush()
            # One batch for every slot; objects appended to attempt.responses would each
            # cost an INSERT of their own.
            db.session.execute(insert(Response), [dict(r, attempt_id=attempt.id)
                                                  for r in responses])
    except IntegrityError:
        # Another request (a double click) opened the attempt first: use that one.
        return open_attempt(user, quiz)
    return attempt


# The question page is what learners load most, so it reads rows, not objects, with
# statements built once: the attempt with its quiz, every slot's answer (for the
# navigation), then the one question shown. Three statements, however long the attempt.
_ATTEMPT_ROW = (
    select(Attempt.id, Attempt.user_id, Attempt.state, Attempt.deadline,
           Quiz.key.label("quiz_key"), Quiz.title.label("quiz_title"))
    .join(Quiz, Quiz.id == Attempt.quiz_id)
    .where(Attempt.id == bindparam("attempt_id"))
)
_SLOTS = (select(Response.slot, Response.answer)
          .where(Response.attempt_id == bindparam("attempt_id")).order_by(Response.slot))
_QUESTION_ROW = (
    select(Response.id, Response.sequence, Response.layout, Response.answer,
           Response.max_marks, QuestionVersion.type, QuestionVersion.prompt,
           QuestionVersion.data)
    .join(QuestionVersion, QuestionVersion.id == Response.version_id)
    .where(Response.attempt_id == bindparam("attempt_id"), Response.slot == bindparam("slot"))
)


@dataclass
class QuestionPage:
    """One question of an attempt as its page shows it and its form saves it."""

    attempt: Row  # id, user_id, state, deadline, quiz_key, quiz_title
    answered: list[bool]  # per slot, in order
    number: int  # the slot shown, from 1
    question: Row  # the response (id, sequence, layout, answer, max_marks) and its version

    @property
    def total(self) -> int:
        return len(self.answered)

    @property
    def answered_count(self) -> int:
        return sum(self.answered)


def attempt_row(attempt_id: int) -> Row | None:
    return db.session.execute(_ATTEMPT_ROW, {"attempt_id": attempt_id}).first()


def question_page(attempt: Row, number: int) -> QuestionPage:
    """Slot ``number`` of ``attempt`` (clamped to the attempt's slots)."""
    answered = [answer is not None for _slot, answer in
                db.session.execute(_SLOTS, {"attempt_id": attempt.id})]
    number = min(max(number, 1), len(answered))
    question = db.session.execute(
        _QUESTION_ROW, {"attempt_id": attempt.id, "slot": number}).one()
    return QuestionPage(attempt, answered, number, question)


def save_answer(response_id: int, answer: Any, sequence: int) -> int | None:
    """Store ``answer`` unless the page was stale; the new sequence, or None when stale.

    A page carries the sequence of the answer it showed; the compare-and-set runs in
    the database, so of two tabs (or a replayed request) only one can win.
    """
    result = db.session.execute(
        update(Response)
        .where(Response.id == response_id, Response.sequence == sequence)
        .values(answer=answer, sequence=Response.sequence + 1, saved_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return sequence + 1 if result.rowcount == 1 else None


def latest_sequence(response_id: int) -> int:
    return db.session.execute(
        select(Response.sequence).where(Response.id == response_id)).scalar_one()


def finish_if_overdue(attempt: Attempt) -> bool:
    """Close an unfinished attempt past its deadline (and grace), grading what was saved."""
    if attempt.finished or not overdue(attempt, utcnow()):
        return False
    return submit_attempt(attempt)


def submit_attempt(attempt: Attempt) -> bool:
    """Grade and close the attempt; False when it was already closed (a repeated submit).

    The answers are read and graded (plain rows: grading needs no objects), then one
    compare-and-set closes the attempt with its marks, so two submits cannot both grade
    it; the responses' marks follow in one batch. (A write transaction on SQLite begins
    immediate: no save slips in between.)
    """
    if attempt.finished:
        return False
    grades = []
    for response_id, answer, max_marks, kind, data in db.session.execute(
            select(Response.id, Response.answer, Response.max_marks, QuestionVersion.type,
                   QuestionVersion.data)
            .join(QuestionVersion, QuestionVersion.id == Response.version_id)
            .where(Response.attempt_id == attempt.id).order_by(Response.slot)):
        fraction = get_type(kind).grade(data, answer)
        grades.append({"id": response_id, "fraction": fraction,
                       "marks": round(fraction * max_marks, 4)})
    total = sum(grade["marks"] for grade in grades)
    values = {"state": FINISHED, "finished_at": utcnow(), "marks": round(total, 4),
              "percent": round(100 * total / attempt.max_marks, 2) if attempt.max_marks else 0.0}
    closed = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.state == IN_PROGRESS)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if closed.rowcount != 1:
        db.session.refresh(attempt)
        return False
    for name, value in values.items():
        set_committed_value(attempt, name, value)
    if grades:  # an UPDATE by primary key, one executemany for every response
        db.session.execute(update(Response), grades)
    return True
