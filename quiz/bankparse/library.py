"""Reading a library: the documents of a questions folder and the bank files beside them,
each bank file checked entry by entry, then the checks that need every bank at once."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..textmatch import QuoteFinder
from ..types import text_of
from ..yamlines import LineDict, YamlError, load_yaml
from .documents import file_problem, read_document
from .questions import QuestionChecker
from .quizzes import check_quiz, check_selections
from .specs import DOCUMENT_FILE, BankError, DocumentSpec, Library, QuestionSpec, QuizSpec

MAX_BANK_BYTES = 4 * 1024 * 1024


class NotALibrary(ValueError):
    """A path that holds nothing a check could read: no document and no bank."""


def parse_bank(path: str, text: str, documents: Mapping[str, DocumentSpec]
               ) -> tuple[list[QuestionSpec], list[QuizSpec], list[BankError]]:
    """Check one bank file's text; return (questions, quizzes, errors)."""
    errors: list[BankError] = []
    try:
        root = load_yaml(text)
    except YamlError as exc:
        return [], [], [BankError(path, exc.line, f"not valid YAML: {exc.message}")]
    if not isinstance(root, LineDict):
        return [], [], [BankError(path, 1, "a bank must be a mapping with 'document', "
                                  "'questions' and 'quizzes'")]
    slug = text_of(root.get("document"))
    document = documents.get(slug)
    if document is None:
        known = ", ".join(sorted(documents)) or "none"
        return [], [], [BankError(
            path, root.line_of("document"),
            f"unknown document '{slug}' (documents: {known})" if slug
            else "missing field 'document' (the slug of the document it cites)",
            field="document")]
    for key in set(root) - {"document", "questions", "quizzes"}:
        errors.append(BankError(path, root.line_of(key), f"unknown field '{key}'", field=key))
    checker = QuestionChecker(path)
    question_entries = _entries(root, "questions", path, errors)
    questions = [q for q in (checker.question(e, document) for e in question_entries) if q]
    errors += checker.errors
    quizzes = [z for z in (check_quiz(e, slug, path, errors)
                           for e in _entries(root, "quizzes", path, errors)) if z]
    return questions, quizzes, errors


def _entries(root: LineDict, key: str, path: str, errors: list[BankError]) -> list[LineDict]:
    value = root.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        errors.append(BankError(path, root.line_of(key), f"'{key}' must be a list", field=key))
        return []
    good = []
    for index, entry in enumerate(value):
        if isinstance(entry, LineDict):
            good.append(entry)
        else:
            errors.append(BankError(path, root.line_of(key), f"every entry in '{key}' must be "
                                    "a mapping", field=f"{key}[{index}]"))
    return good


def read_library(root: Path, only: Path | None = None) -> Library:
    """Read every document under ``root`` and its banks (or only the bank or folder ``only``)."""
    documents = sorted(p for p in root.iterdir() if (p / DOCUMENT_FILE).is_file())
    banks = sorted(p for p in root.glob("*/*.yaml") if p.name != DOCUMENT_FILE)
    if only is not None:
        only = only.resolve()
        banks = [p for p in banks if p.resolve() == only or only in p.resolve().parents]
        if only.is_file() and only not in [p.resolve() for p in banks]:
            banks.append(only)
    return _read(documents, banks)


def read_path(root: Path, path: Path) -> Library:
    """The library ``path`` holds, for checking it where it is.

    Inside ``root`` (the configured questions folder) it selects that library's banks;
    elsewhere it is a library of its own: a questions-style folder (one folder per
    document), one document's folder, or a bank file, checked against the documents
    beside it (in its document's folder) or else those under ``root``.
    """
    root, path = root.resolve(), path.resolve()
    inside = path == root or root in path.parents
    if path.is_file():
        if not inside and (path.parent / DOCUMENT_FILE).is_file():
            return _read([path.parent], [path])
        return read_library(root, path)
    if inside:
        # Banks live one folder down (root/*/*.yaml), as read_library reads them.
        if path == root or (path / DOCUMENT_FILE).is_file() or (
                path.parent == root and _banks_in(path)):
            return read_library(root, path)
    elif (path / DOCUMENT_FILE).is_file():
        return _read([path], _banks_in(path))
    elif any((p / DOCUMENT_FILE).is_file() for p in path.iterdir()):
        return read_library(path)
    raise NotALibrary(
        f"{path} holds no document and no bank: give a questions folder (one folder per "
        f"document, each with its {DOCUMENT_FILE}), one document's folder, or a bank file")


def _banks_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if p.name != DOCUMENT_FILE)


def _read(folders: list[Path], banks: list[Path]) -> Library:
    """Read the documents of ``folders``, then check ``banks`` against them."""
    library = Library()
    for folder in folders:
        document = read_document(folder, library.errors)
        if document:
            library.documents[document.slug] = document
    for path in banks:
        if path.stat().st_size > MAX_BANK_BYTES:
            library.errors.append(BankError(str(path), 0, f"the file is larger than "
                                            f"{MAX_BANK_BYTES // 1024 // 1024} MB"))
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            library.errors.append(BankError(str(path), 0, file_problem(exc)))
            continue
        questions, quizzes, errors = parse_bank(str(path), text, library.documents)
        library.questions += questions
        library.quizzes += quizzes
        library.errors += errors
    _check_unique_ids(library)
    check_selections(library)
    library.questions = in_document_order(library.questions, library.documents)
    return library


def _check_unique_ids(library: Library) -> None:
    seen: dict[str, QuestionSpec] = {}
    for q in library.questions:
        if q.id in seen:
            first = seen[q.id]
            library.errors.append(BankError(q.path, q.line, f"duplicate id (first defined at "
                                            f"{first.path}:{first.line})", q.id, "id"))
        seen.setdefault(q.id, q)


def in_document_order(questions: list[QuestionSpec], documents: Mapping[str, DocumentSpec]
                      ) -> list[QuestionSpec]:
    """Questions in the order of what they cite: by document, the paragraph of their first
    citation and where its quote starts in it; bank order among equals. The loader numbers
    questions in this order, and a quiz that keeps its order follows the document."""
    finder = QuoteFinder()
    texts = {slug: {b.number: b.text for b in d.blocks} for slug, d in documents.items()}

    def place(indexed: tuple[int, QuestionSpec]) -> tuple:
        index, q = indexed
        if not q.citations:
            return (q.document, 0, 0, index)
        cite = q.citations[0]
        span = finder.find(texts.get(q.document, {}).get(cite.paragraph, ""), cite.quote)
        return (q.document, cite.paragraph, span[0] if span else 0, index)

    return [q for _, q in sorted(enumerate(questions), key=place)]
