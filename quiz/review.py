"""What the review of a finished attempt shows for each question."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from flask import url_for
from markupsafe import Markup
from sqlalchemy import select

from .extensions import db
from .models import Attempt, Citation, Document, Paragraph, QuestionVersion, Response
from .textmatch import highlight
from .types import get_type


# What the review shows, read as plain rows in one statement: building the ORM objects
# for twenty responses, versions, citations and paragraphs cost more than the rest of the
# page. The names match the models' attributes, so the template reads them the same way.
@dataclass(frozen=True)
class DocumentRef:
    slug: str
    title: str


@dataclass(frozen=True)
class ParagraphRef:
    id: int
    number: int
    document: DocumentRef

    @property
    def anchor(self) -> str:
        return f"p{self.number}"


@dataclass(frozen=True)
class VersionRef:
    type: str
    prompt: str
    data: dict
    explanation: str


@dataclass(frozen=True)
class ResponseRef:
    slot: int
    answer: object
    fraction: float | None
    marks: float | None
    max_marks: float
    version: VersionRef


@dataclass(frozen=True)
class CitationRef:
    id: int
    paragraph_id: int
    paragraph: ParagraphRef
    part: str
    quote: str
    checked_text: str  # the paragraph as it was when the quote was checked


@dataclass
class SourceView:
    paragraph: ParagraphRef
    parts: list[str]  # what the paragraph proves: "item 2", "pair 1"; empty for the whole
    text: Markup  # the paragraph, escaped, with every quote from it in <mark>
    url: str  # the paragraph in the document view, its first quote marked


@dataclass
class ReviewItem:
    response: ResponseRef
    status: str  # "correct", "partially correct", "incorrect" or "not answered"
    given: str
    correct: str
    feedback: list[str]
    sources: list[SourceView]


def status_of(response: Response | ResponseRef) -> str:
    if response.answer is None:
        return "not answered"
    if response.fraction is not None and response.fraction >= 0.9999:
        return "correct"
    if response.fraction:
        return "partially correct"
    return "incorrect"


def _responses(attempt: Attempt) -> list[tuple[ResponseRef, list[CitationRef]]]:
    """The attempt's responses in order, each with its version's citations in order."""
    rows = db.session.execute(
        select(Response.slot, Response.answer, Response.fraction, Response.marks,
               Response.max_marks, QuestionVersion.type, QuestionVersion.prompt,
               QuestionVersion.data, QuestionVersion.explanation, Citation.id,
               Citation.paragraph_id, Citation.part, Citation.quote, Citation.paragraph_text,
               Paragraph.number, Paragraph.text, Document.slug, Document.title)
        .join(QuestionVersion, QuestionVersion.id == Response.version_id)
        .outerjoin(Citation, Citation.version_id == QuestionVersion.id)
        .outerjoin(Paragraph, Paragraph.id == Citation.paragraph_id)
        .outerjoin(Document, Document.id == Paragraph.document_id)
        .where(Response.attempt_id == attempt.id)
        .order_by(Response.slot, Citation.position, Citation.id))
    result: list[tuple[ResponseRef, list[CitationRef]]] = []
    documents: dict[str, DocumentRef] = {}
    for (slot, answer, fraction, marks, max_marks, kind, prompt, data, explanation, cite_id,
         paragraph_id, part, quote, snapshot, number, text, slug, title) in rows:
        if not result or result[-1][0].slot != slot:
            result.append((ResponseRef(slot, answer, fraction, marks, max_marks,
                                       VersionRef(kind, prompt, data, explanation)), []))
        if cite_id is not None:
            document = documents.setdefault(slug, DocumentRef(slug, title))
            result[-1][1].append(CitationRef(
                cite_id, paragraph_id, ParagraphRef(paragraph_id, number, document), part,
                quote, snapshot or text))
    return result


def review_items(attempt: Attempt) -> list[ReviewItem]:
    items = []
    for response, citations in _responses(attempt):
        version = response.version
        kind = get_type(version.type)
        sources = [_source(group) for group in _by_paragraph(citations)]
        items.append(ReviewItem(
            response=response, status=status_of(response),
            given=kind.describe(version.data, response.answer),
            correct=kind.correct(version.data),
            feedback=kind.feedback(version.data, response.answer), sources=sources,
        ))
    return items


def _by_paragraph(citations: list[CitationRef]) -> list[list[CitationRef]]:
    """Citations grouped by paragraph, in the order the paragraphs are first cited."""
    groups: dict[int, list[CitationRef]] = {}
    for citation in citations:
        groups.setdefault(citation.paragraph_id, []).append(citation)
    return list(groups.values())


@lru_cache(maxsize=4096)
def _marked(text: str, quotes: tuple[str, ...]) -> Markup:
    """A paragraph with its quotes marked. Pure and slow (it folds typography character by
    character), and every review shows the same few hundred: worked out once per process."""
    return highlight(text, list(quotes))


def _source(group: list[CitationRef]) -> SourceView:
    paragraph = group[0].paragraph
    return SourceView(
        paragraph=paragraph,
        parts=[c.part for c in group if c.part],
        text=_marked(group[0].checked_text, tuple(c.quote for c in group)),
        url=url_for("documents.view", slug=paragraph.document.slug, cite=group[0].id,
                    _anchor=paragraph.anchor),
    )
