"""The instructor's reports: gradebook, quiz overview, item and paragraph analysis.

Each report is a handful of queries and one pass over their rows in Python,
never a query per learner or per question.
"""
from __future__ import annotations

import gc
import math
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter, itemgetter

from sqlalchemy import ColumnElement, and_, func, select, true
from sqlalchemy.orm import selectinload

from .extensions import db
from .models import (
    FINISHED,
    Attempt,
    Citation,
    Paragraph,
    Question,
    QuestionVersion,
    Quiz,
    Response,
    User,
)
from .stats import ItemStats, Summary, TestStats, final_grade, item_analysis, summarise
from .types import get_type

HIGH_LOW_SHARE = 0.27  # the top and bottom 27% of attempts, the classic split


@contextmanager
def collector_paused():
    """Hold off CPython's cyclic garbage collector while a report reads its rows.

    SQLAlchemy's rows are objects the collector tracks; tens of thousands of them make it
    rescan the whole heap again and again, so at 10,000 learners it took two thirds of the
    gradebook's time and grew faster than the data. Rows hold no reference cycles, and
    the collector runs as usual once the report is built.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def reported() -> ColumnElement[bool]:
    """The attempts that are a learner's record: finished, and not an instructor's preview.

    Every report, export, count and progress page reads attempts through this condition,
    so a preview never reaches a grade, a statistic or a spreadsheet.
    """
    return and_(Attempt.state == FINISHED, Attempt.preview.is_(False))


@dataclass
class GradebookRow:
    user_id: int
    username: str
    grades: dict[int, float | None]  # quiz id -> grade in percent by the quiz's method
    attempts: dict[int, int]  # quiz id -> finished attempts


def gradebook(quizzes_of=None) -> tuple[list[Quiz], list[GradebookRow]]:
    """Learners by quizzes, each cell graded by its quiz's grading method; only the
    quizzes that match the condition ``quizzes_of`` (say, one course's), if given."""
    with collector_paused():
        return _gradebook(true() if quizzes_of is None else quizzes_of)


def _gradebook(quizzes_of) -> tuple[list[Quiz], list[GradebookRow]]:
    quizzes = db.session.execute(db.select(Quiz).where(quizzes_of).order_by(Quiz.id)
                                 ).scalars().all()
    method = {q.id: q.grading_method for q in quizzes}
    finished = reported() & Attempt.quiz_id.in_(select(Quiz.id).where(quizzes_of))
    names = dict(db.session.execute(
        select(User.id, User.username).where(User.id.in_(select(Attempt.user_id).where(finished)))
    ).all())
    rows = db.session.execute(
        select(Attempt.user_id, Attempt.quiz_id, Attempt.percent).where(finished)
        .order_by(Attempt.user_id, Attempt.quiz_id, Attempt.finished_at, Attempt.id)
    )
    # The rows come grouped by learner, then quiz: each learner's row is built as its
    # attempts go past, with no structure of every attempt keyed by learner and quiz.
    table = []
    for user_id, attempts in groupby(rows, key=itemgetter(0)):
        grades, counts = {}, {}
        for quiz_id, group in groupby(attempts, key=itemgetter(1)):
            percents = [row[2] for row in group]
            grades[quiz_id] = final_grade(method[quiz_id], percents)
            counts[quiz_id] = len(percents)
        table.append(GradebookRow(user_id, names[user_id], grades, counts))
    return quizzes, table


# Which attempts the quiz reports count, as Moodle's "Calculate statistics from" offers.
WHICH_ATTEMPTS = {
    "graded": "the attempts that make each learner's grade",
    "all": "all finished attempts",
    "first": "each learner's first attempt",
}


class UnknownAttempts(ValueError):
    """A request for attempts other than those WHICH_ATTEMPTS names."""

    def __init__(self, which: str) -> None:
        super().__init__(f"Unknown choice of attempts '{which}': use one of "
                         + ", ".join(WHICH_ATTEMPTS) + ".")


def counted_attempts(quiz: Quiz, which: str) -> set[int] | None:
    """The ids of the finished attempts a report counts, or None for all of them.

    "graded" follows the quiz's grading method, as Moodle's default does: each learner's
    highest, first or last attempt, or all of them when the grade is their average.
    First and last are by the time of finishing, as the gradebook reads them.
    """
    if which not in WHICH_ATTEMPTS:
        raise UnknownAttempts(which)
    method = quiz.grading_method if which == "graded" else which
    if method in ("all", "average"):
        return None
    rows = db.session.execute(
        select(Attempt.id, Attempt.user_id, Attempt.percent)
        .where(Attempt.quiz_id == quiz.id, reported())
        .order_by(Attempt.user_id, Attempt.finished_at, Attempt.id)
    )
    counted = set()
    for _user, group in groupby(rows, key=attrgetter("user_id")):
        attempts = list(group)
        if method == "highest":  # the earliest of equal best attempts
            chosen = max(reversed(attempts), key=attrgetter("percent"))
        else:
            chosen = attempts[0] if method == "first" else attempts[-1]
        counted.add(chosen.id)
    return counted


@dataclass
class ItemReport:
    stats: ItemStats
    prompt: str
    type: str
    paragraph: Paragraph | None  # the first cited paragraph
    # Distractor analysis: text, correct, picks, high, low, responses, unanswered.
    choices: list[dict]


@dataclass
class QuizStatistics:
    which: str  # the attempts counted: a key of WHICH_ATTEMPTS
    summary: Summary  # of the counted attempts' percentages
    test: TestStats
    items: list[ItemReport]  # empty for the overview, which shows none


def overview(quiz: Quiz, which: str = "graded") -> QuizStatistics:
    """The score distribution and the test statistics of the quiz's counted attempts."""
    with collector_paused():
        return _quiz_statistics(quiz, which, details=False)


def item_report(quiz: Quiz, which: str = "graded") -> QuizStatistics:
    """Moodle's item statistics for every question asked in the counted attempts."""
    with collector_paused():
        return _quiz_statistics(quiz, which, details=True)


def _quiz_statistics(quiz: Quiz, which: str, details: bool) -> QuizStatistics:
    counted = counted_attempts(quiz, which)
    rows = db.session.execute(
        select(Response.attempt_id, Question.key, Response.marks, Response.fraction,
               Response.max_marks, Response.answer, Response.version_id, Attempt.percent)
        .join(Attempt, Attempt.id == Response.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == Response.version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(Attempt.quiz_id == quiz.id, reported())
        # attempt.id, not the equal response.attempt_id: SQLite then reads the rows in
        # this order from its indexes instead of sorting them all
        .order_by(Attempt.id, Response.slot)
    ).all()
    if counted is not None:
        rows = [row for row in rows if row.attempt_id in counted]
    by_attempt: dict[int, dict[str, float]] = defaultdict(dict)
    possible: dict[int, float] = defaultdict(float)
    percent_of: dict[int, float] = {}
    max_marks: dict[str, float] = {}
    version_of: dict[str, int] = {}
    for row in rows:
        # The marks from the stored fraction, unrounded, so that sums of squares do
        # not drift; the rounded marks only where an old response kept no fraction.
        marks = (row.fraction * row.max_marks if row.fraction is not None
                 else row.marks or 0.0)
        by_attempt[row.attempt_id][row.key] = marks
        possible[row.attempt_id] += row.max_marks
        percent_of[row.attempt_id] = row.percent
        max_marks.setdefault(row.key, row.max_marks)
        # An edited question has several versions among the attempts: describe the latest.
        version_of[row.key] = max(row.version_id, version_of.get(row.key, 0))
    percents = [100 * math.fsum(marks.values()) / possible[a] if possible[a] else 0.0
                for a, marks in by_attempt.items()]
    summary = summarise(percents)
    versions = _versions({row.version_id for row in rows}) if details else {}
    guesses = {k: get_type(versions[v].type).random_guess(versions[v].data)
               for k, v in version_of.items()} if details else {}
    items, test = item_analysis(list(by_attempt.values()), max_marks, guesses)
    reports = []
    if details:
        picks = _distractors(rows, percent_of, versions)
        for item in items:
            version = versions[version_of[item.key]]
            cited = version.citations[0].paragraph if version.citations else None
            reports.append(ItemReport(item, version.prompt, version.type, cited,
                                      picks.get(item.key, [])))
    return QuizStatistics(which, summary, test, reports)


def _versions(ids: set[int]) -> dict[int, QuestionVersion]:
    if not ids:
        return {}
    versions = db.session.execute(
        select(QuestionVersion).where(QuestionVersion.id.in_(ids)).options(
            selectinload(QuestionVersion.citations).selectinload(Citation.paragraph))
    ).scalars().all()
    return {v.id: v for v in versions}


def _distractors(rows, percent_of: dict[int, float], versions) -> dict[str, list[dict]]:
    """How often each choice was picked, overall and by high and low scorers, with a last
    row for the responses that picked nothing, so each single-answer table adds up."""
    ranked = sorted(percent_of, key=percent_of.get)
    band = max(1, round(len(ranked) * HIGH_LOW_SHARE)) if ranked else 0
    low, high = set(ranked[:band]), set(ranked[-band:]) if band else set()
    # Choices are counted by their text, so versions that reorder or edit them add up.
    result: dict[str, dict[str, dict]] = {}
    unanswered: dict[str, dict] = {}
    for row in rows:
        version = versions[row.version_id]
        kind = get_type(version.type)
        choices = kind.choice_options(version.data)
        if choices is None:
            continue
        options = [_choice_row(text, right) for text, right in choices]
        table = result.setdefault(row.key, {})
        for option in options:
            table.setdefault(option["text"], option)
        none = unanswered.setdefault(row.key, _choice_row("", None, unanswered=True))
        picked = [index for index in kind.picked_options(version.data, row.answer)
                  if not isinstance(index, bool) and isinstance(index, int)
                  and 0 <= index < len(options)]
        for choice in [table[options[i]["text"]] for i in picked] or [none]:
            choice["picks"] += 1
            choice["high"] += row.attempt_id in high
            choice["low"] += row.attempt_id in low
        none["responses"] += 1  # the responses to this question, whichever version
    for key, table in result.items():
        for choice in table.values():
            choice["responses"] = unanswered[key]["responses"]
    return {key: [*table.values(), unanswered[key]] for key, table in result.items()}


def _choice_row(text: str, correct: bool | None, unanswered: bool = False) -> dict:
    return {"text": text, "correct": correct, "unanswered": unanswered, "picks": 0,
            "high": 0, "low": 0, "responses": 0}


@dataclass
class ParagraphRow:
    paragraph: Paragraph
    responses: int
    mean_fraction: float
    questions: int

    @property
    def wrong_rate(self) -> float:
        return 1 - self.mean_fraction


def paragraph_report(document_id: int, quiz_id: int | None = None,
                     quizzes_of=None) -> list[ParagraphRow]:
    """Paragraphs by how often answers to the questions citing them were wrong (in the
    attempts of one quiz, or of the quizzes matching ``quizzes_of``)."""
    pairs = (
        select(Response.id.label("response_id"), Citation.paragraph_id,
               Response.fraction, QuestionVersion.question_id)
        .join(Attempt, Attempt.id == Response.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == Response.version_id)
        .join(Citation, Citation.version_id == Response.version_id)
        .where(reported())
        .distinct()
    )
    if quiz_id is not None:
        pairs = pairs.where(Attempt.quiz_id == quiz_id)
    if quizzes_of is not None:
        pairs = pairs.where(Attempt.quiz_id.in_(select(Quiz.id).where(quizzes_of)))
    pairs = pairs.subquery()
    rows = db.session.execute(
        select(Paragraph, func.count(pairs.c.response_id), func.avg(pairs.c.fraction),
               func.count(func.distinct(pairs.c.question_id)))
        .join(pairs, pairs.c.paragraph_id == Paragraph.id)
        .where(Paragraph.document_id == document_id)
        .group_by(Paragraph.id)
    ).all()
    report = [ParagraphRow(p, n, float(mean or 0), q) for p, n, mean, q in rows]
    report.sort(key=lambda r: (-r.wrong_rate, -r.responses, r.paragraph.number))
    return report
