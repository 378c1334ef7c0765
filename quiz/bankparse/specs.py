"""What reading a bank produces: the checked specs of documents, questions and quizzes,
and BankError, the precise complaint about one of them."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..docparse import Block

DOCUMENT_FILE = "document.yaml"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
MAX_TITLE = 300


@dataclass(frozen=True)
class BankError:
    """One problem: the file and line, the question or quiz, and the entry's field at
    fault as a path (``answer``, ``choices[2]``, ``source[0].quote``,
    ``items[1].source[0].paragraph``; empty for the entry as a whole). The browser's
    editors put ``form_message`` (the same problem as a sentence about the form field an
    author sees, when it was given one) beside the form field ``field`` names."""

    path: str
    line: int
    message: str
    question: str = ""
    field: str = ""
    quiz: str = ""
    form_message: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        who = f" question '{self.question}':" if self.question else \
            f" quiz '{self.quiz}':" if self.quiz else ""
        return f"{where}:{who} {self.message}"


def field_parts(path: str) -> list[str | int]:
    """A field path's steps: ``items[1].source[0].quote`` is items, 1, source, 0, quote."""
    return [int(step) if step.isdigit() else step
            for step in re.findall(r"[^.\[\]]+", path)]


@dataclass
class DocumentSpec:
    slug: str
    title: str
    text: str
    format: str
    language: str
    origin: str
    attribution: str
    blocks: list[Block]
    path: str
    course: str = ""  # the code of the course it belongs to (empty: the default course)


@dataclass
class CitationSpec:
    paragraph: int
    quote: str
    part: str = ""


@dataclass
class QuestionSpec:
    id: str
    type: str
    prompt: str
    explanation: str
    tags: list[str]
    marks: float
    data: dict
    citations: list[CitationSpec]
    document: str
    path: str
    line: int
    status: str = ""  # "active", "draft" or "retired" when the bank says; empty: as it is
    exam_only: bool = False  # drawn only by quizzes that name it


@dataclass
class QuizSpec:
    id: str
    title: str
    description: str
    select: dict
    shuffle_questions: bool
    shuffle_choices: bool
    grading: str
    document: str
    path: str
    line: int
    settings: dict = field(default_factory=dict)  # Quiz column values: see quizsettings


@dataclass
class Library:
    documents: dict[str, DocumentSpec] = field(default_factory=dict)
    questions: list[QuestionSpec] = field(default_factory=list)
    quizzes: list[QuizSpec] = field(default_factory=list)
    errors: list[BankError] = field(default_factory=list)
