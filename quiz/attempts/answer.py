"""Saving an answer: into an open attempt, before its deadline, from the latest page."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import IN_PROGRESS, Attempt, Response
from ..quizsettings import overdue
from .close import close_attempt
from .grading import answer_fraction, scored

CLOSED, TIME_UP, STALE = "closed", "time up", "stale"


class SaveRefused(Exception):
    """An answer not stored, and why: the attempt was ``CLOSED`` already, its time was
    up (``TIME_UP``: it has just been closed), or the page was ``STALE`` (another tab
    saved since; ``sequence`` is the latest)."""

    def __init__(self, reason: str, sequence: int | None = None):
        super().__init__(reason)
        self.reason, self.sequence = reason, sequence


# Built once (every question page and save runs it); its values are bound per call.
SLOT_RESPONSE = (select(Response).where(Response.attempt_id == bindparam("attempt_id"),
                                        Response.slot == bindparam("slot"))
                 .options(joinedload(Response.version))
                 .execution_options(populate_existing=True))


def slot_response(attempt_id: int, slot: int) -> Response | None:
    """The attempt's response in ``slot`` with its question version, read afresh."""
    return db.session.execute(SLOT_RESPONSE, {"attempt_id": attempt_id, "slot": slot}
                              ).scalar_one_or_none()


def save_answer(attempt: Attempt, response: Response, answer: Any, seen: int,
                now: datetime) -> int:
    """Store ``answer`` in ``response`` of ``attempt`` with its grade; the new sequence.

    The caller has locked the attempt (``lock_attempt``) and read ``response`` after
    that, so no close can come between this check and the commit: a save that returns
    is counted by the close that follows it. ``seen`` is the sequence of the answer the
    learner's page showed; a page older than the last save loses (two tabs, a replayed
    request). Raises ``SaveRefused``.
    """
    if attempt.state != IN_PROGRESS:
        raise SaveRefused(CLOSED)
    if overdue(attempt.quiz, attempt.started_at, now):
        close_attempt(attempt, now)
        raise SaveRefused(TIME_UP)
    if answer == response.answer:
        return response.sequence  # nothing changes, whichever page it came from
    if response.sequence != seen:
        raise SaveRefused(STALE, response.sequence)
    # The grade is stored with the answer (a learner sees it only in the review), so a
    # close adds marks up rather than grading a whole attempt while a class submits.
    response.answer = answer
    response.fraction = answer_fraction(response.version, answer)
    response.marks = scored(response.fraction, response.max_marks)
    response.sequence += 1
    response.saved_at = now
    db.session.flush()
    return response.sequence
