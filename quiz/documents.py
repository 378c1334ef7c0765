"""The document view: the whole source, each paragraph anchored and counted."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm import joinedload

from . import progress
from .extensions import db
from .inputlimits import whole_number
from .models import Citation, Document, Question, QuestionVersion
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
    if cite_id is not None:
        citation = db.session.get(Citation, cite_id)
        if citation is not None and citation.paragraph.document_id == document.id:
            marked[citation.paragraph_id] = [citation.quote]
    rendered = {p.id: highlight(p.text, marked.get(p.id, [])) for p in paragraphs}
    return render_template("documents/view.html", document=document, paragraphs=paragraphs,
                           counts=counts, by_type=by_type, rendered=rendered, marked=marked,
                           mastery=mastery, bands=progress.BANDS, types=QUESTION_TYPES)
