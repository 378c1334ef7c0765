"""Starting, answering, submitting and grading attempts. Flushes; the caller commits."""
from __future__ import annotations

import random
import secrets

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

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
    versions = db.session.execute(
        db.select(QuestionVersion)
        .join(Question, Question.current_version_id == QuestionVersion.id)
        .where(Question.document_id == quiz.document_id, Question.status == "active")
        .order_by(Question.position)
    ).scalars().all()
    by_key = {v.question.key: v for v in versions}
    seed = secrets.randbits(31)
    rng = random.Random(seed)
    drawn = draw(quiz.select, [Candidate(v.question.key, v.tags, v.section) for v in versions],
                 rng, quiz.shuffle_questions)
    if not drawn:
        raise EmptyQuiz(quiz.key)
    attempt = Attempt(user_id=user.id, quiz_id=quiz.id, seed=seed, state=IN_PROGRESS,
                      started_at=now, deadline=deadline(quiz, now))
    for slot, candidate in enumerate(drawn, start=1):
        version = by_key[candidate.key]
        layout = get_type(version.type).layout(version.data, rng, quiz.shuffle_choices)
        attempt.responses.append(Response(slot=slot, version_id=version.id, layout=layout,
                                          max_marks=version.marks))
    attempt.max_marks = sum(r.max_marks for r in attempt.responses)
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        # Another request (a double click) opened the attempt first: use that one.
        return open_attempt(user, quiz)
    return attempt


def save_answer(response: Response, answer, sequence: int) -> bool:
    """Store ``answer`` unless the page was stale (its sequence is not the latest).

    The compare-and-set runs in the database, so two tabs cannot both win.
    """
    result = db.session.execute(
        update(Response)
        .where(Response.id == response.id, Response.sequence == sequence)
        .values(answer=answer, sequence=Response.sequence + 1, saved_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.expire(response)
    return result.rowcount == 1


def finish_if_overdue(attempt: Attempt) -> bool:
    """Close an unfinished attempt past its deadline (and grace), grading what was saved."""
    if attempt.finished or not overdue(attempt, utcnow()):
        return False
    return submit_attempt(attempt)


def submit_attempt(attempt: Attempt) -> bool:
    """Grade and close the attempt; False when it was already closed (a repeated submit)."""
    closed = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.state == IN_PROGRESS)
        .values(state=FINISHED, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(attempt)
    if closed.rowcount != 1:
        return False
    total = 0.0
    for response in attempt.responses:
        kind = get_type(response.version.type)
        response.fraction = kind.grade(response.version.data, response.answer)
        response.marks = round(response.fraction * response.max_marks, 4)
        total += response.marks
    attempt.marks = round(total, 4)
    attempt.percent = round(100 * total / attempt.max_marks, 2) if attempt.max_marks else 0.0
    db.session.flush()
    return True
