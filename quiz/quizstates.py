"""Who sees a quiz: its state (draft, published, closed, archived) and the moves between them."""
from __future__ import annotations

from sqlalchemy import func, select

from .attempts.start import drawable
from .extensions import db
from .models import ARCHIVED, CLOSED, LISTED, PUBLISHED, QUIZ_DRAFT, Attempt, Quiz
from .words import plural

QUIZ_STATES = {
    QUIZ_DRAFT: "draft: instructors only",
    PUBLISHED: "published: learners take it while it is open",
    CLOSED: "closed: learners see it and their reviews, but cannot start it",
    ARCHIVED: "archived: hidden from learners; its reports stay readable",
}

# Each move an instructor may make, by the button that makes it.
MOVES = {
    "publish": (PUBLISHED, "Publish", (QUIZ_DRAFT, CLOSED, ARCHIVED)),
    "close": (CLOSED, "Close", (PUBLISHED,)),
    "archive": (ARCHIVED, "Archive", (QUIZ_DRAFT, PUBLISHED, CLOSED)),
    "unpublish": (QUIZ_DRAFT, "Back to draft", (PUBLISHED, CLOSED)),
}


class StateRefused(ValueError):
    """A move the quiz's state or its attempts do not allow; says why."""


def moves_from(quiz: Quiz) -> list[tuple[str, str]]:
    """The moves (name, button label) open to the quiz in its state."""
    return [(name, label) for name, (_to, label, froms) in MOVES.items() if quiz.state in froms]


def move(quiz: Quiz, name: str, learner_attempts: int) -> str:
    """Put the quiz in the state the move ``name`` leads to; return that state.

    A quiz learners have attempted does not go back to draft: they would lose sight of
    their attempts at it. Close or archive it instead.
    """
    if name not in MOVES:
        raise StateRefused(f"Unknown action '{name}': use one of " + ", ".join(MOVES) + ".")
    target, _label, froms = MOVES[name]
    if quiz.state not in froms:
        raise StateRefused(f"A {quiz.state} quiz cannot be moved by '{name}'.")
    if target == QUIZ_DRAFT and learner_attempts:
        raise StateRefused(f"Learners have {plural(learner_attempts, 'attempt')} at this quiz, "
                           "so it cannot go back to draft; close or archive it instead.")
    quiz.state = target
    return target


def quiz_controls(quiz: Quiz, user_id: int) -> dict:
    """What the quiz's instructor page shows to manage it: its state, the moves open to it,
    and the instructor's preview attempts."""
    previews = db.session.execute(
        select(func.count()).select_from(Attempt).where(
            Attempt.quiz_id == quiz.id, Attempt.preview.is_(True), Attempt.user_id == user_id)
    ).scalar_one()
    return {"states": QUIZ_STATES, "moves": moves_from(quiz), "previews": previews,
            "drawable": drawable(quiz)}


def visible_to(quiz: Quiz, user) -> bool:
    """Whether ``user`` may see the quiz at all: instructors always, learners when listed."""
    return quiz.state in LISTED or bool(getattr(user, "is_instructor", False))
