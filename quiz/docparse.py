"""Split a source document into numbered headings, paragraphs and list items.

Pure functions: text in, blocks out. Every non-blank block gets a number (its
position in the document, from 1) that becomes its anchor ``p<number>``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .textmatch import content_hash, slugify

HEADING, PARAGRAPH, ITEM = "heading", "paragraph", "item"
FORMATS = ("text", "markdown")

_LIST_MARK = re.compile(r"^\s*[-*+]\s+")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FINAL_PUNCTUATION = tuple(".,:;!?\"'’”)…")
MAX_HEADING_WORDS = 12


@dataclass(frozen=True)
class Block:
    number: int
    kind: str
    text: str
    level: int = 0  # heading level; 0 for paragraphs and items
    section: str = ""  # slug path of the section the block belongs to
    hash: str = field(default="", compare=False)

    @property
    def anchor(self) -> str:
        return f"p{self.number}"


def looks_like_heading(line: str) -> bool:
    """A plain-text heading: a short line with no final punctuation."""
    words = line.split()
    return 0 < len(words) <= MAX_HEADING_WORDS and not line.rstrip().endswith(_FINAL_PUNCTUATION)


def _plain_blocks(text: str) -> list[tuple[str, str, int]]:
    raw: list[tuple[str, str, int]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if _LIST_MARK.match(line):
            raw.append((ITEM, _LIST_MARK.sub("", line, count=1), 0))
        elif looks_like_heading(line):
            raw.append((HEADING, line, 1 if not raw else 2))
        else:
            raw.append((PARAGRAPH, line, 0))
    return raw


def _markdown_blocks(text: str) -> list[tuple[str, str, int]]:
    raw: list[tuple[str, str, int]] = []
    buffer: list[str] = []
    buffer_kind = PARAGRAPH

    def flush() -> None:
        if buffer:
            raw.append((buffer_kind, " ".join(buffer), 0))
            buffer.clear()

    for line in text.splitlines():
        stripped = line.strip()
        heading = _MD_HEADING.match(stripped)
        if not stripped:
            flush()
        elif heading:
            flush()
            raw.append((HEADING, heading.group(2), len(heading.group(1))))
        elif _LIST_MARK.match(line):
            flush()
            buffer_kind = ITEM
            buffer.append(_LIST_MARK.sub("", stripped, count=1))
        else:
            if not buffer:
                buffer_kind = PARAGRAPH
            buffer.append(stripped)
    flush()
    return raw


def parse_document(text: str, fmt: str = "text", heading_levels: dict | None = None) -> list[Block]:
    """Parse ``text`` (``fmt`` is "text" or "markdown") into numbered blocks.

    ``heading_levels`` maps a heading's text to its level, for plain text where
    the layout cannot tell a sub-heading from a heading.
    """
    raw = _markdown_blocks(text) if fmt == "markdown" else _plain_blocks(text)
    levels = heading_levels or {}
    blocks: list[Block] = []
    path: list[tuple[int, str]] = []  # open headings as (level, slug)
    for number, (kind, body, level) in enumerate(raw, start=1):
        if kind == HEADING:
            level = int(levels.get(body, level))
            while path and path[-1][0] >= level:
                path.pop()
            # A level-1 heading is the document's title: its section holds only the lead.
            parent = [slug for lvl, slug in path if lvl > 1]
            path.append((level, slugify(body)))
            section = "/".join(parent + [slugify(body)])
        else:
            inner = [slug for lvl, slug in path if lvl > 1] or [slug for _, slug in path[:1]]
            section = "/".join(inner)
        blocks.append(Block(number, kind, body, level, section, content_hash(body)))
    return blocks


def sections(blocks: list[Block]) -> list[Block]:
    """The headings, each standing for the section it opens."""
    return [b for b in blocks if b.kind == HEADING]


def in_section(block_section: str, section: str) -> bool:
    """Whether a block filed under ``block_section`` lies within ``section`` (or below it)."""
    return block_section == section or block_section.startswith(section + "/")
