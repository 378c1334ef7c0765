"""Bank entries as the common language of the browser editor, exports and imports.

A form builds an entry (the dict a bank file would hold) and checks it with the
bank checker itself, so the browser and ``bank load`` always agree. A stored
version turns back into an entry for editing, history and export.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .bankparse import DocumentSpec, QuestionChecker, QuestionSpec
from .docparse import Block
from .extensions import db
from .models import Document, Paragraph, QuestionVersion
from .types import get_type
from .yamlines import LineDict

PART_LISTS = {"item": "items", "pair": "pairs"}


def document_spec(document: Document) -> DocumentSpec:
    """A stored document in the shape the bank checker reads."""
    paragraphs = db.session.execute(
        db.select(Paragraph).filter_by(document_id=document.id).order_by(Paragraph.number)
    ).scalars().all()
    blocks = [Block(p.number, p.kind, p.text, p.level, p.section, p.hash) for p in paragraphs]
    return DocumentSpec(slug=document.slug, title=document.title, text=document.source_text,
                        format=document.format, language=document.language,
                        origin=document.origin, attribution=document.attribution,
                        blocks=blocks, path=f"document {document.slug}")


@dataclass
class EntryCheck:
    """The outcome of checking one entry: a spec, or errors by the field they concern,
    in the bank checker's words (``errors``) and as the authoring form says them
    (``sentences``)."""

    spec: QuestionSpec | None
    errors: dict[str, list[str]] = field(default_factory=dict)  # field path -> messages
    sentences: dict[str, list[str]] = field(default_factory=dict)  # field path -> sentences

    def add(self, where: str, message: str, sentence: str = "") -> None:
        self.errors.setdefault(where, []).append(message)
        self.sentences.setdefault(where, []).append(sentence or message)


def line_dicts(value):
    """``value`` with every mapping a LineDict, as the bank checker reads YAML (no lines:
    an error names its field by its ``field`` path, not by where it was written)."""
    if isinstance(value, Mapping):
        wrapped = LineDict((key, line_dicts(inner)) for key, inner in value.items())
        wrapped.key_lines = {}
        return wrapped
    if isinstance(value, list):
        return [line_dicts(v) for v in value]
    return value


def check_entry(entry: Mapping, document: DocumentSpec, *, need_source: bool = True) -> EntryCheck:
    """Check ``entry`` exactly as ``bank check`` would; errors keyed by field path.

    Paths are BankError's: ``prompt``, ``choices``, ``source[0].quote``,
    ``items[2].source[0].paragraph`` … With ``need_source`` false (imports) the entry is a
    draft, which may lack its source and explanation.
    """
    checker = QuestionChecker(f"document {document.slug}", draft=not need_source)
    result = EntryCheck(checker.question(line_dicts(entry), document))
    for error in checker.errors:
        result.add(error.field, error.message, error.form_message)
    if result.errors:
        result.spec = None
    return result


def entry_of(version: QuestionVersion, key: str, status: str = "") -> dict:
    """The bank entry of a stored version: what ``bank load`` reads back to the same version."""
    kind = get_type(version.type)
    entry: dict = {"id": key, "type": version.type, "prompt": version.prompt}
    entry.update(kind.entry(version.data))
    entry["explanation"] = version.explanation
    if version.tags:
        entry["tags"] = list(version.tags)
    if version.marks != 1:
        entry["marks"] = int(version.marks) if version.marks == int(version.marks) \
            else version.marks
    if status:
        entry["status"] = status
    return attach_citations(entry, [{"paragraph": c.paragraph.number, "quote": c.quote,
                                     "part": c.part} for c in version.citations])


def attach_citations(entry: dict, citations: list[dict]) -> dict:
    """Put citations ({paragraph, quote, part}) where a bank writes them: the whole
    question's under ``source``, an item's or a pair's under that item or pair."""
    whole = [c for c in citations if not c.get("part")]
    if whole:
        entry["source"] = _one_or_list([{"paragraph": c["paragraph"], "quote": c["quote"]}
                                        for c in whole])
    parts: dict[str, list] = {}
    for c in citations:
        if c.get("part"):
            parts.setdefault(c["part"], []).append({"paragraph": c["paragraph"],
                                                    "quote": c["quote"]})
    for part, cites in parts.items():
        name, number = part.split()
        rows = entry.get(PART_LISTS.get(name, ""), [])
        index = int(number) - 1
        if not 0 <= index < len(rows):
            continue
        row = rows[index] if isinstance(rows[index], Mapping) else {"text": rows[index]}
        rows[index] = {**row, "source": _one_or_list(cites)}
    return entry


def _one_or_list(items: list[dict]):
    return items[0] if len(items) == 1 else items
