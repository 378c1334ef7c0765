"""CSV exports of the gradebook and of every response, for spreadsheets."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from sqlalchemy import select, true

from .extensions import db
from .models import Attempt, Question, QuestionVersion, Quiz, Response, User
from .review import status_of
from .scores import gradebook, reported
from .types import get_type

BOM = "\ufeff"  # so spreadsheets read the file as UTF-8
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> object:
    """Text that a spreadsheet would run as a formula is kept as text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def gradebook_rows(quizzes_of=None) -> Iterator[list]:
    """The gradebook as CSV rows, of the quizzes matching ``quizzes_of`` (all if None)."""
    quizzes, rows = gradebook(quizzes_of)
    yield ["learner"] + [f"{q.title} ({q.grading_method}, %)" for q in quizzes]
    for row in sorted(rows, key=lambda r: r.username.lower()):
        yield [row.username] + [_percent(row.grades.get(q.id)) for q in quizzes]


RESPONSE_HEADER = ["learner", "quiz", "attempt", "attempt_finished", "slot", "question_id",
                   "question_version", "question_type", "answer", "result", "marks",
                   "max_marks", "answered_at"]


def response_rows(quizzes_of=None, batch: int = 2000) -> Iterator[list]:
    """One row per response of every finished attempt (of the quizzes matching
    ``quizzes_of``, if given), streamed in batches."""
    yield RESPONSE_HEADER
    query = (
        select(User.username, Quiz.key, Attempt.id, Attempt.finished_at, Response,
               Question.key, QuestionVersion)
        .join(Attempt, Attempt.id == Response.attempt_id)
        .join(User, User.id == Attempt.user_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(QuestionVersion, QuestionVersion.id == Response.version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(reported(), true() if quizzes_of is None else quizzes_of)
        .order_by(Attempt.id, Response.slot)
        .execution_options(yield_per=batch)
    )
    for username, quiz_key, attempt_id, finished, response, key, version in \
            db.session.execute(query):
        kind = get_type(version.type)
        yield [username, quiz_key, attempt_id, finished.isoformat(sep=" ", timespec="seconds"),
               response.slot, key, version.number, version.type,
               kind.describe(version.data, response.answer), status_of(response),
               f"{response.marks or 0:g}", f"{response.max_marks:g}",
               response.saved_at.isoformat(sep=" ", timespec="seconds")
               if response.saved_at else ""]


def write_csv(rows: Iterable[list], stream) -> int:
    """Write rows to a text stream as spreadsheet-safe CSV; return the number of data rows."""
    stream.write(BOM)
    writer = csv.writer(stream)
    lines = 0
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
        lines += 1
    return max(lines - 1, 0)  # the header is not a data row


def csv_chunks(rows: Iterable[list]) -> Iterator[str]:
    """CSV text in chunks, for streaming a download."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    for n, row in enumerate(rows, start=1):
        writer.writerow([safe_cell(v) for v in row])
        if n % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
