"""What the lint reads (questions and quizzes as items) and what it says (findings)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..types.lint import ERROR, WARNING  # a type's lint hooks say them too

__all__ = ["ERROR", "MAX_SITTING", "WARNING", "Finding", "Item", "QuizItem"]

MAX_SITTING = 25  # questions in one attempt without a random count


@dataclass(frozen=True)
class Finding:
    severity: str  # ERROR or WARNING
    check: str  # giveaway, duplicate, cue or quiz-shape
    message: str
    path: str = ""
    line: int = 0
    question: str = ""
    quiz: str = ""
    about: str = ""  # the other question the finding names (whose answer shows, say)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else (self.path or "-")
        who = (f" question '{self.question}':" if self.question
               else f" quiz '{self.quiz}':" if self.quiz else "")
        return f"{where}:{who} {self.severity}: {self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Item:
    """A question as the lint reads it: its type's stored data and what selects it."""

    id: str
    type: str
    prompt: str
    data: dict
    tags: list[str] = field(default_factory=list)
    section: str = ""
    path: str = ""
    line: int = 0
    exam_only: bool = False  # drawn only by quizzes that name it


@dataclass
class QuizItem:
    id: str
    description: str
    select: dict
    path: str = ""
    line: int = 0
