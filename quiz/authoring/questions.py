"""Question pages: the list, create, edit, preview, history, retire and restore."""
from __future__ import annotations

import difflib

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload
from wtforms.form import BaseForm

from ..banklint.commands import lint_question
from ..bankparse import field_parts
from ..courses import authored_documents
from ..docparse import HEADING
from ..entries import attach_citations, check_entry, document_spec, entry_of
from ..extensions import db
from ..forms import ActionForm
from ..interchange.bankyaml import dump
from ..models import (
    ACTIVE,
    DRAFT,
    NEEDS_REVIEW,
    RETIRED,
    STATUS_LABELS,
    Citation,
    Document,
    Paragraph,
    Question,
    QuestionVersion,
    Response,
)
from ..tables import sort_and_page
from ..textmatch import find_quote, slugify
from ..types import QUESTION_TYPES
from ..types.forms import QuestionForm
from ..versions import write_version
from .blueprint import bp
from .preview import preview_of_spec, preview_of_version

MAX_INT = 2**31 - 1  # the largest number an integer column holds everywhere


def authored() -> list[Document]:
    """The documents the instructor writes questions for: their courses', by title."""
    return db.session.execute(db.select(Document).where(authored_documents(current_user))
                              .order_by(Document.title)).scalars().all()


def document_or_404(slug: str) -> Document:
    """A document of a course the instructor teaches (another's is not there: 404)."""
    return db.first_or_404(db.select(Document).filter_by(slug=slug)
                           .where(authored_documents(current_user)))


def question_or_404(key: str) -> Question:
    """A question of a document the instructor may author; 404 otherwise."""
    return db.first_or_404(db.select(Question).filter_by(key=key).where(
        Question.document_id.in_(db.select(Document.id).where(
            authored_documents(current_user)))).options(
        selectinload(Question.current).selectinload(QuestionVersion.citations)
        .selectinload(Citation.paragraph)))


def paragraphs_of(document: Document) -> list[Paragraph]:
    return db.session.execute(
        db.select(Paragraph).filter_by(document_id=document.id).order_by(Paragraph.number)
    ).scalars().all()


def paragraph_choices(paragraphs: list[Paragraph]) -> list[tuple[str, str]]:
    """The paragraph picker: each citable paragraph by its anchor and the start of its text."""
    return [(str(p.number), f"p{p.number} · {p.text[:90]}{'…' if len(p.text) > 90 else ''}")
            for p in paragraphs if p.kind != HEADING]


# -- the list -------------------------------------------------------------------------------

@bp.route("/questions")
def question_list():
    args = request.args
    documents = authored()
    query = db.select(Question).where(Question.document_id.in_(
        [d.id for d in documents])).options(
        selectinload(Question.current).selectinload(QuestionVersion.citations)
        .selectinload(Citation.paragraph)).order_by(Question.document_id, Question.position)
    document = next((d for d in documents if d.slug == args.get("document")), None)
    if document is not None:
        query = query.where(Question.document_id == document.id)
    if args.get("status") in STATUS_LABELS:
        query = query.where(Question.status == args["status"])
    elif args.get("status") == "exam_only":
        query = query.where(Question.exam_only.is_(True))
    rows = [q for q in db.session.execute(query).scalars() if q.current and _matches(q, args)]
    slugs = {d.id: d.slug for d in documents}
    table = sort_and_page(rows, {
        "position": lambda q: (q.document_id, q.position), "id": lambda q: q.key,
        "type": lambda q: q.current.type, "status": lambda q: q.status,
        "section": lambda q: q.current.section, "changed": lambda q: q.current.created_at,
        "paragraph": lambda q: _first_paragraph(q) or 0,
    }, default="position", per_page=50)
    # Sections in document order, each by its heading's words (its slug is the value); every
    # listed document's, so the page's script can fill the Section select without a request.
    by_document = sections_by_document(documents)
    titles = dict(by_document.get(document.slug, [])) if document else {}
    tags = sorted({t for q in rows for t in q.current.tags})
    return render_template("authoring/question_list.html", table=table, documents=documents,
                           document=document, sections=list(titles), section_titles=titles,
                           sections_by_document=by_document, tags=tags, slugs=slugs,
                           types=QUESTION_TYPES, statuses=STATUS_LABELS, args=args,
                           form=ActionForm())


def sections_by_document(documents: list[Document]) -> dict[str, list[tuple[str, str]]]:
    """Per document slug, its sections in document order as (slug, first heading's words)."""
    slugs = {d.id: d.slug for d in documents}
    found: dict[str, dict[str, str]] = {slug: {} for slug in slugs.values()}
    for heading in db.session.execute(
            db.select(Paragraph.document_id, Paragraph.section, Paragraph.text)
            .where(Paragraph.kind == HEADING, Paragraph.document_id.in_(list(slugs)))
            .order_by(Paragraph.document_id, Paragraph.number)):
        found[slugs[heading.document_id]].setdefault(heading.section, heading.text)
    return {slug: list(titles.items()) for slug, titles in found.items()}


def _first_paragraph(question: Question) -> int | None:
    cites = question.current.citations
    return cites[0].paragraph.number if cites else None


def _matches(question: Question, args) -> bool:
    version = question.current
    if args.get("type") and version.type != args["type"]:
        return False
    if args.get("tag") and args["tag"] not in version.tags:
        return False
    section = args.get("section")
    if section and not (version.section == section or version.section.startswith(section + "/")):
        return False
    paragraph = args.get("paragraph", "").removeprefix("p")
    if paragraph and paragraph not in {str(c.paragraph.number) for c in version.citations}:
        return False
    words = args.get("q", "").casefold().split()
    haystack = f"{question.key} {version.prompt} {version.explanation}".casefold()
    return all(w in haystack for w in words)


# -- create and edit ------------------------------------------------------------------------

@bp.route("/questions/new", methods=["GET", "POST"])
def new_question():
    slug, qtype = request.args.get("document", ""), request.args.get("type", "")
    if qtype not in QUESTION_TYPES or not slug:
        return render_template("authoring/question_new.html", documents=authored(),
                               types=QUESTION_TYPES, slug=slug, qtype=qtype)
    document = document_or_404(slug)
    form = QUESTION_TYPES[qtype].form_class(prefix="edit")
    return _editor(form, document, None)


@bp.route("/questions/<key>/edit", methods=["GET", "POST"])
def edit_question(key: str):
    question = question_or_404(key)
    document = db.get_or_404(Document, question.document_id)
    form = QUESTION_TYPES[question.current.type].form_class(prefix="edit")
    if request.method == "GET":
        entry = entry_of(question.current, question.key)
        suggested = (question.detail or {}).get("suggested") or []
        if question.status == DRAFT and suggested:
            attach_citations(entry, suggested)
        form.fill(entry)
        form.exam_only.data = question.exam_only
    form.key.data = question.key
    return _editor(form, document, question)


def _editor(form: QuestionForm, document: Document, question: Question | None):
    paragraphs = paragraphs_of(document)
    form.pad(paragraph_choices(paragraphs))
    preview, status, findings, added = None, 200, [], False
    if request.method == "POST" and "add_choice" in request.form:
        form.add_choice()  # the same form, one row longer: nothing is checked or saved
        added = True
    elif request.method == "POST":
        if not form.validate_on_submit():
            status = 400
        else:
            entry = form.to_entry()
            if question is None and not entry["id"] and entry.get("prompt"):
                entry["id"] = form.key.data = _id_from(entry["prompt"])
            checked = check_entry(entry, document_spec(document))
            if question is None and entry["id"] and db.session.execute(
                    db.select(Question.id).filter_by(key=entry["id"])).first():
                checked.add("id", f"id '{entry['id']}' is taken; choose another",
                            f"The id “{entry['id']}” is taken; choose another.")
                checked.spec = None
            if checked.spec is None:
                _show_errors(form, checked.sentences)
                status = 400
            else:
                findings = lint_question(checked.spec, document, paragraphs)
                if request.form.get("action") != "preview":
                    return _save(checked.spec, document, question, findings)
                preview = preview_of_spec(checked.spec, paragraphs)
    return render_template(
        "authoring/question_form.html", form=form, document=document, question=question,
        kind=QUESTION_TYPES[form.type_name], preview=preview, findings=findings,
        paragraph_texts={str(p.number): p.text for p in paragraphs},
        statuses=STATUS_LABELS, failed=status == 400, added=added,
        previewing=request.form.get("action") == "preview",
    ), status


def _id_from(prompt: str) -> str:
    """An unused id made from a prompt's first words: 'in-which-year-did-the'."""
    base = "-".join(slugify(prompt).split("-")[:6])[:60].strip("-") or "question"
    key, n = base, 1
    while db.session.execute(db.select(Question.id).filter_by(key=key)).first():
        n += 1
        key = f"{base}-{n}"
    return key


def _save(spec, document: Document, question: Question | None, findings):
    created = question is None
    if created:
        last = db.session.execute(db.select(db.func.max(Question.position)).filter_by(
            document_id=document.id)).scalar()
        question = Question(key=spec.id, document_id=document.id, status=DRAFT,
                            position=(last or 0) + 1)
        db.session.add(question)
        db.session.flush()
    fixing = question.status in (DRAFT, NEEDS_REVIEW)
    exam_only_changed = question.exam_only != spec.exam_only
    question.exam_only = spec.exam_only
    version = write_version(question, spec, f"browser: {current_user.username}", force=fixing)
    db.session.commit()
    if created:
        flash(f"Question '{question.key}' created as a draft: no quiz draws it until you "
              "publish it.", "success")
    elif version is None and exam_only_changed:
        flash("Saved: " + ("exam only." if spec.exam_only else "no longer exam only."),
              "success")
    elif version is None:
        flash("Nothing changed, so no new version was made.", "info")
    else:
        flash(f"Saved as version {version.number}.", "success")
    for finding in findings:  # saved all the same: the lint advises, the checker decides
        flash(f"Lint {finding.severity}: {finding.message}", "warning")
    return redirect(url_for(".question_detail", key=question.key))


def _show_errors(form: QuestionForm, errors: dict[str, list[str]]) -> None:
    """Put each of the checker's sentences beside the form field its path names (the
    nearest one the form has); the rest, and the entry's own, above the form."""
    form.form_errors = list(form.form_errors)
    for where, messages in errors.items():
        field = _field_at(form, field_parts(form.error_fields.get(where, where)))
        if field is None:
            form.form_errors.extend(messages)
        else:
            field.errors = [*field.errors, *messages]


def _field_at(form: QuestionForm, path: list[str | int]):
    """The field at ``path`` (``["choices", 2, "text"]``), or the nearest field above it
    that shows errors: a row list shows those of its rows."""
    node, found = form, None
    for step in path:
        if isinstance(step, int):
            if not hasattr(node, "entries") or step >= len(node.entries):
                break
            node = node.entries[step].form
        elif isinstance(node, BaseForm) and step in node:
            node = node[step]
            if not isinstance(node.errors, dict):  # a FormField's errors are its rows'
                found = node
        else:
            break
    return found


@bp.route("/documents/<slug>/quote-check")
def quote_check(slug: str):
    """Whether a quote is in a paragraph, for the check-as-you-type script."""
    document = document_or_404(slug)
    number = request.args.get("paragraph", "").removeprefix("p")
    paragraph = db.session.execute(db.select(Paragraph).filter_by(
        document_id=document.id,
        number=int(number) if number.isascii() and number.isdigit() and len(number) < 10
        else -1)).scalar()
    if paragraph is None:
        return jsonify(found=False, text="", message="Choose a paragraph.")
    quote = request.args.get("quote", "")
    if not quote.strip():
        return jsonify(found=False, text=paragraph.text, message="")
    found = find_quote(paragraph.text, quote) is not None
    return jsonify(found=found, text=paragraph.text,
                   message="The quote is in the paragraph." if found
                   else f"Not found in p{paragraph.number}: the quote must be verbatim.")


# -- one question: history, preview, retire, restore ------------------------------------------

@bp.route("/questions/<key>")
def question_detail(key: str):
    question = question_or_404(key)
    versions = db.session.execute(
        db.select(QuestionVersion).filter_by(question_id=question.id)
        .options(selectinload(QuestionVersion.citations).selectinload(Citation.paragraph))
        .order_by(QuestionVersion.number.desc())).scalars().all()
    used = dict(db.session.execute(
        db.select(Response.version_id, db.func.count()).where(
            Response.version_id.in_([v.id for v in versions])).group_by(Response.version_id)
    ).all())
    texts = {v.id: dump(entry_of(v, question.key)).splitlines() for v in versions}
    changes = {}
    for newer, older in zip(versions, versions[1:], strict=False):
        changes[newer.id] = [line for line in difflib.unified_diff(
            texts[older.id], texts[newer.id], lineterm="", n=1)][2:]
    return render_template(
        "authoring/question_detail.html", question=question, versions=versions, used=used,
        changes=changes, texts=texts, statuses=STATUS_LABELS, form=ActionForm(),
        preview=preview_of_version(question.current),
        document=db.session.get(Document, question.document_id))


@bp.route("/questions/<key>/versions/<int:number>")
def version_preview(key: str, number: int):
    question = question_or_404(key)
    if number > MAX_INT:
        abort(404)
    version = db.first_or_404(db.select(QuestionVersion).filter_by(
        question_id=question.id, number=number))
    return render_template("authoring/question_preview.html", question=question,
                           version=version, preview=preview_of_version(version))


@bp.route("/questions/<key>/retire", methods=["POST"])
def retire_question(key: str):
    question = question_or_404(key)
    if not ActionForm().validate_on_submit():
        abort(400)
    question.status = RETIRED
    db.session.commit()
    flash(f"'{key}' is retired: new attempts leave it out; past attempts keep it.", "success")
    return redirect(url_for(".question_detail", key=key))


@bp.route("/questions/<key>/restore", methods=["POST"])
def restore_question(key: str):
    question = question_or_404(key)
    if not ActionForm().validate_on_submit():
        abort(400)
    version = question.current
    broken = [c for c in version.citations if find_quote(c.paragraph.text, c.quote) is None]
    if not version.citations or broken:
        flash("This question cannot be restored as it is: its source needs fixing. "
              "Edit it to choose a paragraph and quote.", "error")
        question.status = DRAFT if not version.citations else NEEDS_REVIEW
    else:
        question.status = ACTIVE
        flash(f"'{key}' is active again.", "success")
    db.session.commit()
    return redirect(url_for(".question_detail", key=key))


@bp.route("/questions/<key>/publish", methods=["POST"])
def publish_question(key: str):
    """Release a draft to the quizzes whose rule selects it; it needs a checked source."""
    question = question_or_404(key)
    if not ActionForm().validate_on_submit():
        abort(400)
    if question.status != DRAFT:
        flash(f"'{key}' is {STATUS_LABELS[question.status]}, not a draft: nothing to publish.",
              "info")
        return redirect(url_for(".question_detail", key=key))
    version = question.current
    broken = [c for c in version.citations if find_quote(c.paragraph.text, c.quote) is None]
    if not version.citations or broken:
        flash("This draft cannot be published yet: it needs a source, a paragraph and the "
              "quote that proves the answer. Edit it to choose them.", "error")
        return redirect(url_for(".question_detail", key=key))
    question.status, question.note, question.detail = ACTIVE, "", None
    db.session.commit()
    flash(f"'{key}' is published: quizzes whose rule selects it draw it from now on"
          + (" (it is exam only: only quizzes that name it)." if question.exam_only else "."),
          "success")
    return redirect(url_for(".question_detail", key=key))
