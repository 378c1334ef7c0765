"""Bulk actions on the question list: publish, retire, tag, or delete drafts never asked.

One POST acts on every ticked question; each is done or refused with its reason, and an
error part way rolls the whole action back.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import selectinload

from ..courses import authored_documents
from ..entries import check_entry, document_spec, entry_of
from ..extensions import db
from ..forms import ActionForm
from ..models import (
    ACTIVE,
    DRAFT,
    RETIRED,
    STATUS_LABELS,
    Citation,
    Document,
    Question,
    QuestionVersion,
    Response,
)
from ..textmatch import find_quote
from ..versions import write_version
from .blueprint import bp

ACTIONS = {"publish": "published", "retire": "retired", "tag": "tagged", "delete": "deleted"}
MAX_KEYS = 1000
MAX_TAG = 60


@bp.route("/questions/bulk", methods=["POST"])
def bulk_questions():
    if not ActionForm().validate_on_submit():
        abort(400, description="The form expired; reload the page and try again.")
    action = request.form.get("action", "")
    keys = list(dict.fromkeys(request.form.getlist("key")))[:MAX_KEYS]
    back = redirect(url_for(".question_list", **request.args))
    if action not in ACTIONS:
        flash("Choose what to do with the ticked questions: publish, retire, add a tag or "
              "delete drafts.", "error")
        return back
    tag = request.form.get("tag", "").strip()
    if action == "tag" and not 0 < len(tag) <= MAX_TAG:
        flash(f"Give the tag to add (up to {MAX_TAG} characters); nothing was changed.",
              "error")
        return back
    questions = db.session.execute(select(Question).where(
        Question.key.in_(keys), Question.document_id.in_(
            select(Document.id).where(authored_documents(current_user)))).options(
        selectinload(Question.current).selectinload(QuestionVersion.citations)
        .selectinload(Citation.paragraph))).scalars().all()
    if not questions:
        flash("Tick at least one question.", "error")
        return back
    done, refused = [], []
    for question in sorted(questions, key=lambda q: keys.index(q.key)):
        reason = ACT[action](question, tag)
        (refused if reason else done).append((question.key, reason))
    db.session.commit()  # one commit: an error part way leaves every question as it was
    summary = f"{ACTIONS[action]} {len(done)}"
    if done:
        summary += ": " + ", ".join(f"'{k}'" for k, _ in done)
    for key, reason in refused:
        summary += f"; '{key}' not {ACTIONS[action]}: {reason}"
    flash(summary[0].upper() + summary[1:] + ".", "error" if refused else "success")
    return back


def _publish(question: Question, _tag: str) -> str:
    if question.status != DRAFT:
        return f"it is {STATUS_LABELS[question.status]}, not a draft"
    cites = question.current.citations
    if not cites:
        return "needs a source"
    if any(find_quote(c.paragraph.text, c.quote) is None for c in cites):
        return "a quote is no longer in its paragraph"
    question.status, question.note, question.detail = ACTIVE, "", None
    return ""


def _retire(question: Question, _tag: str) -> str:
    if question.status == RETIRED:
        return "already retired"
    question.status = RETIRED
    return ""


def _tag(question: Question, tag: str) -> str:
    version = question.current
    if tag in version.tags:
        return f"already tagged {tag}"
    entry = entry_of(version, question.key)
    entry["tags"] = [*version.tags, tag]
    document = db.session.get(Document, question.document_id)
    checked = check_entry(entry, document_spec(document),
                          need_source=question.status != DRAFT)
    if checked.spec is None:
        return "its entry does not check (edit it first)"
    write_version(question, checked.spec, f"browser: {current_user.username}")
    return ""


def _delete(question: Question, _tag: str) -> str:
    if question.status != DRAFT:
        return f"it is {STATUS_LABELS[question.status]}; only drafts are deleted"
    versions = select(QuestionVersion.id).where(QuestionVersion.question_id == question.id)
    if db.session.execute(select(exists().where(Response.version_id.in_(versions)))).scalar():
        return "learners' attempts asked it"
    db.session.execute(update(Question).where(Question.id == question.id)
                       .values(current_version_id=None))
    db.session.execute(delete(Citation).where(Citation.version_id.in_(versions)))
    db.session.execute(delete(QuestionVersion).where(QuestionVersion.question_id == question.id))
    db.session.execute(delete(Question).where(Question.id == question.id))
    return ""


ACT = {"publish": _publish, "retire": _retire, "tag": _tag, "delete": _delete}
