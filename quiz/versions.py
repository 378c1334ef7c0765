"""Question versions: the one way every path (bank loading, the browser's editor, imports,
new editions) makes them, one question or thousands at a time."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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
from .textmatch import QuoteFinder

BATCH = 500  # ids per IN (...): under every database's limit on parameters


def citation_values(paragraph: Paragraph, cite, position: int, quotes: QuoteFinder) -> dict:
    """A citation's columns: its paragraph, the paragraph's text as checked and where the
    quote is in it, so a review marks the quote by slicing that text."""
    span = quotes.find(paragraph.text, cite.quote) or (None, None)
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


@dataclass
class Revision:
    """A question and the checked spec of its next version. ``force`` writes one even when
    nothing changed, to check the citations against today's paragraphs."""

    question: Question
    spec: QuestionSpec
    origin: str
    force: bool = False


def write_versions(revisions: Sequence[Revision],
                   paragraphs: Mapping[int, Mapping[int, Paragraph]] | None = None
                   ) -> list[int | None]:
    """Give each question (each at most once) its new version from a checked spec; the
    new versions' ids in the order of ``revisions``, None where nothing changed.

    A version written from a spec with citations has passed every check, so a question
    flagged for review becomes active again; a draft stays one until an instructor
    publishes it, but loses the note that asked for a source. Each table gets one
    executemany for them all. ``paragraphs`` (by document id, then number) spares
    reading a document's paragraphs again; those not given are read once per document.
    Flushes, never commits.
    """
    db.session.flush()  # questions added but not yet written get their ids
    current = _current_hashes([r.question for r in revisions])
    digests = [spec_hash(r.spec) for r in revisions]
    todo = [(r, digest) for r, digest in zip(revisions, digests, strict=True)
            if r.force or current.get(r.question.id) != digest]
    if not todo:
        return [None] * len(revisions)
    numbers = _last_numbers([r.question.id for r, _ in todo if r.question.current_version_id])
    by_document = dict(paragraphs or {})
    quotes = QuoteFinder()  # each paragraph's text normalised once, however often cited
    versions, citations = [], []
    for revision, digest in todo:
        spec, question = revision.spec, revision.question
        if question.document_id not in by_document:
            by_document[question.document_id] = {p.number: p for p in db.session.execute(
                db.select(Paragraph).filter_by(document_id=question.document_id)).scalars()}
        by_number = by_document[question.document_id]
        first = by_number[spec.citations[0].paragraph] if spec.citations else None
        versions.append({
            "question_id": question.id, "number": numbers.get(question.id, 0) + 1,
            "type": spec.type, "prompt": spec.prompt, "data": spec.data,
            "explanation": spec.explanation, "tags": spec.tags, "marks": spec.marks,
            "section": first.section if first else "", "content_hash": digest,
            "origin": revision.origin,
        })
        citations.append([citation_values(by_number[cite.paragraph], cite, i, quotes)
                          for i, cite in enumerate(spec.citations)])
    version_ids = list(db.session.execute(
        db.insert(QuestionVersion).returning(QuestionVersion.id, sort_by_parameter_order=True),
        versions).scalars())
    rows = [dict(row, version_id=version_id)
            for version_id, cites in zip(version_ids, citations, strict=True) for row in cites]
    if rows:
        db.session.execute(db.insert(Citation), rows)
    written: dict[int, int] = {}  # by question id
    for (revision, _), version_id in zip(todo, version_ids, strict=True):
        question = revision.question
        question.current_version_id = version_id
        if revision.spec.citations and question.status == NEEDS_REVIEW:
            question.status, question.note, question.detail = ACTIVE, "", None
        elif revision.spec.citations and question.status == DRAFT:
            # A draft stays one until an instructor publishes it; it has its source now.
            question.note, question.detail = "", None
        written[question.id] = version_id
    db.session.flush()
    for revision, _ in todo:
        db.session.expire(revision.question, ["current"])
    return [written.get(r.question.id) for r in revisions]


def write_version(question: Question, spec: QuestionSpec, origin: str,
                  force: bool = False,
                  paragraphs: Mapping[int, Paragraph] | None = None) -> QuestionVersion | None:
    """Give ``question`` a new version from a checked spec; None when nothing changed.

    ``write_versions`` for one question: ``paragraphs`` are its document's, by number.
    """
    [version_id] = write_versions([Revision(question, spec, origin, force)],
                                  {question.document_id: paragraphs} if paragraphs else None)
    return None if version_id is None else db.session.get(QuestionVersion, version_id)


def _current_hashes(questions: list[Question]) -> dict[int, str]:
    """The content hash of each question's current version, by question id."""
    found: dict[int, str] = {}
    ids = [q.current_version_id for q in questions if q.current_version_id]
    for start in range(0, len(ids), BATCH):
        found.update(db.session.execute(
            db.select(QuestionVersion.question_id, QuestionVersion.content_hash)
            .where(QuestionVersion.id.in_(ids[start:start + BATCH]))).all())
    return found


def _last_numbers(question_ids: list[int]) -> dict[int, int]:
    """The highest version number of each question, by question id."""
    found: dict[int, int] = {}
    for start in range(0, len(question_ids), BATCH):
        found.update(db.session.execute(
            db.select(QuestionVersion.question_id, db.func.max(QuestionVersion.number))
            .where(QuestionVersion.question_id.in_(question_ids[start:start + BATCH]))
            .group_by(QuestionVersion.question_id)).all())
    return found
