"""Starting, answering, submitting and grading attempts. Flushes; the caller commits."""
from __future__ import annotations

import json
import random
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import (
    Text,
    and_,
    bindparam,
    cast,
    func,
    insert,
    literal_column,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from .accounts import SignedIn, viewer_in, with_viewer
from .drawing import Candidate, draw
from .extensions import db
from .kept import kept
from .models import (
    FINISHED,
    IN_PROGRESS,
    Attempt,
    LoginSession,
    Question,
    QuestionVersion,
    Quiz,
    Response,
    User,
    utcnow,
)
from .quizsettings import closed_reason, deadline, overdue
from .types import get_type


class EmptyQuiz(Exception):
    """The quiz's selection matches no active question."""


class QuizUnavailable(Exception):
    """The quiz's settings refuse a new attempt now (dates, attempts allowed); says why."""


def finished_count(user: User, quiz: Quiz) -> int:
    return db.session.execute(
        db.select(db.func.count()).select_from(Attempt)
        .filter_by(user_id=user.id, quiz_id=quiz.id, state=FINISHED)).scalar_one()


def open_attempt(user: User, quiz: Quiz) -> Attempt | None:
    return db.session.execute(
        db.select(Attempt).filter_by(user_id=user.id, quiz_id=quiz.id, state=IN_PROGRESS)
    ).scalar_one_or_none()


def start_attempt(user: User, quiz: Quiz) -> Attempt:
    """The learner's unfinished attempt at ``quiz``, or a new one drawn from its bank."""
    existing = open_attempt(user, quiz)
    if existing is not None:
        return existing
    now = utcnow()
    reason = closed_reason(quiz, now)
    if reason is None and quiz.attempts_allowed and \
            finished_count(user, quiz) >= quiz.attempts_allowed:
        reason = (f"You have used all {quiz.attempts_allowed} attempt(s) this quiz allows.")
    if reason:
        raise QuizUnavailable(reason)
    rows = db.session.execute(  # each version with its question's key, in one statement
        db.select(QuestionVersion, Question.key)
        .join(Question, Question.current_version_id == QuestionVersion.id)
        .where(Question.document_id == quiz.document_id, Question.status == "active")
        .order_by(Question.position)
    ).all()
    by_key = {key: v for v, key in rows}
    seed = secrets.randbits(31)
    # A replayable draw from the stored seed, not a secret.
    rng = random.Random(seed)  # nosec B311
    drawn = draw(quiz.select, [Candidate(key, v.tags, v.section) for v, key in rows],
                 rng, quiz.shuffle_questions)
    if not drawn:
        raise EmptyQuiz(quiz.key)
    responses = []
    for slot, candidate in enumerate(drawn, start=1):
        version = by_key[candidate.key]
        kind = get_type(version.type)
        layout = kind.layout(version.data, rng, quiz.shuffle_choices)
        unanswered = kind.grade(version.data, None)  # what a slot earns until answered
        responses.append({"slot": slot, "version_id": version.id, "layout": layout,
                          "max_marks": version.marks, "fraction": unanswered,
                          "marks": scored(unanswered, version.marks)})
    attempt = Attempt(user_id=user.id, quiz_id=quiz.id, seed=seed, state=IN_PROGRESS,
                      started_at=now, deadline=deadline(quiz, now),
                      max_marks=sum(r["max_marks"] for r in responses))
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
            db.session.flush()
            # One batch for every slot; objects appended to attempt.responses would each
            # cost an INSERT of their own.
            db.session.execute(insert(Response), [dict(r, attempt_id=attempt.id)
                                                  for r in responses])
    except IntegrityError:
        # Another request (a double click) opened the attempt first: use that one.
        return open_attempt(user, quiz)
    return attempt


# The question page is what learners load most, so it reads rows, not objects, with
# statements built once (on first use: building them at import would slow every start):
# the attempt with its quiz, the question asked and every slot's state for the
# navigation: one statement, however long the attempt. They select from the tables, not
# the mapped classes: the ORM has nothing to do then.
_attempts, _quizzes = Attempt.__table__.c, Quiz.__table__.c
_responses, _versions = Response.__table__.c, QuestionVersion.__table__.c
_logins = LoginSession.__table__.c


def _owners_login():
    # For an outer join: the login session :login, if it is live, of the user :user_id,
    # who owns the attempt. A submit checks its login this way, in the statement that
    # reads the attempt: it needs no user row, and reading one with with_viewer (as the
    # pages do, for their header) cost it 15-30 us (benchmarks/inprocess.py).
    return and_(_logins.token == bindparam("login"), _logins.user_id == _attempts.user_id,
                _attempts.user_id == bindparam("user_id"))


class OpenAttempt(NamedTuple):
    id: int
    user_id: int
    state: str
    deadline: datetime | None
    max_marks: float
    quiz_key: str
    quiz_title: str
    viewer: SignedIn | None  # the user of the login given, if it is live

    @property
    def owner_signed_in(self) -> bool:
        return self.viewer is not None and self.viewer.id == self.user_id


class AskedQuestion(NamedTuple):
    """A slot of an attempt (its response row) with the question version it asks."""

    id: int  # the response's
    sequence: int
    layout: dict
    answer: Any
    max_marks: float
    type: str
    prompt: str
    data: dict
    version: tuple[int, str]  # the version's id and content hash: which one it is


_ATTEMPT = (_attempts.id, _attempts.user_id, _attempts.state, _attempts.deadline,
            _attempts.max_marks, _quizzes.key, _quizzes.title)
# The version's data as stored (JSON text) with its id and content hash: versions never
# change, so their data are kept decoded (_version_data).
_QUESTION = (_responses.id, _responses.sequence, _responses.layout, _responses.answer,
             _responses.max_marks, _versions.type, _versions.prompt, _versions.id,
             _versions.content_hash, cast(_versions.data, Text))


@cache
def _attempt_and_question():
    # Beside them, which slots are answered (in any order) and how many there are, for
    # the navigation: the answers' JSON is not decoded. A cleared answer may be stored as
    # JSON null rather than SQL NULL.
    slots = Response.__table__.alias("slots")
    separator = literal_column("','")  # in the SQL: a parameter would be rendered each time
    answered = (select(func.aggregate_strings(cast(slots.c.slot, Text), separator))
                .where(slots.c.attempt_id == _attempts.id, slots.c.answer.is_not(None),
                       cast(slots.c.answer, Text) != "null")
                .scalar_subquery())
    count = select(func.count()).where(slots.c.attempt_id == _attempts.id).scalar_subquery()
    return with_viewer(
        select(*_ATTEMPT, *_QUESTION, answered, count)
        .select_from(Attempt.__table__)
        .join(Quiz.__table__, _quizzes.id == _attempts.quiz_id)
        .outerjoin(Response.__table__, and_(_responses.attempt_id == _attempts.id,
                                            _responses.slot == bindparam("slot")))
        .outerjoin(QuestionVersion.__table__, _versions.id == _responses.version_id)
        .where(_attempts.id == bindparam("attempt_id"))
    )


@cache
def _question_row():
    return (
        select(*_QUESTION)
        .join_from(Response.__table__, QuestionVersion.__table__,
                   _versions.id == _responses.version_id)
        .where(_responses.attempt_id == bindparam("attempt_id"),
               _responses.slot == bindparam("slot"))
    )


@dataclass
class QuestionPage:
    """One question of an attempt as its page shows it and its form saves it."""

    attempt: OpenAttempt
    answered: list[bool]  # per slot, in order
    number: int  # the slot shown, from 1
    question: AskedQuestion

    @property
    def total(self) -> int:
        return len(self.answered)

    @property
    def answered_count(self) -> int:
        return sum(self.answered)


def attempt_and_question(attempt_id: int, number: int, user_id: int | None = None,
                         token: str | None = None
                         ) -> tuple[OpenAttempt, AskedQuestion | None, list[bool]] | None:
    """The attempt with the user of the login session ``token`` of user ``user_id``
    if it is live, the question in its slot ``number`` (None when there is no such slot)
    and whether each slot is answered, in order, in one statement; None when there is
    no such attempt."""
    row = db.session.execute(_attempt_and_question(), {
        "attempt_id": attempt_id, "slot": number, "user_id": user_id, "login": token}
    ).first()
    if row is None:
        return None
    asked = None if row[7] is None else _asked(row[7:17])
    answered = [False] * row[18]
    for slot in row[17].split(",") if row[17] else ():
        answered[int(slot) - 1] = True
    return OpenAttempt(*row[:7], viewer_in(row)), asked, answered


def _asked(row) -> AskedQuestion:
    *columns, version_id, digest, stored = row
    return AskedQuestion(*columns, _version_data(version_id, digest, stored),
                         (version_id, digest))


def _version_data(version_id: int, digest: str, stored: str) -> dict:
    """A question version's data, decoded once per process: a version never changes, and
    its content hash says which one it is."""
    kept_data = kept("version_data")
    data = kept_data.get((version_id, digest))
    if data is None:
        data = json.loads(stored)
        kept_data.put((version_id, digest), data)
    return data


def question_page(attempt: OpenAttempt, number: int, answered: list[bool],
                  asked: AskedQuestion | None = None) -> QuestionPage:
    """Slot ``number`` of ``attempt``, clamped to its slots; ``answered`` and ``asked`` are
    what attempt_and_question() read for ``number``."""
    shown = min(max(number, 1), len(answered))
    if asked is None or shown != number:
        row = db.session.execute(_question_row(), {"attempt_id": attempt.id, "slot": shown}).one()
        asked = _asked(row)
    return QuestionPage(attempt, answered, shown, asked)


@cache
def _save():
    return (update(Response.__table__)
            .where(_responses.id == bindparam("response_id"),
                   _responses.sequence == bindparam("seen"),
                   select(_attempts.id).where(_attempts.id == _responses.attempt_id,
                                              _attempts.state == IN_PROGRESS).exists())
            .values(answer=bindparam("new_answer"), sequence=_responses.sequence + 1,
                    saved_at=bindparam("now"), fraction=bindparam("graded"),
                    marks=bindparam("scored")))


def save_answer(question: AskedQuestion, answer: Any, sequence: int) -> int | None:
    """Store ``answer`` to ``question`` with its grade, unless the page was stale; the new
    sequence, or None when not saved.

    A page carries the sequence of the answer it showed; the compare-and-set runs in
    the database, so of two tabs (or a replayed request) only one can win, and nothing
    is saved into an attempt that was submitted since the page was read. The grade is
    kept with the answer (a learner sees it only once the attempt is submitted), so a
    submit adds marks up instead of grading every answer while a class waits.
    """
    fraction = answer_fraction(question, answer)
    result = db.session.execute(_save(), {
        "response_id": question.id, "seen": sequence, "new_answer": answer, "now": utcnow(),
        "graded": fraction, "scored": scored(fraction, question.max_marks)})
    return sequence + 1 if result.rowcount == 1 else None


def scored(fraction: float, max_marks: float) -> float:
    """The marks earned by ``fraction`` of ``max_marks``, as stored and added up."""
    return round(fraction * max_marks, 4)


def answer_fraction(question: AskedQuestion, answer: Any) -> float:
    """The fraction of its marks ``answer`` earns: a function of the version and the
    answer alone, kept for the few answers a class gives to each question."""
    return _fraction(question.version, json.dumps(answer),
                     get_type(question.type).grade, question.data, answer)


def _fraction(version: tuple[int, str], answer: str | None, grade, *arguments) -> float:
    """The fraction kept for ``answer`` (as JSON) to ``version``, else ``grade(*arguments)``."""
    fractions = kept("fractions", 16384)
    key = (*version, answer)
    fraction = fractions.get(key)
    if fraction is None:
        fraction = grade(*arguments)
        fractions.put(key, fraction)
    return fraction


def _grade_stored(kind: str, version: tuple[int, str], data: str, answer: str | None
                  ) -> float:
    return get_type(kind).grade(_version_data(*version, data),
                                None if answer is None else json.loads(answer))


def latest_sequence(response_id: int) -> int:
    return db.session.execute(
        select(Response.sequence).where(Response.id == response_id)).scalar_one()


def finish_if_overdue(attempt: Attempt) -> bool:
    """Close an unfinished attempt past its deadline (and grace), grading what was saved."""
    if attempt.finished or not overdue(attempt, utcnow()):
        return False
    return submit_attempt(attempt)


def submit_attempt(attempt: Attempt) -> bool:
    """Grade and close the attempt; False when it was already closed (a repeated submit)."""
    if attempt.finished:
        return False
    values = close_attempt(attempt.id, attempt.max_marks)
    if values is None:
        db.session.refresh(attempt)
        return False
    for name, value in values.items():
        set_committed_value(attempt, name, value)
    return True


@cache
def _attempt_totals():
    # The attempt's owner, state and maximum marks; the token :login if it is a live
    # login session of the owner and the owner is :user_id (else None); the sum of its
    # responses' marks and of their sequences; and how many responses have no marks kept
    # (answers saved before saves kept grades).
    return (
        select(_attempts.user_id, _attempts.state, _attempts.max_marks, _logins.token,
               func.coalesce(func.sum(_responses.marks), 0.0),
               func.coalesce(func.sum(_responses.sequence), 0),
               func.count(_responses.id) - func.count(_responses.marks))
        .select_from(Attempt.__table__)
        .outerjoin(LoginSession.__table__, _owners_login())
        .outerjoin(Response.__table__, _responses.attempt_id == _attempts.id)
        .where(_attempts.id == bindparam("attempt_id"))
        .group_by(_attempts.user_id, _attempts.state, _attempts.max_marks, _logins.token)
    )


@cache
def _attempt_answers():
    # Each saved answer of the attempt and its question version (the JSON as stored:
    # versions' data are kept decoded).
    return (
        select(_responses.id, cast(_responses.answer, Text), _responses.max_marks,
               _versions.id, _versions.content_hash, _versions.type,
               cast(_versions.data, Text))
        .join_from(Response.__table__, QuestionVersion.__table__,
                   _versions.id == _responses.version_id)
        .where(_responses.attempt_id == bindparam("attempt_id")).order_by(_responses.slot)
    )


@cache
def _close():
    return (update(Attempt.__table__)
            .where(_attempts.id == bindparam("attempt_id"), _attempts.state == IN_PROGRESS)
            .values(state=FINISHED, finished_at=bindparam("now"),
                    marks=bindparam("total"), percent=bindparam("total_percent")))


# Every save adds one to its response's sequence, so the sum of an attempt's sequences
# changes with every save: the same sum as when the marks were added up means the same
# answers.
@cache
def _close_if_unchanged():
    return _close().where(
        select(func.coalesce(func.sum(_responses.sequence), 0))
        .where(_responses.attempt_id == bindparam("attempt_id")).scalar_subquery()
        == bindparam("sequences"))


@cache
def _grade():
    return (update(Response.__table__).where(_responses.id == bindparam("response_id"))
            .values(fraction=bindparam("graded"), marks=bindparam("scored")))


@lru_cache(maxsize=4)
def _grade_for(dialect) -> tuple[str, tuple[str, ...] | None]:
    """``_grade()`` compiled for a dialect: its SQL, and the order of its parameters when
    the driver takes them by position."""
    compiled = _grade().compile(dialect=dialect)
    return compiled.string, compiled.positiontup and tuple(compiled.positiontup)


class Totals(NamedTuple):
    """An open attempt's kept marks added up, and which saves they came from."""

    marks: float
    sequences: int


@dataclass
class Grading:
    """An attempt's saved answers, graded."""

    grades: list[dict]
    marks: float


class AttemptToSubmit(NamedTuple):
    state: str
    max_marks: float
    totals: Totals | None  # when the attempt is open and every answer's marks are kept
    owner_signed_in: bool  # the login given is live, and the attempt's owner's


def attempt_to_submit(attempt_id: int, user_id: int | None = None, token: str | None = None
                      ) -> AttemptToSubmit | None:
    """The attempt's state and maximum marks, whether the login session ``token`` of
    user ``user_id`` is live and the owner's and, when the attempt is open, its kept
    marks added up: one statement, of one row. None when there is no such attempt."""
    row = db.session.execute(_attempt_totals(), {
        "attempt_id": attempt_id, "user_id": user_id, "login": token}).first()
    if row is None:
        return None
    _owner, state, max_marks, login, marks, sequences, unkept = row
    totals = Totals(round(marks, 4), sequences) if state == IN_PROGRESS and not unkept \
        else None
    return AttemptToSubmit(state, max_marks, totals, login is not None)


def grade_attempt(attempt_id: int) -> Grading:
    """Grade the attempt's saved answers as rows (grading needs no objects)."""
    rows = db.session.execute(_attempt_answers(), {"attempt_id": attempt_id}).all()
    grades, total = [], 0.0
    for response_id, stored, marks, version_id, digest, kind, data in rows:
        version = (version_id, digest)
        fraction = _fraction(version, stored, _grade_stored, kind, version, data, stored)
        points = scored(fraction, marks)
        grades.append({"response_id": response_id, "graded": fraction, "scored": points})
        total += points
    return Grading(grades, round(total, 4))


def close_attempt(attempt_id: int, max_marks: float, totals: Totals | None = None
                  ) -> dict | None:
    """Close the attempt with its marks: the attempt's new values, or None when it was
    closed already (by a repeated submit, or its time running out).

    Call it in a write transaction (IMMEDIATE on SQLite). One compare-and-set closes
    the attempt with its marks, so two submits cannot both close it. ``totals`` (the
    marks its saves kept, added up, which may have been read before the write
    transaction, so the write lock is held only to write) are used only if no save came
    in since; otherwise, or without them, every answer is graded again in the
    transaction, where none can come in, and the responses' marks follow in one batch.
    """
    now = utcnow()
    if totals is not None:
        closed = _close_with(_close_if_unchanged(), attempt_id, max_marks, totals.marks,
                             now, sequences=totals.sequences)
        if closed is not None:
            return closed
    graded = grade_attempt(attempt_id)
    closed = _close_with(_close(), attempt_id, max_marks, graded.marks, now)
    if closed is not None and graded.grades:
        # Every response's marks in one executemany, handed to the driver as they are:
        # through SQLAlchemy, binding each row's parameters cost more than the rest of
        # the close.
        connection = db.session.connection()
        sql, order = _grade_for(connection.dialect)
        rows = graded.grades
        if order is not None:  # the driver takes them by position
            rows = list(map(itemgetter(*order), rows))
        connection.exec_driver_sql(sql, rows)
    return closed


def _close_with(statement, attempt_id: int, max_marks: float, marks: float, now,
                **conditions) -> dict | None:
    percent = round(100 * marks / max_marks, 2) if max_marks else 0.0
    closed = db.session.execute(statement, {
        "attempt_id": attempt_id, "now": now, "total": marks, "total_percent": percent,
        **conditions})
    if closed.rowcount != 1:
        return None
    return {"state": FINISHED, "finished_at": now, "marks": marks, "percent": percent}
