"""Documents in the browser: add one by upload, bring in a new edition, review what it broke."""
from __future__ import annotations

from pathlib import PurePath

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy.orm import selectinload
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length

from ..courses import courses_taught
from ..database import read_transaction
from ..editions import DocumentError, add_document, parse_text
from ..extensions import db
from ..models import ACTIVE, DRAFT, NEEDS_REVIEW, STATUS_LABELS, Paragraph, Question
from ..types.forms import options
from ..worker import submit
from .blueprint import bp
from .jobs import queue
from .questions import authored, document_or_404

TEXT_SUFFIXES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown"}
FORMAT_CHOICES = [("auto", "From the file name (.md is Markdown)"), ("text", "Plain text"),
                  ("markdown", "Markdown")]


MAX_NAME = 200  # as for imports: a longer name is no one's real file


class UploadError(ValueError):
    pass


def read_upload(storage) -> tuple[str, str]:
    """The text of an uploaded file and the format its name suggests; UploadError if unfit."""
    if storage is None or not getattr(storage, "filename", ""):
        raise UploadError("choose a file")
    if len(storage.filename) > MAX_NAME:
        raise UploadError(f"the file name is longer than {MAX_NAME} characters; rename the "
                          "file and upload it again")
    suffix = PurePath(storage.filename).suffix.lower()
    if suffix not in TEXT_SUFFIXES:
        raise UploadError(f"'{storage.filename}' is not a .txt or .md file")
    data = storage.read()
    if b"\x00" in data:
        raise UploadError(f"'{storage.filename}' is not text (it holds binary data)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise UploadError(f"'{storage.filename}' is not UTF-8 text: line {line} has a byte "
                          f"that UTF-8 does not allow") from None
    return text, TEXT_SUFFIXES[suffix]


class DocumentForm(FlaskForm):
    file = FileField("The document: a UTF-8 text (.txt) or Markdown (.md) file")
    format = SelectField("Format", choices=options(FORMAT_CHOICES), default="auto",
                         validate_choice=False)
    title = StringField("Title (empty: its first heading)", validators=[Length(max=300)])
    slug = StringField("Short name for its address (empty: from the title)",
                       validators=[Length(max=80)])
    language = StringField("Language", default="en", validators=[Length(max=20)])
    origin = TextAreaField("Where it comes from", validators=[Length(max=2000)])
    attribution = TextAreaField("Attribution and rights", validators=[Length(max=2000)])
    course = SelectField("Course", choices=[], validate_choice=False)


class EditionForm(FlaskForm):
    file = FileField("The new text: a UTF-8 text (.txt) or Markdown (.md) file")
    format = SelectField("Format", choices=options(FORMAT_CHOICES), default="auto",
                         validate_choice=False)


@bp.route("/documents")
def document_list():
    documents = authored()
    # Per document and status: published (active), drafts and flagged counted apart.
    by_status: dict[int, dict[str, int]] = {}
    for document_id, status, count in db.session.execute(
            db.select(Question.document_id, Question.status, db.func.count())
            .group_by(Question.document_id, Question.status)):
        by_status.setdefault(document_id, {})[status] = count
    counts = {d: found.get(ACTIVE, 0) for d, found in by_status.items()}
    drafts = {d: found.get(DRAFT, 0) for d, found in by_status.items()}
    flagged = {d: found.get(NEEDS_REVIEW, 0) for d, found in by_status.items()}
    return render_template("authoring/document_list.html", documents=documents, counts=counts,
                           drafts=drafts, flagged=flagged)


@bp.route("/documents/new", methods=["GET", "POST"])
def new_document():
    form = DocumentForm()
    courses = courses_taught(current_user)
    form.course.choices = options((c.code, c.title) for c in courses)
    if not form.course.data:
        form.course.data = request.args.get("course") or (courses[0].code if courses else "")
    course = next((c for c in courses if c.code == form.course.data), None)
    if form.validate_on_submit() and course is None:
        form.course.errors = [*form.course.errors, "choose one of your courses"]
    elif form.is_submitted() and not form.errors:
        try:
            text, guessed = read_upload(form.file.data)
            fmt = guessed if form.format.data == "auto" else form.format.data
            document = add_document(text, title=form.title.data or "", slug=form.slug.data or "",
                                    fmt=fmt, language=form.language.data or "en",
                                    origin=form.origin.data or "",
                                    attribution=form.attribution.data or "")
        except UploadError as exc:
            form.file.errors = [*form.file.errors, str(exc)]
        except DocumentError as exc:
            target = form.slug if "short name" in str(exc) or "named" in str(exc) else (
                form.title if "title" in str(exc) else form.file)
            target.errors = [*target.errors, str(exc)]
        else:
            document.course_id = course.id
            db.session.commit()
            count = len(document.paragraphs)
            flash(f"Added '{document.title}': {count} paragraphs, p1 to p{count}.", "success")
            return redirect(url_for("documents.view", slug=document.slug))
    return render_template("authoring/document_new.html", form=form), \
        400 if form.is_submitted() else 200


@bp.route("/documents/<slug>/edition", methods=["GET", "POST"])
def new_document_edition(slug: str):
    document = document_or_404(slug)
    form = EditionForm()
    if form.validate_on_submit():
        try:
            text, guessed = read_upload(form.file.data)
            fmt = guessed if form.format.data == "auto" else form.format.data
            with read_transaction():  # parsed here, so its errors show at once
                paragraphs = len(parse_text(text, fmt))
                title = f"Edition {document.edition + 1} of {document.title}"
        except (UploadError, DocumentError) as exc:
            form.file.errors = [*form.file.errors, str(exc)]
        else:
            job = queue("edition", title, {"document_id": document.id, "format": fmt,
                                           "paragraphs": paragraphs})
            db.session.flush()
            job_id = job.id
            db.session.commit()
            submit(job_id, text.encode("utf-8"))
            return redirect(url_for("authoring.job_view", job_id=job_id))
    return render_template("authoring/document_edition.html", form=form, document=document), \
        400 if form.is_submitted() else 200


@bp.route("/documents/<slug>/needs-review")
def document_review(slug: str):
    """Questions flagged by a new edition, beside their paragraph's old and new text."""
    document = document_or_404(slug)
    questions = db.session.execute(
        db.select(Question).filter_by(document_id=document.id, status=NEEDS_REVIEW)
        .options(selectinload(Question.current)).order_by(Question.position)).scalars().all()
    paragraphs = {p.number: p for p in db.session.execute(
        db.select(Paragraph).filter_by(document_id=document.id)).scalars()}
    groups: dict[int, dict] = {}
    for question in questions:
        for flag in (question.detail or {}).get("flags", []):
            group = groups.setdefault(flag["old"], {
                "old": flag["old"], "old_text": flag["old_text"],
                "new": paragraphs.get(flag["new"]) if flag["new"] else None, "items": []})
            group["items"].append((question, flag))
    return render_template("authoring/document_review.html", document=document,
                           groups=[groups[k] for k in sorted(groups)], statuses=STATUS_LABELS)
