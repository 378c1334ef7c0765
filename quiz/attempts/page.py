"""The question page's read model: the attempt, the question in one slot, the navigation."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Attempt, Response
from ..quizsettings import deadline
from .answer import slot_response


@dataclass
class QuestionPage:
    """One question of an attempt as its page shows it and its form saves it."""

    attempt: Attempt
    answered: list[bool]  # per slot, in order
    number: int  # the slot shown, from 1
    response: Response  # with its version
    flagged: list[bool]  # per slot, in order: marked to come back to

    @property
    def total(self) -> int:
        return len(self.answered)

    @property
    def answered_count(self) -> int:
        return sum(self.answered)

    @property
    def deadline(self) -> datetime | None:
        return deadline(self.attempt.quiz, self.attempt.started_at)


# The page's statements are built once (each runs on every question page or save), over
# mapped attributes, rows read by name; the attempt's id is bound per call.
ANSWERS = (select(Response.answer).where(Response.attempt_id == bindparam("attempt_id"))
           .order_by(Response.slot))
MARKS = (select(Response.answer, Response.flagged)
         .where(Response.attempt_id == bindparam("attempt_id")).order_by(Response.slot))
ATTEMPT = (select(Attempt).where(Attempt.id == bindparam("attempt_id"))
           .options(joinedload(Attempt.quiz)))


def answered_slots(attempt_id: int) -> list[bool]:
    """Whether each slot of the attempt holds an answer, in slot order."""
    answers = db.session.execute(ANSWERS, {"attempt_id": attempt_id}).scalars()
    return [answer is not None for answer in answers]


def slot_marks(attempt_id: int) -> tuple[list[bool], list[bool]]:
    """Whether each slot holds an answer, and whether it is flagged, in slot order."""
    rows = db.session.execute(MARKS, {"attempt_id": attempt_id}).all()
    return [row.answer is not None for row in rows], [row.flagged for row in rows]


def load_attempt(attempt_id: int) -> Attempt | None:
    return db.session.execute(ATTEMPT, {"attempt_id": attempt_id}).scalar_one_or_none()


def question_page(attempt: Attempt, number: int) -> QuestionPage:
    """Slot ``number`` of ``attempt`` (clamped to its slots) with the navigation."""
    answered, flagged = slot_marks(attempt.id)
    shown = min(max(number, 1), len(answered))
    return QuestionPage(attempt, answered, shown, slot_response(attempt.id, shown), flagged)
