"""Documents in the browser: add by upload, read, and bring in a new edition."""
from __future__ import annotations

from flask import render_template

from ..extensions import db
from ..models import Document
from . import bp


@bp.route("/documents")
def document_list():
    documents = db.session.execute(db.select(Document).order_by(Document.title)).scalars().all()
    return render_template("authoring/document_list.html", documents=documents)
