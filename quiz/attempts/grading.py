"""What an answer earns: a question type's grade as a fraction, and as marks."""
from __future__ import annotations

from typing import Any

from ..models import QuestionVersion
from ..types import get_type


def scored(fraction: float, max_marks: float) -> float:
    """The marks earned by ``fraction`` of ``max_marks``, as stored and added up."""
    return round(fraction * max_marks, 4)


def answer_fraction(version: QuestionVersion, answer: Any) -> float:
    """The fraction of its marks ``answer`` earns on ``version`` (None: not answered)."""
    return get_type(version.type).grade(version.data, answer)
