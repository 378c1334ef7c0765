"""Write checked documents, questions and quizzes into the database, all or nothing.

The functions here flush but never commit: the caller owns the transaction, so
a failure anywhere leaves the database as it was.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from .bankparse import DocumentSpec, Library, QuestionSpec, QuizSpec
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


def spec_hash(spec: QuestionSpec) -> str:
    """A fingerprint of everything a learner would see or be graded on."""
    payload = {
        "type": spec.type, "prompt": spec.prompt, "data": spec.data,
        "explanation": spec.explanation, "tags": spec.tags, "marks": spec.marks,
        "citations": [[c.paragraph, c.quote, c.part] for c in spec.citations],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def load_library(library: Library, questions=None) -> LoadReport:
    """Load every document, question and quiz of a checked library.

    ``questions`` may wrap the list of questions to watch the load go by (a progress bar).
    """
    if library.errors:
        raise LibraryInvalid(library.errors)
    report = LoadReport()
    documents = {slug: _load_document(spec, report) for slug, spec in library.documents.items()}
    for position, spec in enumerate(library.questions if questions is None else questions):
        _load_question(spec, documents[spec.document], position, report)
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
        document = Document(slug=spec.slug, source_hash="")
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
        from .editions import apply_edition
        edition = apply_edition(document, spec.blocks)
        report.notes += [f"document {spec.slug}: {line.strip()}" for line in edition.lines()]
    db.session.flush()
    return document


def _load_question(spec: QuestionSpec, document: Document, position: int,
                   report: LoadReport) -> None:
    question = db.session.execute(
        db.select(Question).filter_by(key=spec.id)).scalar_one_or_none()
    if question is None:
        question = Question(key=spec.id, document_id=document.id, position=position)
        db.session.add(question)
        db.session.flush()
        report.added.append(f"question {spec.id}")
    else:
        question.position = position
        question.document_id = document.id
        if question.current is not None and question.current.content_hash == spec_hash(spec):
            report.unchanged += 1
            if spec.status:
                question.status = spec.status
            return
        report.updated.append(f"question {spec.id}")
    write_version(question, spec, f"{spec.path}:{spec.line}")
    if spec.status:
        question.status = spec.status


def write_version(question: Question, spec: QuestionSpec, origin: str,
                  force: bool = False) -> QuestionVersion | None:
    """Give ``question`` a new version from a checked spec; None when nothing changed.

    Banks, the browser's editor, imports and re-anchoring all make versions here. A
    version written from a spec with citations has passed every check, so a question
    that was a draft or flagged for review becomes active again. ``force`` writes one
    even when nothing changed, to check the citations against today's paragraphs.
    """
    digest = spec_hash(spec)
    current = question.current
    if current is not None and current.content_hash == digest and not force:
        return None
    number = (db.session.execute(
        db.select(db.func.max(QuestionVersion.number)).filter_by(question_id=question.id)
    ).scalar() or 0) + 1
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
        paragraph = paragraphs[cite.paragraph]
        db.session.add(Citation(version_id=version.id, paragraph_id=paragraph.id, position=i,
                                part=cite.part, quote=cite.quote, paragraph_text=paragraph.text))
    question.current = version
    if spec.citations and question.status in (DRAFT, NEEDS_REVIEW):
        question.status, question.note, question.detail = ACTIVE, "", None
    db.session.flush()
    return version


def _load_quiz(spec: QuizSpec, document: Document, report: LoadReport) -> None:
    quiz = db.session.execute(db.select(Quiz).filter_by(key=spec.id)).scalar_one_or_none()
    values = {"document_id": document.id, "title": spec.title, "description": spec.description,
              "select": spec.select, "shuffle_questions": spec.shuffle_questions,
              "shuffle_choices": spec.shuffle_choices, "grading_method": spec.grading,
              **spec.settings}
    if quiz is None:
        db.session.add(Quiz(key=spec.id, **values))
        report.added.append(f"quiz {spec.id}")
    elif any(getattr(quiz, k) != v for k, v in values.items()):
        for key, value in values.items():
            setattr(quiz, key, value)
        report.updated.append(f"quiz {spec.id}")
    else:
        report.unchanged += 1
