"""The document view: the whole source, each paragraph anchored and counted."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from . import progress
from .extensions import db
from .inputlimits import whole_number
from .models import (
    FINISHED,
    Attempt,
    Citation,
    Document,
    Paragraph,
    Question,
    QuestionVersion,
    Quiz,
    Response,
    utcnow,
)
from .quizsettings import answers_visible
from .textmatch import highlight
from .types import QUESTION_TYPES

bp = Blueprint("documents", __name__, url_prefix="/documents")


def citing_counts(document_id: int) -> tuple[dict[int, int], dict[int, dict[str, int]]]:
    """Per paragraph id: how many active questions cite it, and how many of each type."""
    rows = db.session.execute(
        db.select(Citation.paragraph_id, QuestionVersion.type,
                  func.count(func.distinct(Question.id)))
        .join(Question, Question.current_version_id == Citation.version_id)
        .join(QuestionVersion, QuestionVersion.id == Citation.version_id)
        .where(Question.document_id == document_id, Question.status == "active")
        .group_by(Citation.paragraph_id, QuestionVersion.type)
    )
    totals: dict[int, int] = {}
    by_type: dict[int, dict[str, int]] = {}
    for paragraph_id, qtype, count in rows:
        totals[paragraph_id] = totals.get(paragraph_id, 0) + count
        by_type.setdefault(paragraph_id, {})[qtype] = count
    return totals, by_type


def shown_citation(cite_id: int, document_id: int):
    """The citation ``cite_id`` of this document (its paragraph id and quote) if the
    viewer may see it: an instructor always; a learner once a finished attempt of theirs
    asked its question and that quiz's review shows answers now (what the review's own
    source link shows). Else None, so ?cite= cannot be run through to find the quotes a
    quiz with ``review: never`` hides."""
    if not current_user.is_authenticated:
        return None
    citation = db.session.execute(
        select(Citation.paragraph_id, Citation.quote, Citation.version_id)
        .join(Paragraph, Paragraph.id == Citation.paragraph_id)
        .where(Citation.id == cite_id, Paragraph.document_id == document_id)).first()
    if citation is None or current_user.is_instructor:
        return citation
    quizzes = db.session.execute(
        select(Quiz.review, Quiz.closes_at).distinct()
        .join(Attempt, Attempt.quiz_id == Quiz.id)
        .join(Response, Response.attempt_id == Attempt.id)
        .where(Response.version_id == citation.version_id,
               Attempt.user_id == current_user.id, Attempt.state == FINISHED))
    now = utcnow()
    return citation if any(answers_visible(quiz, now) for quiz in quizzes) else None


@bp.route("/<slug>")
def view(slug: str):
    document = db.session.execute(  # with its paragraphs, in order, in one statement
        db.select(Document).filter_by(slug=slug).options(joinedload(Document.paragraphs))
    ).unique().scalar_one_or_none()
    if document is None:
        abort(404)
    paragraphs = document.paragraphs
    counts, by_type = citing_counts(document.id)
    mastery = None
    if current_user.is_authenticated:
        mastery = progress.mastery(current_user.id, document.id)
    # ?cite=<citation id> marks that citation's quote in its paragraph.
    marked: dict[int, list[str]] = {}
    cite_id = request.args.get("cite", type=whole_number)
    citation = None if cite_id is None else shown_citation(cite_id, document.id)
    if citation is not None:
        marked[citation.paragraph_id] = [citation.quote]
    rendered = {p.id: highlight(p.text, marked.get(p.id, [])) for p in paragraphs}
    return render_template("documents/view.html", document=document, paragraphs=paragraphs,
                           counts=counts, by_type=by_type, rendered=rendered, marked=marked,
                           mastery=mastery, bands=progress.BANDS, types=QUESTION_TYPES)
