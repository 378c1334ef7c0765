"""The quiz editor: selection rule, shuffling, grading, time limit, attempts, dates, review."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import or_
from sqlalchemy.orm import selectinload
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from ..bankparse import check_quiz as check_quiz_entry
from ..courses import authored_documents, courses_taught, taught_quizzes
from ..drawing import Candidate, pool
from ..entries import line_dicts
from ..extensions import db
from ..models import ACTIVE, Document, Question, Quiz
from ..quizsettings import REVIEW_OPTIONS, bank_settings
from ..types.forms import options
from ..words import did_you_mean
from .blueprint import bp
from .questions import sections_by_document

RULES = [("all", "Every active question of the document"),
         ("section", "The questions of one section"),
         ("tags", "The questions with any of these tags"),
         ("questions", "An explicit list of questions, in order"),
         ("blocks", "Built with the quiz builder (kept as built)")]
GRADING_LABELS = {"highest": "Highest attempt", "average": "Average of attempts",
                  "first": "First attempt", "last": "Last attempt"}


class QuizForm(FlaskForm):
    key = StringField("Id", validators=[Length(max=80)],
                      description="Lower-case letters, digits, '.', '_' or '-'; never changes.")
    title = StringField("Title", validators=[Length(max=300)])
    description = TextAreaField("Description (shown on the quiz page)",
                                validators=[Length(max=4000)])
    document = SelectField("Document", choices=[], validate_choice=False)
    course = SelectField("Course (whose learners take it)", choices=[], validate_choice=False)
    rule = RadioField("Take", choices=options(RULES), default="all", validate_choice=False)
    section = SelectField("Section", choices=[], validate_choice=False)
    tags = StringField("Tags (separated by commas)", validators=[Length(max=500)])
    questions = TextAreaField("Question ids, one per line, in order",
                              validators=[Length(max=20000)])
    count = StringField("Draw this many at random for each attempt (empty: all)",
                        validators=[Length(max=10)])
    shuffle_questions = BooleanField("Shuffle the questions", default=True)
    shuffle_choices = BooleanField("Shuffle the choices within questions", default=True)
    grading = SelectField("Grade from", choices=options(GRADING_LABELS.items()),
                          validate_choice=False)
    time_limit = StringField("Time limit in minutes (0: none)", default="0",
                             validators=[Length(max=10)])
    attempts = StringField("Attempts allowed (0: no limit)", default="0",
                           validators=[Length(max=10)])
    opens = StringField("Opens (YYYY-MM-DD HH:MM, UTC; optional)", validators=[Length(max=30)])
    closes = StringField("Closes (YYYY-MM-DD HH:MM, UTC; optional)",
                         validators=[Length(max=30)])
    review = RadioField("Learners see the correct answers, feedback and sources",
                        choices=options(REVIEW_OPTIONS.items()), default="immediately",
                        validate_choice=False)

    built: list = []  # the quiz's blocks, when the builder made its selection

    def to_entry(self) -> dict:
        rule = self.rule.data or "all"
        select: dict = {
            "all": {"all": True},
            "section": {"section": self.section.data or ""},
            "tags": {"tags": [t.strip() for t in (self.tags.data or "").split(",") if t.strip()]},
            "questions": {"questions": [q.strip() for q in (self.questions.data or "")
                                        .splitlines() if q.strip()]},
            "blocks": {"blocks": self.built},
        }.get(rule, {rule: True})
        if rule != "blocks" and (self.count.data or "").strip():
            select["count"] = _whole(self.count.data)
        entry = {"id": (self.key.data or "").strip(), "title": (self.title.data or "").strip(),
                 "description": (self.description.data or "").strip(), "select": select,
                 "shuffle_questions": bool(self.shuffle_questions.data),
                 "shuffle_choices": bool(self.shuffle_choices.data),
                 "grading": self.grading.data or "highest",
                 "time_limit": _whole(self.time_limit.data or "0"),
                 "attempts": _whole(self.attempts.data or "0"),
                 "review": self.review.data or "immediately"}
        for key in ("opens", "closes"):
            if (self[key].data or "").strip():
                entry[key] = self[key].data.strip()
        return entry

    def fill(self, quiz: Quiz, slug: str) -> None:
        self.key.data, self.title.data = quiz.key, quiz.title
        self.description.data, self.document.data = quiz.description, slug
        select = quiz.select
        self.rule.data = next((r for r, _ in RULES if r in select), "all")
        self.section.data = select.get("section", "")
        self.tags.data = ", ".join(select.get("tags") or [])
        self.questions.data = "\n".join(select.get("questions") or [])
        if "blocks" in select:
            named = [k for b in select["blocks"] if "questions" in b for k in b["questions"]]
            self.questions.data = "\n".join(named)
        self.count.data = str(select.get("count") or "")
        self.shuffle_questions.data = quiz.shuffle_questions
        self.shuffle_choices.data = quiz.shuffle_choices
        self.grading.data = quiz.grading_method
        settings = bank_settings(quiz)
        self.time_limit.data = str(quiz.time_limit)
        self.attempts.data = str(quiz.attempts_allowed)
        self.review.data = quiz.review
        self.opens.data, self.closes.data = settings.get("opens", ""), settings.get("closes", "")


def _whole(text: str):
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else text


@bp.route("/quizzes")
def quiz_list():
    quizzes = db.session.execute(
        db.select(Quiz).where(taught_quizzes(current_user)).options(selectinload(Quiz.document))
        .order_by(Quiz.document_id, Quiz.id)
    ).scalars().all()
    return render_template("authoring/quiz_list.html", quizzes=quizzes,
                           grading=GRADING_LABELS, review=REVIEW_OPTIONS)


@bp.route("/quizzes/new", methods=["GET", "POST"])
def new_quiz():
    return _editor(None)


@bp.route("/quizzes/<key>/edit", methods=["GET", "POST"])
def edit_quiz(key: str):
    return _editor(db.first_or_404(db.select(Quiz).filter_by(key=key)
                                   .where(taught_quizzes(current_user))))


def _editor(quiz: Quiz | None):
    # The documents of the courses taught, and the quiz's own (kept when editing it).
    documents = db.session.execute(db.select(Document).where(or_(
        authored_documents(current_user), Document.id == (quiz.document_id if quiz else None)))
        .order_by(Document.title)).scalars().all()
    courses = courses_taught(current_user)
    form = QuizForm()
    form.built = list(quiz.select.get("blocks") or []) if quiz is not None else []
    form.course.choices = options((c.code, c.title) for c in courses)
    if not form.course.data:  # a new quiz: the course asked for, or the first one taught
        form.course.data = quiz.course.code if quiz is not None else \
            request.args.get("course") or (courses[0].code if courses else "")
    course = next((c for c in courses if c.code == form.course.data), None)
    if quiz is not None and request.method == "GET":
        form.fill(quiz, quiz.document.slug)
    if quiz is not None:
        form.key.data, form.document.data = quiz.key, quiz.document.slug
    elif request.method == "GET" and request.args.get("document"):
        form.document.data = request.args["document"]
    form.document.choices = options((d.slug, d.title) for d in documents)
    document = next((d for d in documents if d.slug == form.document.data), None) or \
        (documents[0] if documents else None)
    # Each document's sections by their headings' words; the page's script switches the
    # Section select to the chosen document's at once (a new quiz; a quiz keeps its document).
    by_document = sections_by_document(documents) if quiz is None else \
        sections_by_document([document])
    titled = by_document.get(document.slug, []) if document else []
    sections = [slug for slug, _ in titled]
    form.section.choices = options([("", "(choose a section)"), *titled])
    if quiz is None:
        form.document.render_kw = {"data-sections": "sections-by-document",
                                   "data-sections-target": form.section.id}
    status = 200
    if request.method == "POST":
        if form.validate_on_submit() and document is not None and course is not None:
            entry = form.to_entry()
            errors = check_quiz(entry, document, sections)
            if quiz is None and db.session.execute(
                    db.select(Quiz.id).filter_by(key=entry["id"])).first():
                errors.setdefault("key", []).append(f"quiz id '{entry['id']}' is taken")
            if not errors:
                return _save(entry, document, quiz, course.id)
            for name, messages in errors.items():
                target = form[name] if name in form else None
                if target is None:
                    form.form_errors = [*form.form_errors, *messages]
                else:
                    target.errors = [*target.errors, *messages]
        if course is None:
            form.course.errors = [*form.course.errors, "choose one of your courses"]
        status = 400
    return render_template("authoring/quiz_form.html", form=form, quiz=quiz,
                           document=document, sections_by_document=by_document), status


# The form field each field of a quiz entry is edited in, where the names differ.
FIELD_OF = {"id": "key", "select": "rule", "select.count": "count"}


def check_quiz(entry: dict, document: Document, sections: list[str]) -> dict[str, list[str]]:
    """The bank checker's verdict on a quiz entry plus what needs the stored questions."""
    found: list = []
    spec = check_quiz_entry(line_dicts(entry), document.slug, "quiz editor", found)
    errors: dict[str, list[str]] = {}
    for error in found:
        name = FIELD_OF.get(error.field, error.field.split(".")[0] or "title")
        errors.setdefault(name, []).append(error.message)
    if spec is None:
        return errors
    select = spec.select
    rows = db.session.execute(db.select(Question).filter_by(
        document_id=document.id, status=ACTIVE).options(selectinload(Question.current))
    ).scalars().all()
    if "section" in select and select["section"] not in sections:
        errors.setdefault("section", []).append("choose a section of the document")
    if "questions" in select:
        known = {q.key for q in rows}
        missing = [k for k in select["questions"] if k not in known]
        if missing:
            errors.setdefault("questions", []).append(
                "not published questions of this document: " + ", ".join(
                    k + did_you_mean(k, known) for k in missing))
    if "tags" in select and not select["tags"]:
        errors.setdefault("tags", []).append("give at least one tag")
    if errors:
        return errors
    admitted = pool(select, [Candidate(q.key, q.current.tags, q.current.section, q.exam_only)
                             for q in rows if q.current])
    if not admitted:
        errors.setdefault("rule", []).append(
            "this selection matches no published question (exam-only ones only by name)")
    elif select.get("count") and select["count"] > len(admitted):
        errors.setdefault("count", []).append(
            f"asks for {select['count']} questions but the selection has {len(admitted)}")
    return errors


def _save(entry: dict, document: Document, quiz: Quiz | None, course_id: int):
    spec = check_quiz_entry(line_dicts(entry), document.slug, "quiz editor", [])
    values = {"document_id": document.id, "course_id": course_id, "title": spec.title,
              "description": spec.description, "select": spec.select,
              "shuffle_questions": spec.shuffle_questions,
              "shuffle_choices": spec.shuffle_choices, "grading_method": spec.grading,
              **spec.settings}
    if quiz is None:
        quiz = Quiz(key=spec.id, **values)
        db.session.add(quiz)
        flash(f"Quiz '{spec.id}' created.", "success")
    else:
        for name, value in values.items():
            setattr(quiz, name, value)
        flash(f"Quiz '{spec.id}' saved.", "success")
    db.session.commit()
    return redirect(url_for(".quiz_list"))
