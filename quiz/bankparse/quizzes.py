"""Checking a bank's quiz entries: the selection rule, grading, shuffling and settings,
then, with every bank read, that each selection admits the questions it asks for."""
from __future__ import annotations

from collections.abc import Mapping

from ..docparse import HEADING, Block
from ..drawing import Candidate, pool
from ..quizsettings import check_settings
from ..stats import GRADING_METHODS
from ..types import text_of
from ..words import did_you_mean
from ..yamlines import LineDict
from .specs import ID_PATTERN, MAX_TITLE, BankError, Library, QuestionSpec, QuizSpec

SELECT_RULES = ("all", "section", "tags", "questions")


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
        rules = [r for r in SELECT_RULES if r in select]
        if len(rules) != 1:
            fail("'select' needs exactly one of: " + ", ".join(SELECT_RULES), "select")
        for key in set(select) - set(SELECT_RULES) - {"count"}:
            fail(f"unknown rule '{key}'", "select")
        count = select.get("count")
        if count is not None and (isinstance(count, bool) or not isinstance(count, int)
                                  or count < 1):
            fail("'count' must be a whole number above zero", "select.count")
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
        select=dict(select), shuffle_questions=entry.get("shuffle_questions", True),
        shuffle_choices=entry.get("shuffle_choices", True), grading=grading, document=slug,
        path=path, line=entry.line, settings=settings,
    )


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
        if "questions" in select:
            own = {q.id for q in library.questions if q.document == z.document}
            listed = select["questions"] if isinstance(select["questions"], list) else []
            for missing in [text_of(i) for i in listed if text_of(i) not in own]:
                fail(f"lists question '{missing}', which is not in document '{z.document}'"
                     + did_you_mean(missing, own), "select.questions")
        if "section" in select:
            known = {b.section for b in blocks if b.kind == HEADING}
            if text_of(select["section"]) not in known:
                fail(f"unknown section '{select['section']}' (sections: "
                     + ", ".join(sorted(known)) + ")", "select.section")
                continue
        admitted = quiz_pool(z, library.questions, blocks)
        if not admitted:
            fail("its selection matches no questions")
        elif select.get("count") and select["count"] > len(admitted):
            fail(f"asks for {select['count']} questions but its selection has only "
                 f"{len(admitted)}", "select.count")
