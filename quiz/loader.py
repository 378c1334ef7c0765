"""Write checked documents, questions and quizzes into the database, all or nothing.

The functions here flush but never commit: the caller owns the transaction, so
a failure anywhere leaves the database as it was.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from .bankparse import DocumentSpec, Library, QuestionSpec, QuizSpec
from .courses import course_for_bank
from .editions import apply_edition
from .extensions import db
from .models import (
    ACTIVE,
    DRAFT,
    NEEDS_REVIEW,
    Citation,
    Document,
    Paragraph,
    Question,
    QuestionVersion,
    Quiz,
)
from .textmatch import content_hash
from .versions import citation_values, spec_hash


class LibraryInvalid(Exception):
    """The library has errors; nothing was written."""

    def __init__(self, errors):
        super().__init__(f"{len(errors)} error(s) in the question banks")
        self.errors = errors


@dataclass
class LoadReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)  # what new editions moved or flagged

    def summary(self) -> str:
        return (f"{len(self.added)} added, {len(self.updated)} updated, "
                f"{self.unchanged} unchanged")





def load_library(library: Library, questions=None) -> LoadReport:
    """Load every document, question and quiz of a checked library.

    ``questions`` may wrap the list of questions to watch the load go by (a progress bar).
    """
    if library.errors:
        raise LibraryInvalid(library.errors)
    report = LoadReport()
    documents = {slug: _load_document(spec, report) for slug, spec in library.documents.items()}
    _load_questions(library.questions, documents, report, questions)
    for spec in library.quizzes:
        _load_quiz(spec, documents[spec.document], report)
    db.session.flush()
    return report


def _load_document(spec: DocumentSpec, report: LoadReport) -> Document:
    digest = hashlib.sha256(json.dumps(
        [content_hash(spec.text), spec.format, [b.section for b in spec.blocks]]).encode()
    ).hexdigest()
    document = db.session.execute(
        db.select(Document).filter_by(slug=spec.slug)
    ).scalar_one_or_none()
    if document is None:
        document = Document(slug=spec.slug, source_hash="",
                            course_id=course_for_bank(spec.course, spec.path))
        db.session.add(document)
        report.added.append(f"document {spec.slug}")
    meta = {"title": spec.title, "language": spec.language, "origin": spec.origin,
            "attribution": spec.attribution, "format": spec.format}
    changed = document.source_hash != digest or any(
        getattr(document, k) != v for k, v in meta.items())
    if not changed:
        report.unchanged += 1
        return document
    if document.id is not None:
        report.updated.append(f"document {spec.slug}")
    text_changed = document.source_hash != digest
    for key, value in meta.items():
        setattr(document, key, value)
    document.source_hash = digest
    db.session.flush()
    has_paragraphs = db.session.execute(
        db.select(Paragraph.id).filter_by(document_id=document.id).limit(1)).first()
    if has_paragraphs is None:
        for block in spec.blocks:
            db.session.add(Paragraph(document_id=document.id, number=block.number,
                                     kind=block.kind, level=block.level, section=block.section,
                                     text=block.text, hash=block.hash))
    elif text_changed:
        # A new edition: paragraphs follow their text, and the questions citing them (the
        # browser's too, which no bank checks) are re-anchored or flagged for review.
        edition = apply_edition(document, spec.blocks)
        report.notes += [f"document {spec.slug}: {line.strip()}" for line in edition.lines()]
    db.session.flush()
    return document


@dataclass
class _Change:
    """A question to give a new version; ``question`` is None for one not stored yet."""

    spec: QuestionSpec
    digest: str
    document_id: int
    question: Question | None = None
    question_id: int = 0
    version_id: int = 0


def _load_questions(specs: list[QuestionSpec], documents: dict[str, Document],
                    report: LoadReport, watched=None) -> None:
    """Add new questions and new versions of changed ones, a few statements for them all.

    The outcome is write_version's for each question in turn, but each table gets one
    executemany rather than a round trip per row. ``watched`` wraps ``specs``.
    """
    existing = _existing_questions([spec.id for spec in specs])
    new_questions: list[dict] = []
    changes: list[_Change] = []
    for position, spec in enumerate(specs if watched is None else watched):
        document_id = documents[spec.document].id
        digest = spec_hash(spec)
        found = existing.get(spec.id)
        if found is None:
            new_questions.append({"key": spec.id, "document_id": document_id,
                                  "position": position, "status": spec.status or ACTIVE,
                                  "exam_only": spec.exam_only})
            changes.append(_Change(spec, digest, document_id))
            report.added.append(f"question {spec.id}")
            continue
        question, current_hash = found
        question.position = position
        question.document_id = document_id
        question.exam_only = spec.exam_only
        if current_hash == digest:
            report.unchanged += 1
            if spec.status:
                question.status = spec.status
        else:
            changes.append(_Change(spec, digest, document_id, question, question.id))
            report.updated.append(f"question {spec.id}")
    if not changes:
        return
    new_ids = iter(_insert(Question, new_questions))
    for change in changes:
        if change.question is None:
            change.question_id = next(new_ids)
    _write_versions(changes)
    new = [c for c in changes if c.question is None]
    if new:
        db.session.execute(db.update(Question), [
            {"id": c.question_id, "current_version_id": c.version_id} for c in new])
    for change in changes:
        question = change.question
        if question is not None:
            question.current_version_id = change.version_id
            if change.spec.citations and question.status in (DRAFT, NEEDS_REVIEW):
                question.status, question.note, question.detail = ACTIVE, "", None
            if change.spec.status:
                question.status = change.spec.status
    db.session.flush()
    for change in changes:
        if change.question is not None:
            db.session.expire(change.question, ["current"])


def _existing_questions(keys: list[str]) -> dict[str, tuple[Question, str | None]]:
    """The questions already stored under ``keys``, with their current version's hash."""
    found = {}
    for start in range(0, len(keys), 500):  # under every database's limit on parameters
        rows = db.session.execute(
            db.select(Question, QuestionVersion.content_hash)
            .outerjoin(QuestionVersion, Question.current_version_id == QuestionVersion.id)
            .where(Question.key.in_(keys[start:start + 500])))
        found.update({question.key: (question, digest) for question, digest in rows})
    return found


def _write_versions(changes: list[_Change]) -> None:
    """Insert a version and its citations for each change, and note the versions' ids."""
    numbers: dict[int, int] = {}
    stored = [c.question_id for c in changes if c.question is not None]
    for start in range(0, len(stored), 500):
        numbers.update(db.session.execute(
            db.select(QuestionVersion.question_id, db.func.max(QuestionVersion.number))
            .where(QuestionVersion.question_id.in_(stored[start:start + 500]))
            .group_by(QuestionVersion.question_id)).all())
    paragraphs: dict[int, dict[int, Paragraph]] = {}
    versions, citations = [], []
    for change in changes:
        spec = change.spec
        if change.document_id not in paragraphs:
            paragraphs[change.document_id] = {p.number: p for p in db.session.execute(
                db.select(Paragraph).filter_by(document_id=change.document_id)).scalars()}
        by_number = paragraphs[change.document_id]
        first = by_number[spec.citations[0].paragraph] if spec.citations else None
        versions.append({
            "question_id": change.question_id, "number": numbers.get(change.question_id, 0) + 1,
            "type": spec.type, "prompt": spec.prompt, "data": spec.data,
            "explanation": spec.explanation, "tags": spec.tags, "marks": spec.marks,
            "section": first.section if first else "", "content_hash": change.digest,
            "origin": f"{spec.path}:{spec.line}",
        })
        citations.append([citation_values(by_number[cite.paragraph], cite, i)
                          for i, cite in enumerate(spec.citations)])
    for change, version_id in zip(changes, _insert(QuestionVersion, versions), strict=True):
        change.version_id = version_id
    _insert(Citation, [dict(row, version_id=change.version_id)
                       for change, rows in zip(changes, citations, strict=True) for row in rows],
            ids=False)


def _insert(model, rows: list[dict], ids: bool = True) -> list[int]:
    """Insert ``rows`` with one executemany; the new ids in the order of the rows."""
    if not rows:
        return []
    if not ids:
        db.session.execute(db.insert(model), rows)
        return []
    statement = db.insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.execute(statement, rows).scalars())



def _load_quiz(spec: QuizSpec, document: Document, report: LoadReport) -> None:
    quiz = db.session.execute(db.select(Quiz).filter_by(key=spec.id)).scalar_one_or_none()
    values = {"document_id": document.id, "title": spec.title, "description": spec.description,
              "select": spec.select, "shuffle_questions": spec.shuffle_questions,
              "shuffle_choices": spec.shuffle_choices, "grading_method": spec.grading,
              **spec.settings}
    if quiz is None:
        db.session.add(Quiz(key=spec.id, course_id=document.course_id, **values))
        report.added.append(f"quiz {spec.id}")
    elif any(getattr(quiz, k) != v for k, v in values.items()):
        for key, value in values.items():
            setattr(quiz, key, value)
        report.updated.append(f"quiz {spec.id}")
    else:
        report.unchanged += 1
