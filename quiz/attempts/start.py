"""Starting an attempt: the quiz's settings checked, its questions drawn and laid out."""
from __future__ import annotations

import random
import secrets
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from ..drawing import Candidate, draw, pool
from ..extensions import db
from ..models import (
    ACTIVE,
    CLOSED,
    FINISHED,
    IN_PROGRESS,
    LISTED,
    Attempt,
    Question,
    QuestionVersion,
    Quiz,
    Response,
    User,
    utcnow,
)
from ..quizsettings import closed_reason, overdue
from ..types import get_type
from ..words import plural
from .close import close_attempt, lock_attempt
from .grading import scored


class EmptyQuiz(Exception):
    """The quiz's selection matches no active question."""


class QuizUnavailable(Exception):
    """The quiz's settings refuse a new attempt now (dates, attempts allowed); says why."""


def start_attempt(user: User, quiz: Quiz, now: datetime | None = None) -> Attempt:
    """The learner's open attempt at ``quiz``, or a new one drawn from its bank.

    An instructor's attempt is a preview: it may be taken at any quiz in any state, at
    any time and as often as wanted, and no report counts it (``scores.reported``). So an
    instructor has never an attempt of each kind open at one quiz.

    Two starts of the same learner (two tabs, a double click) cannot both open one: the
    database keeps one open attempt per learner and quiz (a unique index), so the second
    insert waits for the first transaction and fails, and the second start returns the
    attempt the first opened. An open attempt past its deadline is closed first.
    """
    now = now or utcnow()
    mine = (Attempt.user_id == user.id, Attempt.quiz_id == quiz.id)
    found = db.session.execute(
        select(select(Attempt.id).where(*mine, Attempt.state == IN_PROGRESS)
               .scalar_subquery().label("open_id"),
               select(func.count()).where(*mine, Attempt.state == FINISHED)
               .scalar_subquery().label("used"))
    ).one()
    used = found.used
    if found.open_id is not None:
        existing = lock_attempt(found.open_id)  # a submit may be closing it: read it after
        if existing.state == IN_PROGRESS and not overdue(quiz, existing.started_at, now):
            return existing
        used += existing.state != IN_PROGRESS or close_attempt(existing, now)
    preview = user.is_instructor
    reason = None if preview else _refusal(quiz, used, now)
    if reason:
        raise QuizUnavailable(reason)
    try:
        with db.session.begin_nested():
            return _new_attempt(user, quiz, now, preview)
    except IntegrityError:  # another start of the same learner opened one first
        return db.session.execute(select(Attempt).where(
            *mine, Attempt.state == IN_PROGRESS)).scalar_one()


def _refusal(quiz: Quiz, used: int, now: datetime) -> str | None:
    """Why a learner cannot start the quiz now, or None."""
    if quiz.state == CLOSED:
        return "This quiz is closed: you can see your past attempts but not start a new one."
    if quiz.state not in LISTED:
        return "This quiz is not available."
    reason = closed_reason(quiz, now)
    if reason is None and quiz.attempts_allowed and used >= quiz.attempts_allowed:
        reason = ("You have used the one attempt this quiz allows." if quiz.attempts_allowed == 1
                  else f"You have used all {plural(quiz.attempts_allowed, 'attempt')} this quiz "
                  "allows.")
    return reason


def _candidates(quiz: Quiz) -> tuple[dict[str, QuestionVersion], list[Candidate]]:
    """The published questions of the quiz's document: each current version by key, and
    what the selection rule looks at, in one statement."""
    rows = db.session.execute(
        select(QuestionVersion, Question.key, Question.exam_only)
        .join(Question, Question.current_version_id == QuestionVersion.id)
        .where(Question.document_id == quiz.document_id, Question.status == ACTIVE)
        .order_by(Question.position)
    ).all()
    return ({key: version for version, key, _exam in rows},
            [Candidate(key, v.tags, v.section, exam) for v, key, exam in rows])


def drawable(quiz: Quiz) -> int:
    """How many questions an attempt at the quiz can be drawn from now."""
    return len(pool(quiz.select, _candidates(quiz)[1]))


def questions_per_attempt(quiz: Quiz) -> int:
    """How many questions one attempt asks now: a draw's size does not depend on its luck."""
    # Only the count of a throwaway draw is used: no secret hangs on this generator.
    return len(draw(quiz.select, _candidates(quiz)[1], random.Random(0), False))  # nosec B311


def _new_attempt(user: User, quiz: Quiz, now: datetime, preview: bool) -> Attempt:
    by_key, candidates = _candidates(quiz)
    seed = secrets.randbits(31)
    # A replayable draw from the stored seed, kept on the server like the layouts.
    rng = random.Random(seed)  # nosec B311
    drawn = draw(quiz.select, candidates, rng, quiz.shuffle_questions)
    if not drawn:
        raise EmptyQuiz(quiz.key)
    responses = []
    for slot, candidate in enumerate(drawn, start=1):
        version = by_key[candidate.key]
        kind = get_type(version.type)
        unanswered = kind.grade(version.data, None)  # what a slot earns until answered
        responses.append({"slot": slot, "version_id": version.id,
                          "layout": kind.layout(version.data, rng, quiz.shuffle_choices),
                          "max_marks": version.marks, "fraction": unanswered,
                          "marks": scored(unanswered, version.marks)})
    attempt = Attempt(user_id=user.id, quiz_id=quiz.id, seed=seed, state=IN_PROGRESS,
                      started_at=now, preview=preview,
                      max_marks=sum(r["max_marks"] for r in responses))
    db.session.add(attempt)
    db.session.flush()
    # One batch for every slot, rather than an INSERT per Response object.
    db.session.execute(insert(Response), [dict(r, attempt_id=attempt.id) for r in responses])
    return attempt
