"""Practice rounds: the questions a learner keeps missing, asked again and marked, never stored.

A round asks the current version of each question ``progress.practice_keys`` allows (at
most ``LIMIT``), laid out by its type from one random seed. The page's form carries the
seed and the versions asked, signed with the app's secret key (itsdangerous, as Flask signs
its session), so the check lays the questions out again exactly as shown without trusting
the browser for anything: the seed reveals nothing a page does not show, and which answer
is right stays on the server. Nothing here writes to the database.
"""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from . import progress
from .extensions import db
from .models import Document, Question, QuestionVersion
from .review import ReviewItem, cited_sources, review_item
from .types import QuestionType, get_type

LIMIT = 20  # questions in one round, the most missed first
ROUND_FIELD = "round"  # the form field holding the signed round
OWN_FIELDS = {ROUND_FIELD, "csrf_token"}


class RoundRefused(Exception):
    """A practice form this site did not issue as sent; says what is wrong."""


@dataclass
class PracticeQuestion:
    """One question of a round, laid out as its page shows it."""

    number: int  # its place in the round, from 1
    key: str
    version: QuestionVersion
    slug: str  # its document's
    title: str
    layout: dict

    @property
    def kind(self) -> QuestionType:
        return get_type(self.version.type)

    @property
    def prefix(self) -> str:
        """What starts the names of its fields in the round's form."""
        return f"q{self.number}-"

    def view(self, answer: Any = None) -> dict:
        return self.kind.view(self.version.data, self.layout, answer)


@dataclass
class Round:
    questions: list[PracticeQuestion]
    left_out: int  # repeated misses beyond LIMIT
    token: str  # the signed seed and versions, for the form


def keys_for(user_id: int) -> list[str]:
    """The keys of the learner's repeated misses a round may ask, the most missed first."""
    history = progress.answers(user_id)
    return progress.practice_keys(history, progress.missed_questions(history, {}))


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="practice-round")


def _rows(*conditions) -> list:
    """Question versions with their question's key and document, in one statement."""
    return db.session.execute(
        select(Question.key, QuestionVersion, Document.slug, Document.title)
        .join(Question, Question.id == QuestionVersion.question_id)
        .join(Document, Document.id == Question.document_id).where(*conditions)).all()


def _laid_out(seed: int, rows: list) -> list[PracticeQuestion]:
    # Replayable layouts from the seed, as an attempt's are; no secret hangs on them.
    rng = random.Random(seed)  # nosec B311
    return [PracticeQuestion(number, row.key, row.QuestionVersion, row.slug, row.title,
                             get_type(row.QuestionVersion.type).layout(
                                 row.QuestionVersion.data, rng, True))
            for number, row in enumerate(rows, start=1)]


def new_round(user_id: int) -> Round:
    """A round of the learner's repeated misses, each question's current version."""
    keys = keys_for(user_id)
    chosen = keys[:LIMIT]
    by_key = {row.key: row for row in _rows(
        Question.key.in_(chosen), Question.current_version_id == QuestionVersion.id)} \
        if chosen else {}
    rows = [by_key[key] for key in chosen]
    seed = secrets.randbits(31)
    token = _serializer().dumps({"user": user_id, "seed": seed,
                                 "versions": [row.QuestionVersion.id for row in rows]})
    return Round(_laid_out(seed, rows), len(keys) - len(chosen), token)


def reopen(user_id: int, token: str) -> list[PracticeQuestion]:
    """The round a form was issued with, laid out again; RoundRefused if the form is not
    one this site issued to this learner."""
    try:
        issued = _serializer().loads(token)
    except BadSignature:
        raise RoundRefused("This practice form was changed or did not come from this site: "
                           "open a new round from your progress page.") from None
    versions = issued.get("versions") if isinstance(issued, dict) else None
    if not (isinstance(versions, list) and len(versions) <= LIMIT
            and all(type(v) is int for v in versions) and type(issued.get("seed")) is int):
        raise RoundRefused("This practice form is not one this site makes.")
    if issued.get("user") != user_id:
        raise RoundRefused("This practice form was made for another account: open a round "
                           "of your own from your progress page.")
    by_id = {row.QuestionVersion.id: row for row in _rows(QuestionVersion.id.in_(versions))} \
        if versions else {}
    if len(by_id) != len(versions):
        raise RoundRefused("This practice form names questions this site does not have.")
    return _laid_out(issued["seed"], [by_id[v] for v in versions])


def answers_in(questions: list[PracticeQuestion], form: MultiDict) -> dict[int, Any]:
    """Each question's answer (by number), read by its type from the fields under its
    prefix; RoundRefused for a field that belongs to no question of the round."""
    fields: dict[str, MultiDict] = {q.prefix: MultiDict() for q in questions}
    for name, value in form.items(multi=True):
        if name in OWN_FIELDS:
            continue
        head, dash, rest = name.partition("-")
        if not dash or head + dash not in fields:
            raise RoundRefused(f"The field '{name[:60]}' belongs to no question of this "
                               "practice round.")
        fields[head + dash].add(rest, value)
    return {q.number: q.kind.read_answer(q.version.data, q.layout, fields[q.prefix])
            for q in questions}


@dataclass
class Checked:
    """A round's answers marked as a review marks them."""

    items: list[ReviewItem]
    titles: dict[int, str]  # by question number: its document's title
    dropped: int  # questions no longer in the learner's practice since the form was shown


def check(user_id: int, form: MultiDict) -> Checked:
    """Mark the answers in a round's form; writes nothing. A question that left the
    learner's practice since the form was shown (answered rightly in a quiz, or its answers
    hidden now) is left out of the marks."""
    questions = reopen(user_id, form.get(ROUND_FIELD, ""))
    answers = answers_in(questions, form)
    allowed = set(keys_for(user_id))
    kept = [q for q in questions if q.key in allowed]
    sources = cited_sources({q.version.id: q.slug for q in kept}) if kept else {}
    items = []
    for q in kept:
        answer, data = answers[q.number], q.version.data
        items.append(review_item(q.number, q.version, answer, q.kind.grade(data, answer),
                                 None, q.version.marks, sources.get(q.version.id, [])))
    return Checked(items, {q.number: q.title for q in kept}, len(questions) - len(kept))
