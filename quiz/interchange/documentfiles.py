"""A stored document written back as a ``questions/<slug>/`` folder that banks can cite."""
from __future__ import annotations

from pathlib import Path

import yaml

from ..docparse import HEADING, ITEM
from ..models import Document

SUFFIX = {"text": "txt", "markdown": "md"}


def source_of(document: Document) -> tuple[str, str]:
    """The document's text and format: as uploaded, or rebuilt from its paragraphs.

    Rebuilt text is Markdown, which states heading levels, so it parses back to the
    same numbered paragraphs and sections.
    """
    if document.source_text:
        return document.source_text, document.format
    blocks = []
    for p in document.paragraphs:
        if not p.hash:  # kept only for old citations, no longer in the text
            continue
        if p.kind == HEADING:
            blocks.append(f"{'#' * max(1, min(p.level, 6))} {p.text}")
        elif p.kind == ITEM:
            blocks.append(f"- {p.text}")
        else:
            blocks.append(p.text)
    return "\n\n".join(blocks) + "\n", "markdown"


def write_folder(document: Document, folder: Path) -> list[Path]:
    """Write ``document.yaml`` and the source text into ``folder``; return the files."""
    text, fmt = source_of(document)
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"source.{SUFFIX[fmt]}"
    source.write_text(text, encoding="utf-8")
    meta = {"title": document.title, "source": source.name, "format": fmt,
            "language": document.language}
    if document.origin:
        meta["origin"] = document.origin
    if document.attribution:
        meta["attribution"] = document.attribution
    path = folder / "document.yaml"
    path.write_text(yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100),
                    encoding="utf-8")
    return [path, source]
