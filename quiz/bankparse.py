"""Read documents and question banks from the ``questions/`` folder and check them.

Everything here is pure reading and checking: nothing touches the database.
Each problem becomes a BankError naming the file, the line and the question.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .docparse import HEADING, Block, parse_document
from .drawing import Candidate, pool
from .quizsettings import check_settings
from .stats import GRADING_METHODS
from .textmatch import QuoteFinder
from .types import QUESTION_TYPES, get_type, text_of
from .yamlines import LineDict, YamlError, load_yaml

DOCUMENT_FILE = "document.yaml"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
COMMON_FIELDS = {"id", "type", "prompt", "explanation", "tags", "source", "marks", "status",
                 "exam_only"}
BANK_STATUSES = ("active", "draft", "retired")
SELECT_RULES = ("all", "section", "tags", "questions")
MAX_TITLE = 300
MAX_BANK_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class BankError:
    path: str
    line: int
    message: str
    question: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        who = f" question '{self.question}':" if self.question else ""
        return f"{where}:{who} {self.message}"


@dataclass
class DocumentSpec:
    slug: str
    title: str
    text: str
    format: str
    language: str
    origin: str
    attribution: str
    blocks: list[Block]
    path: str
    course: str = ""  # the code of the course it belongs to (empty: the default course)


@dataclass
class CitationSpec:
    paragraph: int
    quote: str
    part: str = ""


@dataclass
class QuestionSpec:
    id: str
    type: str
    prompt: str
    explanation: str
    tags: list[str]
    marks: float
    data: dict
    citations: list[CitationSpec]
    document: str
    path: str
    line: int
    status: str = ""  # "active", "draft" or "retired" when the bank says; empty: as it is
    exam_only: bool = False  # drawn only by quizzes that name it


@dataclass
class QuizSpec:
    id: str
    title: str
    description: str
    select: dict
    shuffle_questions: bool
    shuffle_choices: bool
    grading: str
    document: str
    path: str
    line: int
    settings: dict = field(default_factory=dict)  # Quiz column values: see quizsettings


@dataclass
class Library:
    documents: dict[str, DocumentSpec] = field(default_factory=dict)
    questions: list[QuestionSpec] = field(default_factory=list)
    quizzes: list[QuizSpec] = field(default_factory=list)
    errors: list[BankError] = field(default_factory=list)


def read_document(folder: Path, errors: list[BankError]) -> DocumentSpec | None:
    """Read ``folder/document.yaml`` and the source text it names."""
    meta_path = folder / DOCUMENT_FILE
    try:
        meta = load_yaml(meta_path.read_text(encoding="utf-8"))
    except (YamlError, UnicodeDecodeError, OSError) as exc:
        errors.append(BankError(str(meta_path), getattr(exc, "line", 0), _reason(exc)))
        return None
    if not isinstance(meta, LineDict):
        errors.append(BankError(str(meta_path), 1, "expected a mapping of document fields"))
        return None
    before = len(errors)
    for key in ("title", "source"):
        if not text_of(meta.get(key)):
            errors.append(BankError(str(meta_path), meta.line, f"missing field '{key}'"))
    if len(text_of(meta.get("title"))) > MAX_TITLE:
        errors.append(BankError(str(meta_path), meta.line_of("title"),
                                f"the title is longer than {MAX_TITLE} characters"))
    fmt = text_of(meta.get("format")) or "text"
    if fmt not in ("text", "markdown"):
        errors.append(BankError(str(meta_path), meta.line_of("format"),
                                f"format must be 'text' or 'markdown', not '{fmt}'"))
    if len(errors) > before:
        return None
    source_path = folder / text_of(meta["source"])
    if not inside(source_path, folder):
        errors.append(BankError(str(meta_path), meta.line_of("source"),
                                f"source '{meta['source']}' must be a file in the "
                                f"document's folder '{folder.name}'"))
        return None
    try:
        text = source_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        errors.append(BankError(str(meta_path), meta.line_of("source"),
                                f"cannot read source '{meta['source']}': {_reason(exc)}"))
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


def _reason(exc: Exception) -> str:
    if isinstance(exc, YamlError):
        return f"not valid YAML: {exc.message}"
    if isinstance(exc, UnicodeDecodeError):
        return "the file is not UTF-8 text"
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)


class Checker:
    """Checks one bank file; collects errors rather than stopping at the first."""

    def __init__(self, path: str, documents: Mapping[str, DocumentSpec]):
        self.path = path
        self.documents = documents
        self.errors: list[BankError] = []
        self.quotes = QuoteFinder()
        self.blocks: dict[str, dict[int, Block]] = {}  # by document slug, then number

    def error(self, line: int, message: str, question: str = "") -> None:
        self.errors.append(BankError(self.path, line, message, question))

    def parse(self, text: str) -> tuple[list[QuestionSpec], list[QuizSpec]]:
        try:
            root = load_yaml(text)
        except YamlError as exc:
            self.error(exc.line, f"not valid YAML: {exc.message}")
            return [], []
        if not isinstance(root, LineDict):
            self.error(1, "a bank must be a mapping with 'document', 'questions' and 'quizzes'")
            return [], []
        slug = text_of(root.get("document"))
        document = self.documents.get(slug)
        if document is None:
            known = ", ".join(sorted(self.documents)) or "none"
            self.error(root.line_of("document"),
                       f"unknown document '{slug}' (documents: {known})" if slug
                       else "missing field 'document' (the slug of the document it cites)")
            return [], []
        for key in set(root) - {"document", "questions", "quizzes"}:
            self.error(root.line_of(key), f"unknown field '{key}'")
        questions = [q for q in (self.question(e, document) for e in
                                 self.entries(root, "questions")) if q]
        quizzes = [z for z in (self.quiz(e, slug) for e in self.entries(root, "quizzes")) if z]
        return questions, quizzes

    def entries(self, root: LineDict, key: str) -> list[LineDict]:
        value = root.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(root.line_of(key), f"'{key}' must be a list")
            return []
        good = []
        for entry in value:
            if isinstance(entry, LineDict):
                good.append(entry)
            else:
                self.error(root.line_of(key), f"every entry in '{key}' must be a mapping")
        return good

    def question(self, entry: LineDict, document: DocumentSpec) -> QuestionSpec | None:
        before = len(self.errors)
        qid = text_of(entry.get("id"))
        if not qid:
            self.error(entry.line, "missing field 'id'")
        elif not ID_PATTERN.match(qid):
            self.error(entry.line_of("id"), f"id '{qid}' must be lower-case letters, digits, "
                       "'.', '_' or '-' (at most 80)", qid)

        def report(message: str, key: str | None = None) -> None:
            self.error(entry.line_of(key) if key else entry.line, message, qid)

        qtype = text_of(entry.get("type"))
        kind = QUESTION_TYPES.get(qtype)
        if kind is None:
            report(f"unknown type '{qtype}' (types: {', '.join(sorted(QUESTION_TYPES))})"
                   if qtype else "missing field 'type'", "type")
        for key in ("prompt", "explanation"):
            if not text_of(entry.get(key)):
                report(f"missing field '{key}'", key)
        tags = entry.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) and t for t in tags):
            report("'tags' must be a list of words", "tags")
            tags = []
        marks = entry.get("marks", 1)
        if isinstance(marks, bool) or not isinstance(marks, int | float) or marks <= 0:
            report("'marks' must be a number above zero", "marks")
        if "status" in entry and entry["status"] not in BANK_STATUSES:
            report("'status' must be " + " or ".join(BANK_STATUSES), "status")
        if not isinstance(entry.get("exam_only", False), bool):
            report("'exam_only' must be true or false", "exam_only")
        if kind is not None:
            for key in set(entry) - COMMON_FIELDS - get_type(qtype).fields:
                report(f"unknown field '{key}' for type {qtype}", key)
            for key in _boolean_texts(entry, qtype):
                report(f"'{key}' holds an unquoted yes/no/on/off/true/false, which YAML reads "
                       "as true or false; put the text in quotes", key)
            kind.check(entry, report)
        citations = self.citations(entry, "source", "", document, qid, required=True)
        if kind is not None and len(self.errors) == before:
            for part, _source, node in kind.citation_parts(entry):
                citations += self.citations(node, "source", part, document, qid)
        if len(self.errors) > before:
            return None
        return QuestionSpec(
            id=qid, type=qtype, prompt=text_of(entry["prompt"]),
            explanation=text_of(entry["explanation"]), tags=[t.strip() for t in tags],
            marks=float(marks), data=kind.data(entry), citations=citations,
            document=document.slug, path=self.path, line=entry.line,
            status=text_of(entry.get("status")), exam_only=entry.get("exam_only", False),
        )

    def citations(self, node, key, part, document, qid, required=False) -> list[CitationSpec]:
        """Check the citations under ``node[key]``: each paragraph exists and holds its quote."""
        source = node.get(key)
        where = f" of {part}" if part else ""
        if source is None:
            if required:
                self.error(node.line, "missing field 'source' (paragraph and evidence quote)",
                           qid)
            return []
        if isinstance(source, Mapping):
            source = [source]
        if not isinstance(source, list) or not source:
            self.error(node.line_of(key), f"'source'{where} must be a citation or a list of "
                       "them", qid)
            return []
        found = []
        if document.slug not in self.blocks:
            self.blocks[document.slug] = {b.number: b for b in document.blocks}
        by_number = self.blocks[document.slug]
        for cite in source:
            line = cite.line if isinstance(cite, LineDict) else node.line_of(key)
            if not isinstance(cite, Mapping):
                self.error(line, f"a citation{where} must have 'paragraph' and 'quote'", qid)
                continue
            number = _paragraph_number(cite.get("paragraph"))
            quote = text_of(cite.get("quote"))
            block = by_number.get(number)
            if number is None:
                problem = (f"citation{where} needs 'paragraph' (a number such as 12 or an "
                           "anchor such as p12)")
            elif block is None:
                problem = (f"paragraph p{number} does not exist in document "
                           f"'{document.slug}' (it has p1 to p{len(document.blocks)})")
            elif block.kind == HEADING:
                problem = f"p{number} is a heading; cite the paragraph that states the fact"
            elif not quote:
                problem = f"citation{where} of p{number} needs a 'quote'"
            elif self.quotes.find(block.text, quote) is None:
                problem = f"quote{where} not found in p{number}: \"{quote}\""
            else:
                found.append(CitationSpec(number, quote, part))
                continue
            self.error(line, problem, qid)
        return found

    def quiz(self, entry: LineDict, slug: str) -> QuizSpec | None:
        before = len(self.errors)
        zid = text_of(entry.get("id"))
        if not zid or not ID_PATTERN.match(zid):
            self.error(entry.line_of("id"), f"quiz id '{zid}' must be lower-case letters, digits, "
                       "'.', '_' or '-'" if zid else "quiz is missing field 'id'")
        if not text_of(entry.get("title")):
            self.error(entry.line, f"quiz '{zid}' is missing field 'title'")
        elif len(text_of(entry["title"])) > MAX_TITLE:
            self.error(entry.line_of("title"), f"quiz '{zid}': the title is longer than "
                       f"{MAX_TITLE} characters")
        select = entry.get("select")
        if not isinstance(select, Mapping):
            self.error(entry.line_of("select"), f"quiz '{zid}' needs 'select' with one of: "
                       + ", ".join(SELECT_RULES))
        else:
            rules = [r for r in SELECT_RULES if r in select]
            if len(rules) != 1:
                self.error(entry.line_of("select"), f"quiz '{zid}': 'select' needs exactly one "
                           "of: " + ", ".join(SELECT_RULES))
            for key in set(select) - set(SELECT_RULES) - {"count"}:
                self.error(entry.line_of("select"), f"quiz '{zid}': unknown rule '{key}'")
            count = select.get("count")
            if count is not None and (isinstance(count, bool) or not isinstance(count, int)
                                      or count < 1):
                self.error(entry.line_of("select"), f"quiz '{zid}': 'count' must be a whole "
                           "number above zero")
        grading = text_of(entry.get("grading")) or "highest"
        if grading not in GRADING_METHODS:
            self.error(entry.line_of("grading"), f"quiz '{zid}': 'grading' must be one of "
                       + ", ".join(GRADING_METHODS))
        for key in ("shuffle_questions", "shuffle_choices"):
            if key in entry and not isinstance(entry[key], bool):
                self.error(entry.line_of(key), f"quiz '{zid}': '{key}' must be true or false")
        settings = check_settings(entry, lambda message, key: self.error(
            entry.line_of(key), f"quiz '{zid}': {message}"))
        if len(self.errors) > before:
            return None
        return QuizSpec(
            id=zid, title=text_of(entry["title"]), description=text_of(entry.get("description")),
            select=dict(select), shuffle_questions=entry.get("shuffle_questions", True),
            shuffle_choices=entry.get("shuffle_choices", True), grading=grading, document=slug,
            path=self.path, line=entry.line, settings=settings,
        )


TEXT_LISTS = ("choices", "answers", "items", "distractors")


def _boolean_texts(entry: Mapping, qtype: str) -> list[str]:
    """Fields whose texts YAML turned into booleans (Yes, No, on, off written bare)."""
    found = []
    for key in TEXT_LISTS:
        values = entry.get(key)
        if isinstance(values, list):
            texts = [v.get("text") if isinstance(v, Mapping) else v for v in values]
            if any(isinstance(t, bool) for t in texts):
                found.append(key)
    pairs = entry.get("pairs")
    if isinstance(pairs, list) and any(
            isinstance(p, Mapping) and (isinstance(p.get("left"), bool)
                                        or isinstance(p.get("right"), bool)) for p in pairs):
        found.append("pairs")
    if qtype != "true_false" and isinstance(entry.get("answer"), bool):
        found.append("answer")
    return found


def _paragraph_number(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    match = re.fullmatch(r"p?(\d+)", text_of(value))
    return int(match.group(1)) if match else None


def parse_bank(path: str, text: str, documents: Mapping[str, DocumentSpec]):
    """Check one bank file's text; return (questions, quizzes, errors)."""
    checker = Checker(path, documents)
    questions, quizzes = checker.parse(text)
    return questions, quizzes, checker.errors


def quiz_pool(quiz: QuizSpec, questions: list[QuestionSpec], blocks: list[Block]) -> list[str]:
    """The ids of the questions a quiz's selection rule admits."""
    section_of = {b.number: b.section for b in blocks}
    candidates = [
        Candidate(q.id, q.tags, section_of[q.citations[0].paragraph], q.exam_only)
        for q in questions if q.document == quiz.document
    ]
    return [c.key for c in pool(quiz.select, candidates)]


def _check_across(library: Library) -> None:
    """Checks that need every bank at once: unique ids and quiz selections."""
    seen: dict[str, QuestionSpec] = {}
    for q in library.questions:
        if q.id in seen:
            first = seen[q.id]
            library.errors.append(BankError(q.path, q.line, f"duplicate id (first defined at "
                                            f"{first.path}:{first.line})", q.id))
        seen.setdefault(q.id, q)
    quiz_seen: dict[str, QuizSpec] = {}
    for z in library.quizzes:
        def fail(message: str, z=z) -> None:
            library.errors.append(BankError(z.path, z.line, f"quiz '{z.id}': {message}"))

        if z.id in quiz_seen:
            fail(f"duplicate quiz id (first defined at {quiz_seen[z.id].path}:"
                 f"{quiz_seen[z.id].line})")
        quiz_seen.setdefault(z.id, z)
        blocks = library.documents[z.document].blocks
        select = z.select
        if "questions" in select:
            own = {q.id for q in library.questions if q.document == z.document}
            listed = select["questions"] if isinstance(select["questions"], list) else []
            for missing in [text_of(i) for i in listed if text_of(i) not in own]:
                fail(f"lists question '{missing}', which is not in document '{z.document}'")
        if "section" in select:
            known = {b.section for b in blocks if b.kind == HEADING}
            if text_of(select["section"]) not in known:
                fail(f"unknown section '{select['section']}' (sections: "
                     + ", ".join(sorted(known)) + ")")
                continue
        pool = quiz_pool(z, library.questions, blocks)
        if not pool:
            fail("its selection matches no questions")
        elif select.get("count") and select["count"] > len(pool):
            fail(f"asks for {select['count']} questions but its selection has only {len(pool)}")


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


class NotALibrary(ValueError):
    """A path that holds nothing a check could read: no document and no bank."""


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
            library.errors.append(BankError(str(path), 0, _reason(exc)))
            continue
        questions, quizzes, errors = parse_bank(str(path), text, library.documents)
        library.questions += questions
        library.quizzes += quizzes
        library.errors += errors
    _check_across(library)
    library.questions = in_document_order(library.questions, library.documents)
    return library


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
