"""What the review of a finished attempt shows for each question."""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from markupsafe import Markup

from .models import Attempt, Citation, Response
from .textmatch import highlight
from .types import get_type


@dataclass
class SourceView:
    citation: Citation
    text: Markup  # the paragraph, escaped, with the quote in <mark>
    url: str  # the paragraph in the document view


@dataclass
class ReviewItem:
    response: Response
    status: str  # "correct", "partially correct", "incorrect" or "not answered"
    given: str
    correct: str
    feedback: list[str]
    sources: list[SourceView]


def status_of(response: Response) -> str:
    if response.answer is None:
        return "not answered"
    if response.fraction is not None and response.fraction >= 0.9999:
        return "correct"
    if response.fraction:
        return "partially correct"
    return "incorrect"


def review_items(attempt: Attempt) -> list[ReviewItem]:
    items = []
    for response in attempt.responses:
        version = response.version
        kind = get_type(version.type)
        sources = [
            SourceView(
                citation=c,
                text=highlight(c.paragraph.text, [c.quote]),
                url=url_for("documents.view", slug=c.paragraph.document.slug, cite=c.id,
                            _anchor=c.paragraph.anchor),
            )
            for c in version.citations
        ]
        items.append(ReviewItem(
            response=response, status=status_of(response),
            given=kind.describe(version.data, response.answer),
            correct=kind.correct(version.data),
            feedback=kind.feedback(version.data, response.answer), sources=sources,
        ))
    return items
