"""Question versions: how one is written from a checked spec, the one way every path
(bank loading, the browser's editor, imports, new editions) makes them."""
from __future__ import annotations

import hashlib
import json

from .bankparse import QuestionSpec
from .extensions import db
from .models import (
    ACTIVE,
    DRAFT,
    NEEDS_REVIEW,
    Citation,
    Paragraph,
    Question,
    QuestionVersion,
)
from .textmatch import find_quote


def citation_values(paragraph: Paragraph, cite, position: int) -> dict:
    """A citation's columns: its paragraph, the paragraph's text as checked and where the
    quote is in it, so a review marks the quote by slicing that text."""
    span = find_quote(paragraph.text, cite.quote) or (None, None)
    return {"paragraph_id": paragraph.id, "position": position, "part": cite.part,
            "quote": cite.quote, "paragraph_text": paragraph.text,
            "quote_start": span[0], "quote_end": span[1]}


def spec_hash(spec: QuestionSpec) -> str:
    """A fingerprint of everything a learner would see or be graded on."""
    payload = {
        "type": spec.type, "prompt": spec.prompt, "data": spec.data,
        "explanation": spec.explanation, "tags": spec.tags, "marks": spec.marks,
        "citations": [[c.paragraph, c.quote, c.part] for c in spec.citations],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def write_version(question: Question, spec: QuestionSpec, origin: str,
                  force: bool = False,
                  paragraphs: dict[int, Paragraph] | None = None) -> QuestionVersion | None:
    """Give ``question`` a new version from a checked spec; None when nothing changed.

    Banks, the browser's editor, imports and re-anchoring all make versions here. A
    version written from a spec with citations has passed every check, so a question
    flagged for review becomes active again; a draft stays one until an instructor
    publishes it, but loses the note that asked for a source. ``force`` writes one
    even when nothing changed, to check the citations against today's paragraphs.
    ``paragraphs`` (the document's, by number) spares reading them again for each of
    many versions written at once (a new edition).
    """
    digest = spec_hash(spec)
    current = question.current
    if current is not None and current.content_hash == digest and not force:
        return None
    number = (db.session.execute(
        db.select(db.func.max(QuestionVersion.number)).filter_by(question_id=question.id)
    ).scalar() or 0) + 1
    if paragraphs is None:
        paragraphs = {p.number: p for p in db.session.execute(
            db.select(Paragraph).filter_by(document_id=question.document_id)).scalars()}
    first = paragraphs[spec.citations[0].paragraph] if spec.citations else None
    version = QuestionVersion(
        question_id=question.id, number=number, type=spec.type, prompt=spec.prompt,
        data=spec.data, explanation=spec.explanation, tags=spec.tags, marks=spec.marks,
        section=first.section if first else "", content_hash=digest, origin=origin,
    )
    db.session.add(version)
    db.session.flush()
    for i, cite in enumerate(spec.citations):
        db.session.add(Citation(version_id=version.id,
                                **citation_values(paragraphs[cite.paragraph], cite, i)))
    question.current = version
    if spec.citations and question.status == NEEDS_REVIEW:
        question.status, question.note, question.detail = ACTIVE, "", None
    elif spec.citations and question.status == DRAFT:
        question.note, question.detail = "", None
    db.session.flush()
    return version
