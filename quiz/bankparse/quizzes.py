"""Checking a bank's quiz entries: the selection rule, grading, shuffling and settings,
then, with every bank read, that each selection admits the questions it asks for."""
from __future__ import annotations

from collections.abc import Mapping

from ..docparse import HEADING, Block
from ..drawing import Candidate, named_keys, pool
from ..quizsettings import check_settings
from ..stats import GRADING_METHODS
from ..types import text_of
from ..words import did_you_mean
from ..yamlines import LineDict
from .specs import ID_PATTERN, MAX_TITLE, BankError, Library, QuestionSpec, QuizSpec

SELECT_RULES = ("all", "section", "tags", "questions", "blocks")
BLOCK_RULES = ("all", "section", "tags", "questions")


def check_select(select, fail, where: str = "select") -> None:
    """Errors in a selection rule, or in each block of a blocks rule."""
    rules = BLOCK_RULES if where != "select" else SELECT_RULES
    if not isinstance(select, Mapping):
        fail(f"'{where}' needs one of: " + ", ".join(rules), where)
        return
    found = [r for r in rules if r in select]
    if len(found) != 1:
        fail(f"'{where}' needs exactly one of: " + ", ".join(rules), where)
    for key in set(select) - set(rules) - {"count"}:
        fail(f"unknown rule '{key}'" + (f" in {where}" if where != "select" else ""), where)
    count = select.get("count")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int)
                              or count < 1):
        fail("'count' must be a whole number above zero", f"{where}.count")
    if "blocks" in select:
        blocks = select["blocks"]
        if count is not None:
            fail("a blocks rule gives each block its own 'count'", f"{where}.count")
        if not isinstance(blocks, list) or not blocks:
            fail("'blocks' must be a list of one or more blocks", "select.blocks")
            return
        for n, block in enumerate(blocks, start=1):
            check_select(block, fail, f"select.blocks.{n}")


def check_quiz(entry: LineDict, slug: str, path: str,
               errors: list[BankError]) -> QuizSpec | None:
    """The spec of a quiz entry of document ``slug``, or None after adding its errors."""
    before = len(errors)
    zid = text_of(entry.get("id"))

    def fail(message: str, key: str, line: int = 0) -> None:
        errors.append(BankError(path, line or entry.line_of(key.split(".")[0]), message,
                                field=key, quiz=zid))

    if not zid:
        errors.append(BankError(path, entry.line_of("id"), "quiz is missing field 'id'",
                                field="id"))
    elif not ID_PATTERN.match(zid):
        errors.append(BankError(path, entry.line_of("id"), f"quiz id '{zid}' must be lower-case "
                                "letters, digits, '.', '_' or '-'", field="id"))
    if not text_of(entry.get("title")):
        fail("missing field 'title'", "title", entry.line)
    elif len(text_of(entry["title"])) > MAX_TITLE:
        fail(f"the title is longer than {MAX_TITLE} characters", "title")
    select = entry.get("select")
    if not isinstance(select, Mapping):
        fail("needs 'select' with one of: " + ", ".join(SELECT_RULES), "select")
    else:
        check_select(select, fail)
    grading = text_of(entry.get("grading")) or "highest"
    if grading not in GRADING_METHODS:
        fail("'grading' must be one of " + ", ".join(GRADING_METHODS), "grading")
    for key in ("shuffle_questions", "shuffle_choices"):
        if key in entry and not isinstance(entry[key], bool):
            fail(f"'{key}' must be true or false", key)
    settings = check_settings(entry, fail)
    if len(errors) > before:
        return None
    return QuizSpec(
        id=zid, title=text_of(entry["title"]), description=text_of(entry.get("description")),
        select=plain(select), shuffle_questions=entry.get("shuffle_questions", True),
        shuffle_choices=entry.get("shuffle_choices", True), grading=grading, document=slug,
        path=path, line=entry.line, settings=settings,
    )


def plain(value):
    """A selection rule as plain dicts and lists (blocks included)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def quiz_pool(quiz: QuizSpec, questions: list[QuestionSpec], blocks: list[Block]) -> list[str]:
    """The ids of the questions a quiz's selection rule admits."""
    section_of = {b.number: b.section for b in blocks}
    candidates = [
        Candidate(q.id, q.tags, section_of[q.citations[0].paragraph], q.exam_only)
        for q in questions if q.document == quiz.document
    ]
    return [c.key for c in pool(quiz.select, candidates)]


def check_selections(library: Library) -> None:
    """Checks that need every bank at once: unique quiz ids, and selections that admit
    the questions they ask for."""
    quiz_seen: dict[str, QuizSpec] = {}
    for z in library.quizzes:
        def fail(message: str, key: str = "select", z=z) -> None:
            library.errors.append(BankError(z.path, z.line, message, field=key, quiz=z.id))

        if z.id in quiz_seen:
            fail(f"duplicate quiz id (first defined at {quiz_seen[z.id].path}:"
                 f"{quiz_seen[z.id].line})", "id")
        quiz_seen.setdefault(z.id, z)
        blocks = library.documents[z.document].blocks
        select = z.select
        parts = select["blocks"] if "blocks" in select else [select]
        where = "select.blocks." if "blocks" in select else "select."
        unknown = False
        for part in parts:
            if "questions" in part:
                own = {q.id for q in library.questions if q.document == z.document}
                listed = part["questions"] if isinstance(part["questions"], list) else []
                for missing in [text_of(i) for i in listed if text_of(i) not in own]:
                    fail(f"lists question '{missing}', which is not in document "
                         f"'{z.document}'" + did_you_mean(missing, own), where + "questions")
            if "section" in part:
                known = {b.section for b in blocks if b.kind == HEADING}
                if text_of(part["section"]) not in known:
                    fail(f"unknown section '{part['section']}' (sections: "
                         + ", ".join(sorted(known)) + ")", where + "section")
                    unknown = True
        if unknown:
            continue
        if "blocks" in select:
            _check_blocks(z, library, fail)
            continue
        admitted = quiz_pool(z, library.questions, blocks)
        if not admitted:
            fail("its selection matches no questions")
        elif select.get("count") and select["count"] > len(admitted):
            fail(f"asks for {select['count']} questions but its selection has only "
                 f"{len(admitted)}", "select.count")


def _check_blocks(z: QuizSpec, library: Library, fail) -> None:
    """Each block of a blocks rule admits questions, and as many as its count asks for
    besides the questions the rule names."""
    section_of = {b.number: b.section for b in library.documents[z.document].blocks}
    candidates = [Candidate(q.id, q.tags, section_of[q.citations[0].paragraph], q.exam_only)
                  for q in library.questions if q.document == z.document]
    named = named_keys(z.select)
    for n, block in enumerate(z.select["blocks"], start=1):
        admitted = [c for c in pool(block, candidates)
                    if "questions" in block or c.key not in named]
        if not admitted:
            fail(f"block {n} of its selection matches no questions", f"select.blocks.{n}")
        elif block.get("count") and block["count"] > len(admitted):
            fail(f"block {n} asks for {block['count']} questions but has only "
                 f"{len(admitted)} not named elsewhere", f"select.blocks.{n}.count")
