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
from .models import ACTIVE, Document, Paragraph, Question, Quiz
from .textmatch import content_hash
from .versions import BATCH, Revision, write_versions
from .words import plural


class LibraryInvalid(Exception):
    """The library has errors; nothing was written."""

    def __init__(self, errors):
        super().__init__(f"{plural(len(errors), 'error')} in the question banks")
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


def _load_questions(specs: list[QuestionSpec], documents: dict[str, Document],
                    report: LoadReport, watched=None) -> None:
    """Add new questions and new versions of changed ones (``watched`` wraps ``specs``)."""
    existing = _existing_questions([spec.id for spec in specs])
    revisions = []
    for position, spec in enumerate(specs if watched is None else watched):
        document_id = documents[spec.document].id
        question = existing.get(spec.id)
        if question is None:
            question = Question(key=spec.id, document_id=document_id, position=position,
                                status=spec.status or ACTIVE, exam_only=spec.exam_only)
            db.session.add(question)
        else:
            question.position = position
            question.document_id = document_id
            question.exam_only = spec.exam_only
        revisions.append(Revision(question, spec, f"{spec.path}:{spec.line}"))
    written = write_versions(revisions)
    for revision, version_id in zip(revisions, written, strict=True):
        key, question = revision.spec.id, revision.question
        if key not in existing:
            report.added.append(f"question {key}")
        elif version_id is None:
            report.unchanged += 1
        else:
            report.updated.append(f"question {key}")
        if revision.spec.status:
            question.status = revision.spec.status


def _existing_questions(keys: list[str]) -> dict[str, Question]:
    """The questions already stored under ``keys``, by key."""
    found = {}
    for start in range(0, len(keys), BATCH):
        found.update((question.key, question) for question in db.session.execute(
            db.select(Question).where(Question.key.in_(keys[start:start + BATCH]))).scalars())
    return found


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
