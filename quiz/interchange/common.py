"""What every format shares: the questions to write, provenance lines, and reports."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import ACTIVE, RETIRED, STATUS_LABELS, Citation, Document, Question, QuestionVersion
from ..textmatch import find_quote


@dataclass
class ExportResult:
    text: str
    exported: list[str] = field(default_factory=list)  # question keys
    left_out: list[str] = field(default_factory=list)  # "key: why", for questions not written
    partial: list[str] = field(default_factory=list)  # "key: what was lost", for those written

    def report_lines(self) -> list[str]:
        return ([f"not exported: {line}" for line in self.left_out]
                + [f"exported without: {line}" for line in self.partial])


def document_questions(document: Document) -> tuple[list[Question], list[str]]:
    """The document's questions that an export can hold (active and retired), and the rest."""
    questions = db.session.execute(
        db.select(Question).filter_by(document_id=document.id).order_by(Question.position,
                                                                        Question.id)
        .options(selectinload(Question.current).selectinload(QuestionVersion.citations)
                 .selectinload(Citation.paragraph))).scalars().all()
    kept, left_out = [], []
    for question in questions:
        if question.current is None:
            continue
        if question.status in (ACTIVE, RETIRED):
            kept.append(question)
        else:
            left_out.append(f"{question.key} ({STATUS_LABELS[question.status]}: it has no "
                            "checked source to write)")
    return kept, left_out


def source_lines(version: QuestionVersion, document: Document) -> list[str]:
    """The citations as lines a person can read and an import can read back."""
    lines = []
    for c in version.citations:
        part = f" ({c.part})" if c.part else ""
        quote = c.quote.replace('"', "'")
        lines.append(f'Source: {document.title} ({document.slug}), p{c.paragraph.number}'
                     f'{part}: "{quote}"')
    return lines


def general_feedback(version: QuestionVersion, document: Document) -> str:
    return "\n\n".join([version.explanation, "\n".join(source_lines(version, document))]).strip()


_SOURCE = re.compile(r'^Source: .*\((?P<slug>[a-z0-9][a-z0-9._-]*)\), p(?P<number>\d+)'
                     r'(?: \((?P<part>[^)]*)\))?: "(?P<quote>.*)"\s*$')


def split_sources(text: str, slug: str, paragraphs: dict[int, str]) -> tuple[str, list[dict]]:
    """An imported general feedback as (explanation, citations it names that check out).

    Source lines written by our exports are taken off the explanation; those naming
    this document whose quote is in the named paragraph become suggested citations.
    """
    kept, suggested = [], []
    for line in text.splitlines():
        match = _SOURCE.match(line.strip())
        if not match:
            kept.append(line)
            continue
        number, quote = int(match["number"]), match["quote"]
        if match["slug"] == slug and number in paragraphs and find_quote(paragraphs[number],
                                                                         quote):
            suggested.append({"paragraph": number, "quote": quote, "part": match["part"] or ""})
    return "\n".join(kept).strip(), suggested
