"""Importing questions from GIFT, Aiken or Moodle XML: all or nothing, as drafts.

Imported questions have no checked source, so they arrive as drafts marked
"needs source" and stay out of quizzes until an instructor attaches a paragraph
and quote. Source lines that our own exports wrote into the general feedback
are read back as suggestions, shown in the editor ready to confirm.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..entries import check_entry, document_spec
from ..extensions import db
from ..models import DRAFT, RETIRED, Document, Paragraph, Question, QuestionVersion
from ..textmatch import normalise, slugify
from ..types import get_type
from ..versions import write_version
from ..words import plural
from .aiken import parse_aiken
from .common import split_sources
from .gift import Parsed, parse_gift
from .moodlexml import parse_moodle_xml

MAX_BYTES = 2 * 1024 * 1024
MAX_NAME = 200  # a file name, kept in each imported version's origin (300 characters)


class ImportFailed(Exception):
    """The file has errors ("line: what is wrong"); nothing was written."""

    def __init__(self, errors: list[str]):
        super().__init__(plural(len(errors), "error"))
        self.errors = errors


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    with_suggestions: list[str] = field(default_factory=list)
    # Questions the bank already holds (same type, prompt and answer): "line N: 'x' is 'y'".
    skipped: list[str] = field(default_factory=list)  # left out, as asked
    duplicates: list[str] = field(default_factory=list)  # imported all the same

    def lines(self) -> list[str]:
        found = [f"Imported {plural(len(self.imported), 'question')} as drafts that need a source"
                 + (f" ({len(self.with_suggestions)} with a suggested source to confirm)"
                    if self.with_suggestions else "") + "."]
        if self.skipped:
            found.append(f"Skipped {plural(len(self.skipped), 'question')} already in the "
                         "bank (the same prompt and answer).")
        if self.duplicates:
            found.append(f"{plural(len(self.duplicates), 'imported question')} "
                         f"{'repeats' if len(self.duplicates) == 1 else 'repeat'} one already in "
                         "the bank (the same prompt and answer).")
        found += [f"not imported: {line}" for line in self.unmapped]
        found += [f"skipped: {line}" for line in self.skipped]
        found += [f"repeated: {line}" for line in self.duplicates]
        return found


def sameness(kind: str, prompt: str, data: dict) -> tuple[str, str, str]:
    """What makes two questions the same one: type, prompt and correct answer, compared
    as quotes are (spacing, typographic quotes and dashes aside) and without case."""
    return kind, normalise(prompt).casefold(), normalise(get_type(kind).correct(data)).casefold()


def _bank(document: Document) -> dict[tuple[str, str, str], str]:
    """The document's questions (retired ones aside) by their sameness: their keys."""
    rows = db.session.execute(
        db.select(Question.key, QuestionVersion.type, QuestionVersion.prompt,
                  QuestionVersion.data)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(Question.document_id == document.id, Question.status != RETIRED)).all()
    return {sameness(row.type, row.prompt, row.data): row.key for row in rows}


def _text(data: bytes) -> str:
    if b"\x00" in data:
        raise ImportFailed(["1: the file is not text (it holds binary data)"])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ImportFailed([f"{line}: not UTF-8 text"]) from None


def parse(data: bytes, fmt: str) -> Parsed:
    if len(data) > MAX_BYTES:
        raise ImportFailed([f"0: the file is larger than {MAX_BYTES // 1048576} MiB"])
    if fmt == "moodle-xml":
        return parse_moodle_xml(data)
    if fmt == "gift":
        return parse_gift(_text(data))
    if fmt == "aiken":
        return parse_aiken(_text(data))
    raise ImportFailed([f"0: unknown format '{fmt}' (gift, aiken or moodle-xml)"])


def _key(name: str, document: Document, taken: set[str]) -> str:
    base = slugify(name)[:72].strip("-") or f"{document.slug[:60]}-imported"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    taken.add(key)
    return key


@dataclass
class CheckedFile:
    """A file whose every question passed the checks, ready to write."""

    name: str
    prepared: list = field(default_factory=list)  # (line, spec, suggested paragraphs)
    unmapped: list[str] = field(default_factory=list)
    # Questions the bank (or the file, earlier) already holds: left out of ``prepared``
    # when skipping them was asked, else written all the same and named here.
    skipped: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)


def import_file(data: bytes, name: str, fmt: str, document: Document,
                skip_duplicates: bool = False) -> ImportReport:
    """Check every question of the file, then write them all as drafts, or raise."""
    report = ImportReport()
    write_questions(check_file(data, name, fmt, document, skip_duplicates), document, report)
    return report


def check_file(data: bytes, name: str, fmt: str, document: Document,
               skip_duplicates: bool = False) -> CheckedFile:
    """Every question of the file checked against ``document``; ImportFailed if any fails.

    A question with the same type, prompt and answer as one of the document's (or as an
    earlier one of the file) is left out with ``skip_duplicates``, else kept and named.
    Reads, never writes: the browser checks an upload here before its job is queued.
    """
    if len(name) > MAX_NAME:
        raise ImportFailed([f"0: the file name is longer than {MAX_NAME} characters; rename "
                            "the file and import it again"])
    parsed = parse(data, fmt)
    errors = list(parsed.errors)
    spec_document = document_spec(document)
    paragraphs = {p.number: p.text for p in db.session.execute(
        db.select(Paragraph).filter_by(document_id=document.id)).scalars()}
    taken = set(db.session.execute(db.select(Question.key)).scalars())
    bank = _bank(document)
    prepared, skipped, duplicates = [], [], []
    for line, entry in parsed.entries:
        entry = dict(entry, id=_key(entry.get("id") or "", document, taken))
        explanation, suggested = split_sources(entry.pop("explanation", ""), document.slug,
                                               paragraphs)
        if explanation:
            entry["explanation"] = explanation
        checked = check_entry(entry, spec_document, need_source=False)
        for messages in checked.errors.values():
            errors += [f"{line}: question '{entry['id']}': {m}" for m in messages]
        if checked.spec is None:
            continue
        spec = checked.spec
        same = sameness(spec.type, spec.prompt, spec.data)
        if same in bank:
            note = f"line {line}: '{spec.id}' is the same question as '{bank[same]}'"
            (skipped if skip_duplicates else duplicates).append(note)
            if skip_duplicates:
                continue
        bank.setdefault(same, spec.id)
        prepared.append((line, spec, suggested))
    if errors:
        raise ImportFailed(errors)
    if not prepared and not parsed.unmapped and not skipped:
        raise ImportFailed(["0: the file holds no questions"])
    return CheckedFile(name, prepared, list(parsed.unmapped), skipped, duplicates)


def write_questions(checked: CheckedFile, document: Document, report: ImportReport,
                    written=None) -> None:
    """Write the checked questions as drafts, adding each to ``report``.

    ``written(n)``, when given, is called after each question with how many are written;
    a job commits its batches there. Keys taken since the check get a suffix.
    """
    name, paragraphs = checked.name, {p.number: p for p in db.session.execute(
        db.select(Paragraph).filter_by(document_id=document.id)).scalars()}
    report.unmapped = list(checked.unmapped)
    report.skipped, report.duplicates = list(checked.skipped), list(checked.duplicates)
    taken = set(db.session.execute(db.select(Question.key)).scalars())
    last = db.session.execute(db.select(db.func.max(Question.position)).filter_by(
        document_id=document.id)).scalar() or 0
    for offset, (line, spec, suggested) in enumerate(checked.prepared, start=1):
        if spec.id in taken:
            spec.id = _key(spec.id, document, taken)
        question = Question(
            key=spec.id, document_id=document.id, status=DRAFT, position=last + offset,
            note=f"Imported from {name}, line {line}: choose the paragraph and the quote that "
                 "prove the answer" + (", or confirm the suggested ones" if suggested else "")
                 + ".",
            detail={"suggested": suggested} if suggested else None)
        db.session.add(question)
        db.session.flush()
        write_version(question, spec, f"import: {name}:{line}", paragraphs=paragraphs)
        report.imported.append(spec.id)
        if suggested:
            report.with_suggestions.append(spec.id)
        if written is not None:
            written(offset)
    db.session.flush()
