"""Course pages: learners join by code or link; instructors run their courses' rosters."""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy.orm import selectinload
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from .auth import instructor_required
from .courses import (
    CourseError,
    course_by_code,
    courses_taught,
    create_course,
    instructors_of,
    join_by_code,
    learners_of,
    remove_learner,
    renew_enrolment_code,
    teaches,
)
from .exports import csv_chunks
from .extensions import db
from .forms import ActionForm, JoinForm
from .loginthrottle import join_failed, join_refused
from .models import Course, Document, Quiz, User
from .roster import RosterError, RosterInvalid, add_learner, enrol_roster, parse_roster

bp = Blueprint("courses", __name__)

MAX_ROSTER_BYTES = 512 * 1024


class CourseForm(FlaskForm):
    title = StringField("Title", validators=[Length(max=200)])
    code = StringField("Code", validators=[Length(max=40)],
                       description="Lower-case letters, digits and hyphens, such as "
                                   "'history-9b'; it names the course in addresses and "
                                   "on the command line and never changes.")


class LearnerForm(FlaskForm):
    username = StringField("Username", validators=[Length(max=40)])
    display_name = StringField("Display name (optional)", validators=[Length(max=100)])


class RosterForm(FlaskForm):
    file = FileField("A CSV file: username, display name (one learner a line)")
    text = TextAreaField("Or paste the lines here", validators=[Length(max=MAX_ROSTER_BYTES)])


# Learners: joining a course.

def _join(code: str):
    """Join the course with this enrolment code, throttled against guessing.
    Returns (course, message, status) for the page to show."""
    refusal = join_refused(current_user.id)
    if refusal is not None:
        return None, refusal.message, 429
    course, joined = join_by_code(current_user, code)
    if course is None:
        join_failed(current_user.id)  # (the counter's storage commits it)
        return None, (f"No course has the enrolment code '{code.strip()}'. Check it with "
                      "your instructor: codes are letters and digits, and a course's code "
                      "changes when its instructor makes a new one."), 404
    title = course.title
    db.session.commit()
    message = f"You joined {title}." if joined else f"You are in {title} already."
    return course, message, 200


@bp.route("/join", methods=["POST"])
@login_required
def join():
    form = JoinForm()
    if not form.validate_on_submit() or not (form.code.data or "").strip():
        form.code.errors = [*form.code.errors, "Enter the enrolment code."]
        return render_template("courses/join.html", form=form), 400
    course, message, status = _join(form.code.data)
    if course is None:
        form.code.errors = [*form.code.errors, message]
        return render_template("courses/join.html", form=form), status
    flash(message, "success")
    return redirect(url_for("learner.home"))


@bp.route("/join/<code>", methods=["GET", "POST"])
@login_required
def join_link(code: str):
    """A join link: GET asks to confirm, POST (with its CSRF token) joins."""
    form = ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        course, message, status = _join(code)
        if course is None:
            abort(status, description=message)
        flash(message, "success")
        return redirect(url_for("learner.home"))
    refusal = join_refused(current_user.id)
    if refusal is not None:
        abort(429, description=refusal.message)
    course = db.session.execute(
        db.select(Course).filter_by(enrolment_code=code.strip().lower())).scalar_one_or_none()
    if course is None:
        join_failed(current_user.id)
        abort(404, description="This join link is not (or no longer) a course's. Ask your "
                               "instructor for the current link or enrolment code.")
    return render_template("courses/join_link.html", course=course, code=code, form=form)


# Instructors: their courses.

def _taught(code: str) -> Course:
    """The course if the signed-in instructor teaches it; else 404 (or 403 for learners)."""
    instructor_required()
    course = course_by_code(code)
    if course is None or not teaches(current_user, course.id):
        abort(404)
    return course


@bp.route("/instructor/courses")
@login_required
def course_list():
    instructor_required()
    courses = courses_taught(current_user)
    counts = dict(db.session.execute(
        db.select(Quiz.course_id, db.func.count()).group_by(Quiz.course_id)).all())
    return render_template("courses/list.html", courses=courses, counts=counts)


@bp.route("/instructor/courses/new", methods=["GET", "POST"])
@login_required
def new_course():
    instructor_required()
    form = CourseForm()
    if form.validate_on_submit():
        try:
            course = create_course(form.title.data or "", form.code.data or "",
                                   db.session.get(User, current_user.id))
        except CourseError as exc:
            db.session.rollback()
            target = form.title if "title" in str(exc) else form.code
            target.errors = [*target.errors, str(exc)]
        else:
            code = course.code
            db.session.commit()
            flash("Course created. Give your learners its enrolment code or join link.",
                  "success")
            return redirect(url_for(".course", code=code))
    return render_template("courses/new.html", form=form), 400 if form.is_submitted() else 200


@bp.route("/instructor/courses/<code>")
@login_required
def course(code: str):
    course = _taught(code)
    documents = db.session.execute(db.select(Document).filter_by(course_id=course.id)
                                   .order_by(Document.title)).scalars().all()
    quizzes = db.session.execute(db.select(Quiz).filter_by(course_id=course.id)
                                 .options(selectinload(Quiz.document)).order_by(Quiz.id)
                                 ).scalars().all()
    return render_template(
        "courses/course.html", course=course, documents=documents, quizzes=quizzes,
        learners=learners_of(course), instructors=instructors_of(course),
        join_url=url_for(".join_link", code=course.enrolment_code, _external=True),
        action=ActionForm(), learner_form=LearnerForm())


@bp.route("/instructor/courses/<code>/enrolment-code", methods=["POST"])
@login_required
def new_enrolment_code(code: str):
    course = _taught(code)
    renew_enrolment_code(course)
    db.session.commit()
    flash("The course has a new enrolment code; the old code and link no longer work.",
          "success")
    return redirect(url_for(".course", code=code))


def _password_page(template: str, status: int = 200, **context):
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "no-store"  # temporary passwords are shown once
    return response


@bp.route("/instructor/courses/<code>/learners", methods=["POST"])
@login_required
def add_one(code: str):
    course = _taught(code)
    form = LearnerForm()
    if form.validate_on_submit():
        try:
            result = add_learner(course, form.username.data or "", form.display_name.data or "")
        except RosterInvalid as exc:
            db.session.rollback()
            form.username.errors = [e.message for e in exc.errors]
        else:
            db.session.commit()
            if result.password:
                return _password_page("courses/roster_result.html", course=course,
                                      results=[result], action=ActionForm())
            flash(f"{result.username}: {result.outcome}.", "success")
            return redirect(url_for(".course", code=code))
    return render_template("courses/add_learner.html", course=course, form=form), 400


@bp.route("/instructor/courses/<code>/learners/<int:user_id>/remove", methods=["POST"])
@login_required
def remove(code: str, user_id: int):
    course = _taught(code)
    user = db.get_or_404(User, user_id)
    if not remove_learner(course, user.id):
        abort(404)
    db.session.commit()
    flash(f"{user.username} is no longer in {course.title}; their past attempts stay.",
          "success")
    return redirect(url_for(".course", code=code))


@bp.route("/instructor/courses/<code>/roster", methods=["GET", "POST"])
@login_required
def roster(code: str):
    course = _taught(code)
    form = RosterForm()
    if not form.validate_on_submit():
        if form.is_submitted():
            return render_template("courses/roster.html", course=course, form=form), 400
        return render_template("courses/roster.html", course=course, form=form)
    try:
        rows = parse_roster(_roster_text(form))
        results = enrol_roster(course, rows)
    except RosterInvalid as exc:
        db.session.rollback()
        return render_template("courses/roster.html", course=course, form=form,
                               errors=exc.errors), 400
    db.session.commit()
    return _password_page("courses/roster_result.html", course=course, results=results,
                          action=ActionForm())


def _roster_text(form: RosterForm) -> str:
    storage = form.file.data
    if storage is not None and getattr(storage, "filename", ""):
        data = storage.read(MAX_ROSTER_BYTES + 1)
        if len(data) > MAX_ROSTER_BYTES:
            raise RosterInvalid([RosterError(1, "the file is larger than 512 KB")])
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            raise RosterInvalid([RosterError(line, "not UTF-8 text; save the file as CSV UTF-8")]
                                ) from None
    return form.text.data or ""


@bp.route("/instructor/courses/<code>/roster/passwords.csv", methods=["POST"])
@login_required
def roster_csv(code: str):
    """The result table just shown, as CSV: its form carries the rows (the passwords
    are kept nowhere but on that page)."""
    _taught(code)
    if not ActionForm().validate_on_submit():
        abort(400)
    names = request.form.getlist("username")
    rows = zip(names, request.form.getlist("display_name"), request.form.getlist("outcome"),
               request.form.getlist("password"), strict=False)
    lines = [["username", "display name", "result", "temporary password"], *map(list, rows)]
    return Response(csv_chunks(lines), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{code}-roster.csv"',
        "Cache-Control": "no-store"})
