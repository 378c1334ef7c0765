"""What the review of a finished attempt shows for each question."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from itertools import groupby
from typing import NamedTuple

from flask import get_template_attribute, url_for
from markupsafe import Markup
from sqlalchemy import Text, bindparam, cast, select

from .accounts import SignedIn, viewer_in, with_viewer
from .extensions import db
from .kept import kept as kept_store
from .models import (
    FINISHED,
    Attempt,
    Citation,
    Document,
    Paragraph,
    QuestionVersion,
    Quiz,
    Response,
    User,
)
from .textmatch import highlight
from .types import get_type

# A question version never changes once written, and its citations keep the paragraph
# text they were checked against; only a new edition of the document renumbers its
# paragraphs. So what a review shows of a version whatever the answer (the correct
# answer, the explanation, the sources with their quotes marked, rendered) is worked out
# once per process for each version and edition of its document, and shared by every
# review that asks it. Each question of a review, rendered, is kept too, by version,
# edition, slot and answer: a class answering the same quiz gives the same few answers
# to most questions.


@dataclass(frozen=True)
class VersionView:
    """What a review shows of a question version, whatever the answer."""

    type: str
    prompt: str
    data: dict
    explanation: str
    correct: str
    sources: Markup  # each cited paragraph, its quotes marked, linked to the document view


@dataclass(frozen=True)
class ReviewItem:
    slot: int
    status: str  # "correct", "partially correct", "incorrect" or "not answered"
    html: Markup  # the question, verdict and marks, the answer given, and when answers are
    # shown the correct one, feedback, explanation and sources (learner/_review_item.html)


@dataclass(frozen=True)
class SourceView:
    number: int  # the paragraph's number in the document's current edition
    parts: list[str]  # what the paragraph proves: "item 2", "pair 1"; empty for the whole
    text: Markup  # the paragraph as checked, escaped, with every quote from it in <mark>
    url: str  # the paragraph in the document view, its first quote marked


def status_of(response) -> str:
    return status_for(response.answer, response.fraction)


def status_for(answer: object | None, fraction: float | None) -> str:
    if answer is None:
        return "not answered"
    if fraction is not None and fraction >= 0.9999:
        return "correct"
    if fraction:
        return "partially correct"
    return "incorrect"


class QuizRef(NamedTuple):
    key: str
    title: str
    review: str  # when answers are shown: immediately, after_close or never
    closes_at: datetime | None


class DocumentRef(NamedTuple):
    id: int
    edition: int
    slug: str
    title: str


class ReviewedAttempt(NamedTuple):
    """An attempt as its review shows it, with its learner's name, quiz and document.
    (Rows, not dataclasses: every review builds one, and a frozen dataclass sets each
    field through object.__setattr__.)"""

    id: int
    user_id: int
    username: str
    state: str
    marks: float | None
    max_marks: float
    percent: float | None
    finished_at: datetime | None
    quiz: QuizRef
    document: DocumentRef  # the quiz's: every question of a quiz is from its document
    viewer: SignedIn | None = None  # the user of the login given, if it is live

    @property
    def finished(self) -> bool:
        return self.state == FINISHED


_attempts, _users = Attempt.__table__.c, User.__table__.c
_quizzes, _documents = Quiz.__table__.c, Document.__table__.c
_responses, _versions = Response.__table__.c, QuestionVersion.__table__.c
_citations, _paragraphs = Citation.__table__.c, Paragraph.__table__.c
# The statements are built on first use, not at import (that would slow every start).


@cache
def _attempt_read():
    return with_viewer(
        select(_attempts.id, _attempts.user_id, _users.username, _attempts.state, _attempts.marks,
               _attempts.max_marks, _attempts.percent, _attempts.finished_at, _quizzes.key,
               _quizzes.title, _quizzes.review, _quizzes.closes_at, _documents.id,
               _documents.edition, _documents.slug, _documents.title)
        .select_from(Attempt.__table__)
        .join(User.__table__, _users.id == _attempts.user_id)
        .join(Quiz.__table__, _quizzes.id == _attempts.quiz_id)
        .join(Document.__table__, _documents.id == _quizzes.document_id)
        .where(_attempts.id == bindparam("attempt_id"))
    )


@cache
def _responses_read():
    return (
        # The answer as stored (JSON text), a key for what is kept; decoded only when not.
        select(_responses.slot, cast(_responses.answer, Text), _responses.fraction,
               _responses.marks,
               _responses.max_marks, _responses.version_id, _versions.content_hash)
        .join_from(Response.__table__, QuestionVersion.__table__,
                   _versions.id == _responses.version_id)
        .where(_responses.attempt_id == bindparam("attempt_id")).order_by(_responses.slot)
    )


@cache
def _versions_read():
    return (  # each version with its citations in order (one row per citation)
        select(_versions.id, _versions.type, _versions.prompt, _versions.data,
               _versions.explanation, _citations.id, _citations.part, _citations.quote,
               _citations.paragraph_id, _citations.paragraph_text, _paragraphs.number,
               _paragraphs.text)
        .select_from(QuestionVersion.__table__)
        .outerjoin(Citation.__table__, _citations.version_id == _versions.id)
        .outerjoin(Paragraph.__table__, _paragraphs.id == _citations.paragraph_id)
        .where(_versions.id.in_(bindparam("ids", expanding=True)))
        .order_by(_versions.id, _citations.position, _citations.id)
    )


# Version views are kept by version id and content hash (so a database put back from a
# backup cannot be shown another's version) and the document's id, edition, slug and
# title; rendered items by the same, the slot, answer and marks, and whether answers
# are shown.


def reviewed_attempt(attempt_id: int, user_id: int | None = None, token: str | None = None
                     ) -> ReviewedAttempt | None:
    """The attempt, with the user of the login session ``token`` of user ``user_id`` if
    it is live (for the review's header and access check: no statement of its own)."""
    row = db.session.execute(_attempt_read(), {
        "attempt_id": attempt_id, "user_id": user_id, "login": token}).first()
    if row is None:
        return None
    return ReviewedAttempt(*row[:8], quiz=QuizRef(*row[8:12]),
                           document=DocumentRef(*row[12:16]), viewer=viewer_in(row))


def review_items(attempt: ReviewedAttempt, show_answers: bool) -> list[ReviewItem]:
    """The attempt's questions in order, as its review shows them (two statements at most:
    the versions' views are read only for questions not kept rendered)."""
    responses = db.session.execute(_responses_read(), {"attempt_id": attempt.id}).all()
    kept, items, missing = kept_store("review_items"), [], []
    document = attempt.document  # its id, edition, slug and title: what sources show
    for response in responses:
        slot, stored, fraction, marks, max_marks, version_id, digest = response
        key = (version_id, digest, document, slot, stored, fraction, marks, max_marks,
               show_answers)
        item = kept.get(key)
        if item is None:
            missing.append((len(items), key, response))
        items.append(item)
    if missing:
        views = version_views({key[:2] for _, key, _ in missing}, document)
        for index, key, row in missing:
            slot, stored, fraction, marks, max_marks, version_id, _ = row
            answer = None if stored is None else json.loads(stored)
            items[index] = _render_item(slot, views[version_id], answer, fraction, marks,
                                        max_marks, show_answers)
            kept.put(key, items[index])
    return items


def _render_item(slot: int, view: VersionView, answer: object | None,
                 fraction: float | None, marks: float | None, max_marks: float,
                 show_answers: bool) -> ReviewItem:
    kind = get_type(view.type)
    status = status_for(answer, fraction)
    html = get_template_attribute("learner/_review_item.html", "review_item")(
        slot=slot, version=view, status=status, marks=marks, max_marks=max_marks,
        given=kind.describe(view.data, answer), feedback=kind.feedback(view.data, answer),
        show_answers=show_answers)
    return ReviewItem(slot=slot, status=status, html=html)


def version_views(versions: set[tuple[int, str]], document: DocumentRef
                  ) -> dict[int, VersionView]:
    """The views of these versions (id, content hash) of ``document``'s questions: the
    ones kept, and the rest read in one statement."""
    kept = kept_store("review_views")
    views, missing = {}, {}
    for version_id, digest in versions:
        view = kept.get((version_id, digest, document))
        if view is None:
            missing[version_id] = digest
        else:
            views[version_id] = view
    if missing:
        for version_id, view in _read_views(list(missing), document).items():
            kept.put((version_id, missing[version_id], document), view)
            views[version_id] = view
    return views


def _read_views(version_ids: list[int], document: DocumentRef) -> dict[int, VersionView]:
    rows = db.session.execute(_versions_read(), {"ids": version_ids}).all()
    render = get_template_attribute("learner/_sources.html", "sources")
    views = {}
    for version_id, group in groupby(rows, key=lambda row: row[0]):
        group = list(group)
        _, kind, prompt, data, explanation = group[0][:5]
        # Citations grouped by paragraph, in the order the paragraphs are first cited.
        paragraphs: dict[int, list] = {}
        for row in group:
            if row[5] is not None:
                paragraphs.setdefault(row[8], []).append(row)
        sources = [_source(cited, document) for cited in paragraphs.values()]
        views[version_id] = VersionView(
            type=kind, prompt=prompt, data=data, explanation=explanation,
            correct=get_type(kind).correct(data), sources=render(sources, document.title))
    return views


def _source(cited: list, document: DocumentRef) -> SourceView:
    (_, _, _, _, _, first_id, _, _, _, snapshot, number, text) = cited[0]
    return SourceView(
        number=number, parts=[row[6] for row in cited if row[6]],
        text=highlight(snapshot or text, [row[7] for row in cited]),
        url=url_for("documents.view", slug=document.slug, cite=first_id,
                    _anchor=f"p{number}"))
