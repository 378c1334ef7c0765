"""Imports and exports in the browser: the same formats and checks as the commands."""
from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField

from ..database import read_transaction
from ..extensions import db
from ..interchange import EXPORT_FORMATS, IMPORT_FORMATS, export_questions
from ..interchange.imports import ImportFailed, check_file
from ..types.forms import options
from ..worker import submit
from .blueprint import bp
from .jobs import queue
from .questions import authored, document_or_404

FORMAT_LABELS = {"yaml": "Bank YAML (reads back with bank load)", "gift": "GIFT (Moodle)",
                 "moodle-xml": "Moodle XML", "aiken": "Aiken (single choice only)"}
SUFFIXES = {"yaml": ("yaml", "application/yaml"), "gift": ("gift.txt", "text/plain"),
            "moodle-xml": ("xml", "application/xml"), "aiken": ("aiken.txt", "text/plain")}


class ImportForm(FlaskForm):
    file = FileField("The file to import")
    format = SelectField("Its format", validate_choice=False,
                         choices=options((f, FORMAT_LABELS[f]) for f in IMPORT_FORMATS))
    document = SelectField("The document its questions will cite", validate_choice=False)
    skip_duplicates = BooleanField(
        "Skip questions the document already has (the same prompt and answer)", default=True,
        description="Re-importing a file, or your own export, then adds only what is new.")


def _documents():
    return authored()


@bp.route("/transfer", methods=["GET", "POST"])
def transfer():
    documents = _documents()
    form = ImportForm()
    form.document.choices = options((d.slug, d.title) for d in documents)
    errors, status = [], 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        document = next((d for d in documents if d.slug == form.document.data), None)
        upload = form.file.data
        if document is None or form.format.data not in IMPORT_FORMATS:
            errors = ["Choose a format and a document."]
        elif upload is None or not upload.filename:
            form.file.errors = ["Choose a file."]
        else:
            # Checked here, so a mistake is shown at once with the form; written by a job.
            data, name, fmt = upload.read(), upload.filename, form.format.data
            try:
                skip = form.skip_duplicates.data
                with read_transaction():  # seconds for a big file: no write lock meanwhile
                    checked = check_file(data, name, fmt, document, skip)
                    title = f"Import of {name} into {document.title}"
            except ImportFailed as exc:
                errors = [f"{name}:{e}" for e in exc.errors]
            else:
                job = queue("import", title, {"document_id": document.id, "name": name,
                                              "format": fmt, "skip_duplicates": skip},
                            len(checked.prepared))
                db.session.flush()
                job_id = job.id
                db.session.commit()
                submit(job_id, data)
                return redirect(url_for("authoring.job_view", job_id=job_id))
        if errors or form.file.errors:
            status = 400
    return render_template("authoring/transfer.html", form=form, documents=documents,
                           formats=FORMAT_LABELS, errors=errors), status


def _exported():
    """The document and format named in the query string, and the export made of them."""
    document = document_or_404(request.args.get("document", ""))
    fmt = request.args.get("format", "yaml")
    if fmt not in EXPORT_FORMATS:
        abort(404)
    return document, fmt, export_questions(fmt, document)


@bp.route("/transfer/export")
def export():
    document, fmt, result = _exported()
    suffix, mimetype = SUFFIXES[fmt]
    headers = {"Content-Disposition": f'attachment; filename="{document.slug}.{suffix}"'}
    if result.report_lines():
        # What did not fit the format, said by name, never dropped silently.
        headers["X-Export-Report"] = "; ".join(result.report_lines())[:4000].encode(
            "ascii", "replace").decode()
    return Response(result.text, mimetype=f"{mimetype}; charset=utf-8", headers=headers)


@bp.route("/transfer/export/report")
def export_report():
    document, fmt, result = _exported()
    return render_template("authoring/export_report.html", document=document, fmt=fmt,
                           label=FORMAT_LABELS[fmt], result=result)
