"""Reading one document's folder: ``document.yaml`` and the source text it names."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..docparse import parse_document
from ..types import text_of
from ..yamlines import LineDict, YamlError, load_yaml
from .specs import DOCUMENT_FILE, MAX_TITLE, BankError, DocumentSpec


def read_document(folder: Path, errors: list[BankError]) -> DocumentSpec | None:
    """Read ``folder/document.yaml`` and the source text it names."""
    meta_path = folder / DOCUMENT_FILE
    try:
        meta = load_yaml(meta_path.read_text(encoding="utf-8"))
    except (YamlError, UnicodeDecodeError, OSError) as exc:
        errors.append(BankError(str(meta_path), getattr(exc, "line", 0), file_problem(exc)))
        return None
    if not isinstance(meta, LineDict):
        errors.append(BankError(str(meta_path), 1, "expected a mapping of document fields"))
        return None
    before = len(errors)

    def fail(line: int, message: str, key: str) -> None:
        errors.append(BankError(str(meta_path), line, message, field=key))

    for key in ("title", "source"):
        if not text_of(meta.get(key)):
            fail(meta.line, f"missing field '{key}'", key)
    if len(text_of(meta.get("title"))) > MAX_TITLE:
        fail(meta.line_of("title"), f"the title is longer than {MAX_TITLE} characters", "title")
    fmt = text_of(meta.get("format")) or "text"
    if fmt not in ("text", "markdown"):
        fail(meta.line_of("format"), f"format must be 'text' or 'markdown', not '{fmt}'",
             "format")
    if len(errors) > before:
        return None
    source_path = folder / text_of(meta["source"])
    if not inside(source_path, folder):
        fail(meta.line_of("source"), f"source '{meta['source']}' must be a file in the "
             f"document's folder '{folder.name}'", "source")
        return None
    try:
        text = source_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(meta.line_of("source"), f"cannot read source '{meta['source']}': "
             f"{file_problem(exc)}", "source")
        return None
    levels = meta.get("heading_levels") or {}
    blocks = parse_document(text, fmt, levels if isinstance(levels, Mapping) else {})
    if not blocks:
        errors.append(BankError(str(source_path), 0, "the document has no text"))
        return None
    return DocumentSpec(
        slug=folder.name, title=text_of(meta["title"]), text=text, format=fmt,
        language=text_of(meta.get("language")) or "en", origin=text_of(meta.get("origin")),
        attribution=text_of(meta.get("attribution")), blocks=blocks, path=str(meta_path),
        course=text_of(meta.get("course")),
    )


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path``, every symbolic link followed, lies within ``folder``: a
    document's source may not reach outside its folder (``../instance/secret_key``)."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError, ValueError):  # a link loop, a NUL in the name
        return False


def file_problem(exc: Exception) -> str:
    """What is wrong with a file that could not be read or parsed, in words."""
    if isinstance(exc, YamlError):
        return f"not valid YAML: {exc.message}"
    if isinstance(exc, UnicodeDecodeError):
        return "the file is not UTF-8 text"
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
