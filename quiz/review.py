"""What the review of a finished attempt shows for each question."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for
from markupsafe import Markup
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from .extensions import db
from .models import Attempt, Citation, Paragraph, QuestionVersion, Quiz, Response
from .textmatch import find_quote, mark_spans
from .types import MarkedPart, get_type


def status_of(response) -> str:
    return status_for(response.answer, response.fraction)


def status_for(answer: object | None, fraction: float | None) -> str:
    if answer is None:
        return "not answered"
    if fraction is not None and fraction >= 0.9999:
        return "correct"
    if fraction:
        return "partially correct"
    return "incorrect"


@dataclass
class Source:
    """A paragraph a question cites, as its review shows it."""

    number: int  # the paragraph's number in the document's current edition
    parts: list[str]  # what the paragraph proves: "item 2", "pair 1"; empty for the whole
    text: Markup  # the paragraph as checked, escaped, with every quote from it in <mark>
    url: str  # the paragraph in the document view, its first quote marked


@dataclass
class ReviewItem:
    """One question of a review (learner/_review_item.html shows it)."""

    slot: int
    status: str  # "correct", "partially correct", "incorrect" or "not answered"
    prompt: str
    marks: float | None
    max_marks: float
    given: str  # the learner's answer in words
    correct: str
    feedback: list[str]
    explanation: str
    sources: list[Source]
    parts: list[MarkedPart]  # each part of the answer marked (items, pairs, choices)
    part_columns: tuple[str, str, str]


# The review's two statements are built once; the attempt's id is bound per call.
REVIEWED = (select(Attempt).where(Attempt.id == bindparam("attempt_id"))
            .options(joinedload(Attempt.user),
                     joinedload(Attempt.quiz).joinedload(Quiz.document)))
RESPONSES = (select(Response).where(Response.attempt_id == bindparam("attempt_id"))
             .order_by(Response.slot).options(joinedload(Response.version)))


def reviewed_attempt(attempt_id: int) -> Attempt | None:
    """The attempt with its learner, quiz and the quiz's document."""
    return db.session.execute(REVIEWED, {"attempt_id": attempt_id}).scalar_one_or_none()


def review_items(attempt: Attempt, show_answers: bool) -> list[ReviewItem]:
    """The attempt's questions in order, as its review shows them: one statement for the
    answers with their question versions and, when answers are shown, one for the
    citations of every version."""
    responses = db.session.execute(RESPONSES, {"attempt_id": attempt.id}).scalars().all()
    sources = cited_sources({r.version_id: attempt.quiz.document.slug for r in responses}) \
        if show_answers else {}
    return [review_item(response.slot, response.version, response.answer, response.fraction,
                        response.marks, response.max_marks, sources.get(response.version_id, []))
            for response in responses]


def review_item(slot: int, version: QuestionVersion, answer: Any, fraction: float | None,
                marks: float | None, max_marks: float, sources: list[Source]) -> ReviewItem:
    """One answer to ``version`` as a review shows it (marks None: not shown)."""
    kind = get_type(version.type)
    return ReviewItem(
        slot=slot, status=status_for(answer, fraction), prompt=version.prompt,
        marks=marks, max_marks=max_marks, given=kind.describe(version.data, answer),
        correct=kind.correct(version.data), feedback=kind.feedback(version.data, answer),
        explanation=version.explanation, sources=sources,
        parts=kind.marked_parts(version.data, answer) if answer is not None else [],
        part_columns=kind.part_columns)


def cited_sources(slugs: dict[int, str]) -> dict[int, list[Source]]:
    """Each version's cited paragraphs, in the order first cited, their quotes marked, in
    one statement; ``slugs`` maps the version ids to their document's slug."""
    rows = db.session.execute(
        select(Citation.id, Citation.version_id, Citation.paragraph_id, Citation.part,
               Citation.quote, Citation.quote_start, Citation.quote_end,
               Citation.paragraph_text, Paragraph.number.label("number"),
               Paragraph.text.label("text"))
        .join(Paragraph, Paragraph.id == Citation.paragraph_id)
        .where(Citation.version_id.in_(list(slugs)))
        .order_by(Citation.version_id, Citation.position, Citation.id)).all()
    cited: dict[int, dict[int, list]] = {}
    for row in rows:
        cited.setdefault(row.version_id, {}).setdefault(row.paragraph_id, []).append(row)
    # One url_for a document; a source's link adds its citation and anchor to it.
    pages = {slug: url_for("documents.view", slug=slug) for slug in set(slugs.values())}
    return {version_id: [_source(citations, pages[slugs[version_id]])
                         for citations in by_paragraph.values()]
            for version_id, by_paragraph in cited.items()}


def _source(citations: list, page: str) -> Source:
    """A cited paragraph from its citation rows (citation columns with the paragraph's
    ``number`` and current ``text``)."""
    first = citations[0]
    text = first.paragraph_text or first.text  # as checked; older rows may lack the snapshot
    spans = [_span(c, text) for c in citations]
    return Source(number=first.number, parts=[c.part for c in citations if c.part],
                  text=mark_spans(text, [s for s in spans if s]),
                  url=f"{page}?cite={first.id}#p{first.number}")


def _span(citation, text: str) -> tuple[int, int] | None:
    # Spans are stored when a citation is written (and by the migration that added them);
    # a quote is searched for only in a paragraph snapshot that lacks one.
    if citation.quote_start is not None:
        return citation.quote_start, citation.quote_end
    return find_quote(text, citation.quote)
