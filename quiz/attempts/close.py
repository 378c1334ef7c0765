"""Closing attempts: the one way an attempt is finished, whatever finishes it.

A learner's submit, a save that finds the time up, a start that finds the last attempt
overdue, ``attempts close-overdue``, the reports (before they read) and an instructor's
"close now" all call ``close_attempt`` on an attempt they locked with ``lock_attempt``.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import FINISHED, IN_PROGRESS, Attempt, Quiz, Response
from ..quizsettings import GRACE, deadline, overdue
from .grading import answer_fraction, scored

# Built once (every save and submit runs it); the attempt's id is bound per call.
LOCK_ATTEMPT = (select(Attempt).where(Attempt.id == bindparam("attempt_id"))
                .options(joinedload(Attempt.quiz)).with_for_update(of=Attempt)
                .execution_options(populate_existing=True))


def lock_attempt(attempt_id: int) -> Attempt | None:
    """The attempt with its quiz, its row locked until the transaction ends.

    On PostgreSQL this is ``SELECT ... FOR UPDATE``: a save or close of the same attempt
    in another transaction waits here until this one commits, then reads what it wrote.
    On SQLite every writing transaction begins IMMEDIATE and so holds the database's one
    write lock already (``FOR UPDATE`` is not SQLite's and is left out).
    """
    return db.session.execute(LOCK_ATTEMPT, {"attempt_id": attempt_id}).scalar_one_or_none()


def close_attempt(attempt: Attempt, now: datetime) -> bool:
    """Finish ``attempt`` (locked by the caller) with the marks of the answers it holds.

    Overdue, it is closed as of its deadline plus grace, the last moment a save could
    have landed. Returns False when it was closed already (a repeated submit, or the
    time ran out first); the state changes by compare-and-set all the same.
    """
    if attempt.state != IN_PROGRESS:
        return False
    _grade_ungraded(attempt.id)
    marks = db.session.execute(
        select(func.coalesce(func.sum(Response.marks), 0.0))
        .where(Response.attempt_id == attempt.id)).scalar_one()
    marks = round(marks, 4)
    percent = round(100 * marks / attempt.max_marks, 2) if attempt.max_marks else 0.0
    finished_at = now
    if overdue(attempt.quiz, attempt.started_at, now):
        finished_at = deadline(attempt.quiz, attempt.started_at) + GRACE
    closed = db.session.execute(
        update(Attempt).where(Attempt.id == attempt.id, Attempt.state == IN_PROGRESS)
        .values(state=FINISHED, finished_at=finished_at, marks=marks, percent=percent)
        .execution_options(synchronize_session="fetch"))
    return closed.rowcount == 1


def _grade_ungraded(attempt_id: int) -> None:
    """Grade the answers saved before saves stored their grade (older attempts)."""
    ungraded = db.session.execute(
        select(Response).where(Response.attempt_id == attempt_id, Response.marks.is_(None))
        .options(joinedload(Response.version))).scalars().all()
    for response in ungraded:
        response.fraction = answer_fraction(response.version, response.answer)
        response.marks = scored(response.fraction, response.max_marks)
    if ungraded:
        db.session.flush()


def overdue_attempts(now: datetime, quiz_id: int | None = None) -> list[int]:
    """The open attempts (of ``quiz_id``, or of any quiz) past their deadline and grace."""
    candidates = db.session.execute(
        select(Attempt.id, Attempt.started_at, Quiz)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(Attempt.state == IN_PROGRESS,
               (Quiz.time_limit > 0) | Quiz.closes_at.is_not(None),
               *([Attempt.quiz_id == quiz_id] if quiz_id is not None else []))
    ).all()
    return [row.id for row in candidates if overdue(row.Quiz, row.started_at, now)]


def close_overdue(now: datetime, quiz_id: int | None = None) -> int:
    """Close every open attempt (of ``quiz_id``, or of any quiz) past its deadline and
    grace, with what was saved before then; how many were closed. Running it again
    closes nothing more: safe to run from cron and before every report."""
    closed = 0
    for attempt_id in overdue_attempts(now, quiz_id):
        attempt = lock_attempt(attempt_id)  # and read again: a submit may have come first
        if attempt is not None and overdue(attempt.quiz, attempt.started_at, now):
            closed += close_attempt(attempt, now)
    return closed
