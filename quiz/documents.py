"""The document view: the whole source, each paragraph anchored and counted."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import func

from .extensions import db
from .models import Citation, Document, Paragraph, Question
from .textmatch import highlight

bp = Blueprint("documents", __name__, url_prefix="/documents")


def citing_counts(document_id: int) -> dict[int, int]:
    """Paragraph id -> number of active questions whose current version cites it."""
    rows = db.session.execute(
        db.select(Citation.paragraph_id, func.count(func.distinct(Question.id)))
        .join(Question, Question.current_version_id == Citation.version_id)
        .where(Question.document_id == document_id, Question.status == "active")
        .group_by(Citation.paragraph_id)
    )
    return dict(rows.all())


@bp.route("/<slug>")
def view(slug: str):
    document = db.first_or_404(db.select(Document).filter_by(slug=slug))
    paragraphs = db.session.execute(
        db.select(Paragraph).filter_by(document_id=document.id).order_by(Paragraph.number)
    ).scalars().all()
    counts = citing_counts(document.id)
    # ?cite=<citation id> marks that citation's quote in its paragraph.
    marked: dict[int, list[str]] = {}
    cite_id = request.args.get("cite", type=int)
    if cite_id is not None:
        citation = db.session.get(Citation, cite_id)
        if citation is not None and citation.paragraph.document_id == document.id:
            marked[citation.paragraph_id] = [citation.quote]
    rendered = {p.id: highlight(p.text, marked.get(p.id, [])) for p in paragraphs}
    return render_template("documents/view.html", document=document, paragraphs=paragraphs,
                           counts=counts, rendered=rendered, marked=marked)
