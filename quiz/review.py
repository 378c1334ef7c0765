"""What the review of a finished attempt shows for each question."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from flask import url_for
from markupsafe import Markup

from .models import Attempt, Citation, Paragraph, Response
from .textmatch import highlight
from .types import get_type


@dataclass
class SourceView:
    paragraph: Paragraph
    parts: list[str]  # what the paragraph proves: "item 2", "pair 1"; empty for the whole
    text: Markup  # the paragraph, escaped, with every quote from it in <mark>
    url: str  # the paragraph in the document view, its first quote marked


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
        sources = [_source(group) for group in _by_paragraph(version.citations)]
        items.append(ReviewItem(
            response=response, status=status_of(response),
            given=kind.describe(version.data, response.answer),
            correct=kind.correct(version.data),
            feedback=kind.feedback(version.data, response.answer), sources=sources,
        ))
    return items


def _by_paragraph(citations: list[Citation]) -> list[list[Citation]]:
    """Citations grouped by paragraph, in the order the paragraphs are first cited."""
    groups: dict[int, list[Citation]] = {}
    for citation in citations:
        groups.setdefault(citation.paragraph_id, []).append(citation)
    return list(groups.values())


@lru_cache(maxsize=4096)
def _marked(text: str, quotes: tuple[str, ...]) -> Markup:
    """A paragraph with its quotes marked. Pure and slow (it folds typography character by
    character), and every review shows the same few hundred: worked out once per process."""
    return highlight(text, list(quotes))


def _source(group: list[Citation]) -> SourceView:
    paragraph = group[0].paragraph
    return SourceView(
        paragraph=paragraph,
        parts=[c.part for c in group if c.part],
        text=_marked(group[0].checked_text, tuple(c.quote for c in group)),
        url=url_for("documents.view", slug=paragraph.document.slug, cite=group[0].id,
                    _anchor=paragraph.anchor),
    )
