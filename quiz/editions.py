"""Documents added from text, and new editions of a document with its questions re-anchored.

A paragraph row follows its paragraph from one edition to the next: paragraphs
are aligned by content (unchanged ones match exactly; edited ones match by
position between unchanged neighbours), so an edited paragraph keeps its row
and its citations even when its number changes. Each citation of a question's
current version is then checked against the new text:

- its quote is still in its paragraph: nothing to do;
- its quote is found in another paragraph: the question gets a new version
  citing that paragraph, and the move is reported;
- its quote is nowhere: the question is flagged "needs review" and left out of
  new attempts until an instructor fixes or retires it.

Past attempts are untouched: citations keep the paragraph text they were
checked against (``Citation.paragraph_text``), and versions are never edited.
Flushes; the caller commits.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from sqlalchemy.orm import selectinload

from .bankparse import ID_PATTERN, CitationSpec, QuestionSpec
from .docparse import FORMATS, HEADING, Block, parse_document
from .extensions import db
from .models import (
    DRAFT,
    NEEDS_REVIEW,
    RETIRED,
    Citation,
    Document,
    Paragraph,
    Question,
    QuestionVersion,
)
from .textmatch import content_hash, normalise, slugify
from .versions import write_version
from .words import plural


class DocumentError(ValueError):
    """A document that cannot be added or updated; the message says why."""


@dataclass
class Moved:
    key: str
    part: str
    quote: str
    old: int
    new: int


@dataclass
class Flagged:
    key: str
    part: str
    quote: str
    old: int
    new: int | None  # the paragraph now in its place, if any


@dataclass
class EditionReport:
    edition: int
    added: int = 0  # new paragraphs
    removed: int = 0
    changed: int = 0  # paragraphs whose text changed
    unchanged_questions: int = 0
    moved: list[Moved] = field(default_factory=list)
    flagged: list[Flagged] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The summary, then each move and each flag, for a terminal."""
        found = [self.summary()]
        found += [f"  moved {m.key}{' ' + m.part if m.part else ''}: p{m.old} -> p{m.new}"
                  for m in self.moved]
        found += [f"  needs review {f.key}{' ' + f.part if f.part else ''}: quote from "
                  f"p{f.old} not found: \"{f.quote}\"" for f in self.flagged]
        return found

    def summary(self) -> str:
        return (f"Edition {self.edition}: {plural(self.changed, 'paragraph')} changed, "
                f"{self.added} added, {self.removed} removed; "
                f"{plural(self.unchanged_questions, 'question')} "
                f"unaffected, {len({m.key for m in self.moved})} re-anchored, "
                f"{len({f.key for f in self.flagged})} flagged for review.")


def parse_text(text: str, fmt: str) -> list[Block]:
    if fmt not in FORMATS:
        raise DocumentError(f"format must be 'text' or 'markdown', not '{fmt}'")
    blocks = parse_document(text, fmt)
    if not any(b.kind != HEADING for b in blocks):
        raise DocumentError("the document has no paragraphs")
    return blocks


def add_document(text: str, *, title: str = "", slug: str = "", fmt: str = "text",
                 language: str = "en", origin: str = "", attribution: str = "") -> Document:
    """A new document from its text, split into numbered paragraphs."""
    blocks = parse_text(text, fmt)
    title = title.strip() or next((b.text for b in blocks if b.kind == HEADING), "")
    if not title:
        raise DocumentError("give the document a title (it has no heading to take one from)")
    slug = slug.strip() or slugify(title)[:80].strip("-")
    if not ID_PATTERN.match(slug):
        raise DocumentError(f"the short name '{slug}' must be lower-case letters, digits, "
                            "'.', '_' or '-' (at most 80)")
    if db.session.execute(db.select(Document.id).filter_by(slug=slug)).first():
        raise DocumentError(f"a document named '{slug}' exists already")
    document = Document(slug=slug, title=title[:300], language=language or "en",
                        origin=origin, attribution=attribution, format=fmt,
                        source_hash=content_hash(text), source_text=text, edition=1)
    db.session.add(document)
    db.session.flush()
    for block in blocks:
        db.session.add(_row(document, block))
    db.session.flush()
    return document


def _row(document: Document, block: Block) -> Paragraph:
    return Paragraph(document_id=document.id, **_columns(block))


def align(old: list[Paragraph], new: list[Block]) -> dict[int, int]:
    """Old paragraph id -> the number of the new block that continues it.

    Unchanged paragraphs match exactly. Between them, an edited paragraph matches the
    new one in its place when as many were replaced as written, else the most similar
    new one of the same kind (at least 40% alike), in order.
    """
    matcher = difflib.SequenceMatcher(None, [p.hash for p in old], [b.hash for b in new],
                                      autojunk=False)
    found = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            found.update({old[i1 + k].id: new[j1 + k].number for k in range(i2 - i1)})
        elif tag == "replace":
            found.update(_pair_edited(old[i1:i2], new[j1:j2]))
    return found


SIMILAR = 0.4  # how alike an edited paragraph and its new text must be
WINDOW = 12  # new paragraphs an edited one is compared with, from where the last matched


def _pair_edited(old: list[Paragraph], new: list[Block]) -> dict[int, int]:
    if len(old) == len(new):
        return {p.id: b.number for p, b in zip(old, new, strict=True) if p.kind == b.kind}
    # In order, each old paragraph against the next few new ones only (a paragraph moved
    # further is found by its quote in _reanchor): linear in the run's length, not
    # quadratic, and the cheap upper bounds of the ratio skip most full comparisons.
    found, start = {}, 0
    for paragraph in old:
        best, at = SIMILAR, None
        for i in range(start, min(start + WINDOW, len(new))):
            if new[i].kind != paragraph.kind:
                continue
            matcher = difflib.SequenceMatcher(None, paragraph.text, new[i].text)
            if matcher.real_quick_ratio() < best or matcher.quick_ratio() < best:
                continue
            ratio = matcher.ratio()
            if ratio >= best and (at is None or ratio > best):
                best, at = ratio, i
        if at is not None:
            found[paragraph.id] = new[at].number
            start = at + 1
    return found


@dataclass
class EditionPlan:
    """A new edition worked out in memory, from reads only: what write_edition will write.

    Plain values (no rows), so it outlives the transaction that read them.
    """

    document_id: int
    blocks: list[Block]
    aligned: dict[int, int]  # old paragraph id -> new number
    report: EditionReport
    rewrites: list[tuple[int, QuestionSpec]] = field(default_factory=list)  # question id
    flags: list[tuple[int, str, dict]] = field(default_factory=list)  # id, note, detail
    text: str | None = None  # the new source, when it is kept with the document
    fmt: str | None = None


def new_edition(document: Document, text: str, fmt: str | None = None) -> EditionReport:
    """Replace the document's text and re-anchor every question citing it."""
    plan = plan_edition(document, text, fmt)
    write_edition(plan)
    return plan.report


def plan_edition(document: Document, text: str, fmt: str | None = None) -> EditionPlan:
    """The new edition of ``document`` from ``text``, worked out without writing."""
    fmt = fmt or document.format
    plan = plan_blocks(document, parse_text(text, fmt))
    plan.text, plan.fmt = text, fmt
    return plan


def apply_edition(document: Document, blocks: list[Block]) -> EditionReport:
    """Give the document the paragraphs ``blocks`` and re-anchor its questions' citations."""
    plan = plan_blocks(document, blocks)
    write_edition(plan)
    return plan.report


def plan_blocks(document: Document, blocks: list[Block]) -> EditionPlan:
    rows = db.session.execute(db.select(Paragraph).filter_by(document_id=document.id)
                              .order_by(Paragraph.number)).scalars().all()
    old_text = {p.id: (p.number, p.text) for p in rows}
    live = [p for p in rows if p.hash]  # rows kept past the end for old citations have no hash
    aligned = align(live, blocks)
    report = EditionReport(edition=(document.edition or 1) + 1)
    by_number = {b.number: b for b in blocks}
    report.changed = sum(1 for p in live if p.id in aligned
                         and by_number[aligned[p.id]].hash != p.hash)
    report.added = len(blocks) - len(aligned)
    report.removed = len(live) - len(aligned)
    plan = EditionPlan(document.id, blocks, aligned, report)
    _reanchor(document, plan, old_text)
    return plan


def write_edition(plan: EditionPlan, written=None) -> None:
    """Write a planned edition: the paragraphs, then each re-anchored question.

    The paragraphs, the document's edition and the flags are switched at once. Questions
    whose quote moved are held out of new attempts ("needs review") in that same switch
    and come back with their new version, one by one: ``written(n)``, when given, is
    called after the switch (0) and after each question with how many are written; a
    job commits its batches there.
    Stopped halfway, every question is either re-anchored or held for review.
    """
    document = db.session.get(Document, plan.document_id)
    _renumber(document, plan.blocks, plan.aligned)
    document.edition = plan.report.edition
    if plan.text is not None:
        document.source_text, document.source_hash = plan.text, content_hash(plan.text)
        document.format = plan.fmt
    # Flags and holds are set-based too: an executemany of the flags' notes, then chunks.
    if plan.flags:
        db.session.execute(db.update(Question), [
            {"id": question_id, "note": note, "detail": detail}
            for question_id, note, detail in plan.flags])
    flagged = [question_id for question_id, _note, _detail in plan.flags]
    held = [question_id for question_id, _spec in plan.rewrites]
    for ids, values in ((flagged, {}), (held, {"detail": None, "note": (
            f"Edition {plan.report.edition} of the document moved its evidence quote; "
            "its new version citing the new place is being written. If this stays, "
            "open the question and save it.")})):
        for start in range(0, len(ids), 500):
            db.session.execute(
                db.update(Question).where(Question.id.in_(ids[start:start + 500]),
                                          Question.status != RETIRED)
                .values(status=NEEDS_REVIEW, **values)
                .execution_options(synchronize_session=False))
    for question in list(db.session.identity_map.values()):
        if isinstance(question, Question):
            db.session.expire(question)
    db.session.flush()
    if written is not None:
        written(0)  # the switch, in a batch of its own if it took long
    paragraphs = {p.number: p for p in db.session.execute(
        db.select(Paragraph).filter_by(document_id=document.id)).scalars()}
    origin = f"edition {plan.report.edition}: re-anchored"
    for n, (question_id, spec) in enumerate(plan.rewrites, start=1):
        question = db.session.get(Question, question_id)
        write_version(question, spec, origin, paragraphs=paragraphs)
        if written is not None:
            written(n)  # a commit there expires the paragraphs: each reloads when next cited
    db.session.flush()


def _renumber(document, blocks, aligned) -> None:
    """Give the document's rows the numbers and text of ``blocks``. Run in the switch, with
    the write lock held, so set-based: one UPDATE moves every row out of the unique
    (document, number)'s way, then an executemany each sets the aligned rows, inserts the
    new ones and parks those that left the text. The session's objects are expired."""
    ids = db.session.execute(db.select(Paragraph.id).filter_by(document_id=document.id)
                             ).scalars().all()
    db.session.execute(db.update(Paragraph).filter_by(document_id=document.id)
                       .values(number=-Paragraph.id)
                       .execution_options(synchronize_session=False))
    by_number = {b.number: b for b in blocks}
    kept = [dict(_columns(by_number[aligned[pid]]), id=pid) for pid in ids if pid in aligned]
    if kept:
        db.session.execute(db.update(Paragraph), kept)
    taken = set(aligned.values())
    added = [dict(_columns(b), document_id=document.id) for b in blocks
             if b.number not in taken]
    if added:
        db.session.execute(db.insert(Paragraph), added)
    gone = [pid for pid in ids if pid not in aligned]
    cited = set()
    for start in range(0, len(gone), 500):
        cited.update(db.session.execute(
            db.select(Citation.paragraph_id).distinct()
            .where(Citation.paragraph_id.in_(gone[start:start + 500]))).scalars())
    unused = [pid for pid in gone if pid not in cited]
    for start in range(0, len(unused), 500):
        db.session.execute(db.delete(Paragraph).where(Paragraph.id.in_(unused[start:start + 500]))
                           .execution_options(synchronize_session=False))
    # Gone from the text but cited by past versions: kept after the end, without a hash so
    # the next edition does not align anything with it.
    parked = [{"id": pid, "number": len(blocks) + n, "hash": ""}
              for n, pid in enumerate((pid for pid in gone if pid in cited), start=1)]
    if parked:
        db.session.execute(db.update(Paragraph), parked)
    deleted = set(unused)
    for held in list(db.session.identity_map.values()):
        if isinstance(held, Paragraph):
            (db.session.expunge if held.id in deleted else db.session.expire)(held)
    db.session.expire(document, ["paragraphs"])


def _columns(block: Block) -> dict:
    return {"number": block.number, "kind": block.kind, "level": block.level,
            "section": block.section, "text": block.text, "hash": block.hash}


def _reanchor(document, plan: EditionPlan, old_text) -> None:
    # Each paragraph normalised once; a quote is looked for with str's own search, in its
    # paragraph first, then outwards from there: no paragraph normalised per quote.
    blocks, aligned, report = plan.blocks, plan.aligned, plan.report
    texts = {b.number: normalise(b.text) for b in blocks if b.kind != HEADING}
    by_old = {number: pid for pid, (number, _text) in old_text.items()}
    questions = db.session.execute(db.select(Question).filter_by(document_id=document.id)
                                   .options(selectinload(Question.current)
                                            .selectinload(QuestionVersion.citations))
                                   ).scalars().all()
    for question in questions:
        version = question.current
        if version is None or not version.citations or question.status == DRAFT:
            continue
        moves, flags, specs = [], [], []
        for citation in version.citations:
            old_number = old_text[citation.paragraph_id][0]
            here = aligned.get(citation.paragraph_id)
            needle = normalise(citation.quote)
            if here is not None and needle and needle in texts.get(here, ""):
                specs.append(CitationSpec(here, citation.quote, citation.part))
                continue
            target = _nearest(texts, needle, here or old_number, len(blocks))
            if target is None:
                flags.append(Flagged(question.key, citation.part, citation.quote, old_number,
                                     here))
            else:
                moves.append(Moved(question.key, citation.part, citation.quote, old_number,
                                   target))
                specs.append(CitationSpec(target, citation.quote, citation.part))
        if flags:
            plan.flags.append((question.id, *_flag(flags, old_text, by_old, version,
                                                   report.edition)))
            report.flagged += flags
        elif moves:
            plan.rewrites.append((question.id, _spec(question, version, specs, document.slug)))
            report.moved += moves
        else:
            report.unchanged_questions += 1


def _nearest(texts: dict[int, str], needle: str, number: int, last: int) -> int | None:
    """The number of the citable paragraph nearest ``number`` whose normalised text holds
    ``needle`` (the earlier of two as near), or None."""
    if not needle:
        return None
    for distance in range(max(number - 1, last - number) + 1):
        for candidate in (number - distance, number + distance):
            if needle in texts.get(candidate, ""):
                return candidate
    return None


def _spec(question, version, citations, slug) -> QuestionSpec:
    return QuestionSpec(id=question.key, type=version.type, prompt=version.prompt,
                        explanation=version.explanation, tags=list(version.tags),
                        marks=version.marks, data=version.data, citations=citations,
                        document=slug, path="", line=0)


def _flag(flags, old_text, by_old, version, edition) -> tuple[str, dict]:
    """The note and detail of a question whose quote is no longer found."""
    where = ", ".join(f"p{f.old}" + (f" ({f.part})" if f.part else "") for f in flags)
    note = (f"Edition {edition} of the document: the evidence quote is no longer "
            f"found ({where}). Choose a paragraph and quote, or retire the question.")
    texts = {c.paragraph_id: c.checked_text for c in version.citations}
    return note, {"edition": edition, "flags": [
        {"part": f.part, "quote": f.quote, "old": f.old, "new": f.new,
         "old_text": texts.get(by_old.get(f.old), old_text.get(by_old.get(f.old), ("", ""))[1])}
        for f in flags]}
