"""How well the question banks cover their documents: the questions citing each paragraph.

``compute_coverage`` is a pure function from a checked Library to a report;
``coverage_command`` (``flask bank coverage``) prints that report as a table or JSON.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .bankparse import Library, read_library
from .docparse import HEADING, Block
from .types import QUESTION_TYPES
from .words import plural

DEFAULT_THRESHOLD = 3
# The order the bank format lists the types in; any other type follows by name.
SHIPPED_ORDER = ("single_choice", "multiple_response", "true_false", "short_answer",
                 "numeric", "ordering", "matching")


def type_names() -> list[str]:
    """Every question type, in the order of the bank format, then any others."""
    return [t for t in SHIPPED_ORDER if t in QUESTION_TYPES] + sorted(
        t for t in QUESTION_TYPES if t not in SHIPPED_ORDER)


def is_lead_in(block: Block) -> bool:
    """A paragraph that only introduces what follows ("... includes:")."""
    return block.kind != HEADING and block.text.rstrip().endswith(":")


@dataclass
class ParagraphCoverage:
    anchor: str
    number: int
    kind: str
    section: str
    lead_in: bool
    questions: int
    types: dict[str, int]
    flagged: bool


@dataclass
class DocumentCoverage:
    slug: str
    title: str
    questions: int
    types: dict[str, int]
    paragraphs: list[ParagraphCoverage] = field(default_factory=list)
    headings: dict[int, str] = field(default_factory=dict)  # number -> heading text

    @property
    def flagged(self) -> list[ParagraphCoverage]:
        return [p for p in self.paragraphs if p.flagged]

    @property
    def min_questions(self) -> int | None:
        counted = [p.questions for p in self.paragraphs if not p.lead_in]
        return min(counted) if counted else None


@dataclass
class CoverageReport:
    threshold: int
    documents: list[DocumentCoverage]

    @property
    def questions(self) -> int:
        return sum(d.questions for d in self.documents)

    @property
    def types(self) -> dict[str, int]:
        totals = dict.fromkeys(type_names(), 0)
        for document in self.documents:
            for name, count in document.types.items():
                totals[name] = totals.get(name, 0) + count
        return totals

    @property
    def flagged(self) -> int:
        return sum(len(d.flagged) for d in self.documents)

    def as_dict(self) -> dict:
        return {
            "threshold": self.threshold,
            "questions": self.questions,
            "types": self.types,
            "below_threshold": self.flagged,
            "documents": [
                {
                    "slug": d.slug, "title": d.title, "questions": d.questions,
                    "types": d.types, "min_questions": d.min_questions,
                    "below_threshold": [p.anchor for p in d.flagged],
                    "paragraphs": [asdict(p) for p in d.paragraphs],
                }
                for d in self.documents
            ],
        }


def compute_coverage(library: Library, threshold: int = DEFAULT_THRESHOLD) -> CoverageReport:
    """Count, per content paragraph, the questions citing it (once each) and their types.

    Headings are left out. A lead-in paragraph (ending with ":") is listed but
    never flagged; any other paragraph cited by fewer than ``threshold`` questions is.
    """
    names = type_names()
    documents = []
    for slug in sorted(library.documents):
        spec = library.documents[slug]
        questions = [q for q in library.questions if q.document == slug]
        doc_types = dict.fromkeys(names, 0)
        citing: dict[int, dict[str, int]] = {}
        for q in questions:
            doc_types[q.type] = doc_types.get(q.type, 0) + 1
            for number in {c.paragraph for c in q.citations}:
                counts = citing.setdefault(number, dict.fromkeys(names, 0))
                counts[q.type] = counts.get(q.type, 0) + 1
        report = DocumentCoverage(slug=slug, title=spec.title, questions=len(questions),
                                  types=doc_types)
        for block in spec.blocks:
            if block.kind == HEADING:
                report.headings[block.number] = block.text
                continue
            counts = citing.get(block.number, dict.fromkeys(names, 0))
            total = sum(counts.values())
            lead_in = is_lead_in(block)
            report.paragraphs.append(ParagraphCoverage(
                anchor=block.anchor, number=block.number, kind=block.kind,
                section=block.section, lead_in=lead_in, questions=total, types=counts,
                flagged=not lead_in and total < threshold,
            ))
        documents.append(report)
    return CoverageReport(threshold=threshold, documents=documents)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def format_report(report: CoverageReport) -> str:
    """The report as readable text: one table per document and a summary line."""
    names = type_names()
    columns = [QUESTION_TYPES[n].abbreviation or n[:3].upper() for n in names]
    lines = ["Key: " + ", ".join(f"{col} {QUESTION_TYPES[n].label.lower()}"
                                 for n, col in zip(names, columns, strict=True))]
    for doc in report.documents:
        lines += ["", f"{doc.slug}: {doc.title}",
                  f"{_plural(doc.questions, 'question')}: " + ", ".join(
                      f"{doc.types[n]} {QUESTION_TYPES[n].label.lower()}" for n in names)]
        header = f"   {'Para':<6}{'Kind':<11}{'Questions':>9}  " + "".join(
            f"{c:>5}" for c in columns)
        lines += [header, "   " + "-" * (len(header) - 3)]
        numbers = sorted(doc.headings) + [p.number for p in doc.paragraphs]
        by_number = {p.number: p for p in doc.paragraphs}
        for number in sorted(numbers):
            if number in doc.headings:
                lines.append(f"   [{doc.headings[number]}]")
                continue
            p = by_number[number]
            mark = "!! " if p.flagged else "   "
            kind = "lead-in" if p.lead_in else p.kind
            row = f"{mark}{p.anchor:<6}{kind:<11}{p.questions:>9}  " + "".join(
                f"{p.types[n] or '.':>5}" for n in names)
            if p.flagged:
                row += f"   BELOW {report.threshold}"
            elif p.lead_in:
                row += "   (lead-in, not flagged)"
            lines.append(row.rstrip())
        if doc.min_questions is not None:
            lines.append(f"Fewest questions on a content paragraph: {doc.min_questions}")
    lines.append("")
    lines.append(f"{_plural(report.flagged, 'paragraph')} below "
                 f"{_plural(report.threshold, 'question')}")
    return "\n".join(lines)


@click.command("coverage")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--threshold", default=DEFAULT_THRESHOLD, show_default=True,
              type=click.IntRange(min=0),
              help="Flag content paragraphs cited by fewer questions than this.")
@with_appcontext
def coverage_command(as_json: bool, threshold: int) -> None:
    """Report how many questions cite each paragraph, and flag the thinly covered ones."""
    library = read_library(Path(current_app.config["QUESTIONS_DIR"]))
    if library.errors:
        for error in library.errors:
            click.echo(str(error), err=True)
        click.echo(f"{plural(len(library.errors), 'error')}; no coverage report.", err=True)
        raise SystemExit(1)
    report = compute_coverage(library, threshold)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        click.echo(format_report(report))
