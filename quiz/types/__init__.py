"""The question-type registry: one class per type, looked up by its bank name.

A type is one module here and one template, ``templates/types/<name>.html``: every module
of this package is imported when the package is, and each type registers itself with
``@register``. A type names its own bank fields, validates its bank entry, turns it into
the data stored with a question version, gives its authoring form, lays it out for one
attempt, reads a learner's answer from a form, grades it, describes answers in words for
the review, and says which choices the reports count.
"""
from __future__ import annotations

import importlib
import pkgutil
import random
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from .lint import Secret, words

# report(message, field=None, form_message=""): ``field`` is the path of the entry's field
# at fault, a key or a row of a list ("answer", "choices[2]", "pairs[0]"); the line is its
# key's. ``message`` speaks of the bank file's fields, for ``bank check``; ``form_message``
# says the same as a sentence about the field the type's authoring form shows, which the
# browser's editor puts beside it ("Enter the answer as a number, such as 1995 or 2.5.").
Report = Callable[..., None]

QUESTION_TYPES: dict[str, QuestionType] = {}


@dataclass(frozen=True)
class MarkedPart:
    """One part of an answer as the review marks it: a choice, an item, a pair."""

    label: str  # the part: a choice's text, an item, the left side of a pair
    given: str  # what the learner gave for it
    expected: str  # what is right for it
    right: bool


def register(cls: type[QuestionType]) -> type[QuestionType]:
    QUESTION_TYPES[cls.name] = cls()
    return cls


def get_type(name: str) -> QuestionType:
    return QUESTION_TYPES[name]


class QuestionType(ABC):
    """The interface every question type implements."""

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    fields: ClassVar[frozenset[str]] = frozenset()  # its own bank fields, beside the common
    abbreviation: ClassVar[str] = ""  # its column in the coverage table
    form_class: ClassVar[type | None] = None  # its authoring form (a types.forms.QuestionForm)

    @property
    def template(self) -> str:
        """The type's template: a ``question(view, prefix="")`` macro (``prefix`` starts
        every field's name and id, for a page asking several questions), and optionally
        ``author(form, paragraph_texts, check_url, added=False)`` for the fields of its
        authoring form (``added``: a row was just added by the form's "Add choice" button)."""
        return f"types/{self.name}.html"

    @abstractmethod
    def check(self, entry: Mapping, report: Report) -> None:
        """Report every problem with the type's own fields of a bank entry."""

    @abstractmethod
    def data(self, entry: Mapping) -> dict:
        """The JSON-ready data stored with a question version (entry already checked)."""

    @abstractmethod
    def entry(self, data: dict) -> dict:
        """The type's own bank fields for ``data``: what ``data()`` was made from."""

    def layout(self, data: dict, rng: random.Random, shuffle: bool) -> dict:
        """The per-attempt arrangement (choice order and the like); stored with the attempt."""
        return {}

    @abstractmethod
    def view(self, data: dict, layout: dict, answer: Any) -> dict:
        """What the type's template needs to show the question with ``answer`` filled in."""

    @abstractmethod
    def read_answer(self, data: dict, layout: dict, form: Mapping) -> Any:
        """The answer in ``form`` (a request's form data), or None when nothing was given."""

    @abstractmethod
    def grade(self, data: dict, answer: Any) -> float:
        """The fraction of the marks ``answer`` earns, from 0 to 1."""

    @abstractmethod
    def describe(self, data: dict, answer: Any) -> str:
        """A learner's answer in words, for the review and exports."""

    @abstractmethod
    def correct(self, data: dict) -> str:
        """The correct answer in words."""

    def feedback(self, data: dict, answer: Any) -> list[str]:
        """Feedback written for the parts of ``answer`` (for example the choices picked)."""
        return []

    def random_guess(self, data: dict) -> float:
        """The fraction a learner guessing at random earns on average (Moodle's definition)."""
        return 0.0

    @abstractmethod
    def simulate(self, data: dict, layout: dict, rng: random.Random, right: bool) -> Any:
        """An answer a learner could give: the right one, or a plausible wrong one (demo data)."""

    def citation_parts(self, entry: Mapping) -> list[tuple[str, Any, Any]]:
        """Citations attached to parts of the entry, as (part label, source, part node)."""
        return []

    def choice_options(self, data: dict) -> list[tuple[str, bool]] | None:
        """The options a learner picks among, each with whether it is right, for the
        reports' distractor analysis; None for a type without choices."""
        return None

    def picked_options(self, data: dict, answer: Any) -> list[int]:
        """Which of ``choice_options`` an answer picked, by position."""
        return []

    # The review's table of parts: its column headings, and each part marked. Types
    # answered in several parts (items, pairs, choices to tick) mark each one; the
    # others answer in one piece and have none.
    part_columns: ClassVar[tuple[str, str, str]] = ("Part", "Your answer", "Correct")

    def marked_parts(self, data: dict, answer: Any) -> list[MarkedPart]:
        """Each part of ``answer``, marked right or wrong; empty for one-piece answers."""
        return []

    # -- The bank lint's hooks (quiz.banklint; docs/lint.md), in the terms of types.lint.
    # All optional: a type without them is linted by its prompt and its correct answer.

    # Two questions of this type with the same answer ask the same fact when their
    # prompts share this fraction of their words.
    duplicate_overlap: ClassVar[float] = 0.4

    def shown(self, data: dict) -> list[tuple[str, str]]:
        """What a learner sees besides the prompt, as (kind, text): the choices, items or
        pairs in which another question's answer could show."""
        return []

    def secrets(self, data: dict, prompt: str) -> list[Secret]:
        """What the question asks a learner for, which text elsewhere could give away."""
        return []

    def fact(self, data: dict) -> frozenset[str]:
        """The right answer, comparable across questions and types (two questions with
        the same fact and much the same prompt are duplicates)."""
        return frozenset({words(self.correct(data))})

    def keyed_texts(self, data: dict) -> list[str]:
        """The keyed answers as texts a quiz's description could name."""
        return []

    def cues(self, data: dict, prompt: str) -> list[tuple[str, str]]:
        """What lets a learner guess without knowing, as (severity, message)."""
        return []

    def keyed_position(self, data: dict) -> int | None:
        """Where the keyed option stands among the options as written, for the check that
        a file varies it; None for a type without a single keyed option."""
        return None


def text_of(value: Any) -> str:
    """Bank values such as years are written bare in YAML; the text is what counts."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value).strip()


def shuffled(values: list, rng: random.Random, shuffle: bool) -> list:
    values = list(values)
    if shuffle:
        rng.shuffle(values)
    return values


def field_tokens(rng: random.Random, count: int) -> list[str]:
    """Names for ``count`` parts of a question (choices, items, options) in one attempt.

    A page's field names and values are these tokens, never a part's index in the bank,
    so nothing in the form says which part is which or which is right: the lowest value,
    the first option or the one whose digits match a field's name is right by chance
    only. They are random, distinct, and kept in the attempt's layout, where the server
    maps an answer back to the bank's parts.
    """
    tokens: list[str] = []
    while len(tokens) < count:
        token = f"{rng.getrandbits(40):010x}"
        if token not in tokens:
            tokens.append(token)
    return tokens


def token_index(tokens: list[str], value: str | None) -> int | None:
    """The part named ``value`` in ``tokens``, or None when it names none."""
    try:
        return tokens.index(value)
    except ValueError:
        return None


def discover() -> None:
    """Import every module of this package, so that each type registers itself."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


discover()
