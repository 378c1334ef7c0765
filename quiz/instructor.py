"""The instructor's side: attempts, gradebook, quiz reports and exports."""
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
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from .accounts import temporary_password
from .attempts import close_attempt, close_overdue, lock_attempt, overdue_attempts
from .auth import instructor_required
from .courses import course_by_code, courses_taught, taught_quizzes, teaches, teaches_learner
from .database import write_transaction
from .exports import csv_chunks, gradebook_rows, response_rows
from .extensions import db
from .forms import ActionForm
from .models import Attempt, Document, Quiz, User, utcnow
from .quizsettings import deadline
from .quizstates import quiz_controls
from .scores import (
    WHICH_ATTEMPTS,
    UnknownAttempts,
    gradebook,
    item_report,
    overview,
    paragraph_report,
    reported,
)
from .tables import sort_and_page

# Reports (scores, statistics) and CSV exports are imported by the views that use them, so
# that create_app, which imports every view, stays quick.

bp = Blueprint("instructor", __name__, url_prefix="/instructor")


@bp.before_request
@login_required
def require_instructor():
    instructor_required()


@bp.before_request
def close_overdue_attempts():
    """Every page here reads attempts: those whose time is up are closed first, in a
    transaction of their own, so reports, exports and statistics count them."""
    now = utcnow()
    if overdue_attempts(now):
        with write_transaction():
            close_overdue(now)


@bp.route("/attempts/<int:attempt_id>/close", methods=["POST"])
def close_attempt_now(attempt_id: int):
    """Close an open attempt as a submit would (CSRFProtect checked the token)."""
    attempt = lock_attempt(attempt_id)
    if attempt is None or not teaches(current_user, attempt.quiz.course_id):
        abort(404)
    if close_attempt(attempt, utcnow()):
        flash(f"Attempt {attempt_id} by {attempt.user.username} is closed and graded.",
              "success")
    else:
        flash(f"Attempt {attempt_id} was closed already.", "info")
    db.session.commit()
    if request.form.get("back") == "attempts":
        return redirect(url_for(".attempts"))
    return redirect(url_for("learner.review", attempt_id=attempt_id))


def _scope():
    """The course the query string names (?course=CODE, one the instructor teaches, else
    404) and the condition on Quiz for the quizzes a page covers: that course's, or those
    of every course the instructor teaches."""
    code = request.args.get("course", "")
    if not code:
        return None, taught_quizzes(current_user)
    course = course_by_code(code)
    if course is None or not teaches(current_user, course.id):
        abort(404)
    return course, Quiz.course_id == course.id


def _scoped(template: str, course, **context):
    return render_template(template, course=course, courses=courses_taught(current_user),
                           **context)


@bp.route("/attempts")
def attempts():
    course, quizzes_of = _scope()
    # Narrowed by ?quiz=KEY and ?learner=NAME (part of a username, any case).
    quiz_key, learner = request.args.get("quiz", ""), request.args.get("learner", "").strip()
    query = (db.select(Attempt).join(Quiz, Quiz.id == Attempt.quiz_id)
             .where(quizzes_of, Attempt.preview.is_(False)))  # previews: on each quiz's page
    if quiz_key:
        query = query.where(Quiz.key == quiz_key)
    if learner:
        wild = learner[:40].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.join(User, User.id == Attempt.user_id).where(
            User.username.ilike(f"%{wild}%", escape="\\"))
    rows = db.session.execute(
        query.options(selectinload(Attempt.user), selectinload(Attempt.quiz))
        .order_by(Attempt.started_at.desc())).scalars().all()
    table = sort_and_page(rows, {
        "started": lambda a: a.started_at, "learner": lambda a: a.user.username.lower(),
        "quiz": lambda a: a.quiz.title, "score": lambda a: a.percent,
    }, default="started", descending=True)
    quizzes = db.session.execute(db.select(Quiz).where(quizzes_of).order_by(Quiz.title)
                                 ).scalars().all()
    return _scoped("instructor/attempts.html", course, table=table, deadline=deadline,
                   quizzes=quizzes, quiz_key=quiz_key, learner=learner)


@bp.route("/gradebook")
def gradebook_view():
    course, quizzes_of = _scope()
    quizzes, rows = gradebook(quizzes_of)
    columns = {"learner": lambda r: r.username.lower()}
    columns.update({q.key: (lambda r, q=q: r.grades.get(q.id)) for q in quizzes})
    table = sort_and_page(rows, columns, default="learner")
    return _scoped("instructor/gradebook.html", course, quizzes=quizzes, table=table)


def _learner(user_id: int, or_taught: bool = False) -> User:
    """A member of a course the instructor teaches (or, with ``or_taught``, one with
    attempts in it); else 404."""
    user = db.get_or_404(User, user_id)
    if not teaches_learner(current_user, user.id, or_taught):
        abort(404)
    return user


@bp.route("/learners/<int:user_id>")
def learner(user_id: int):
    user = _learner(user_id, or_taught=True)
    rows = db.session.execute(
        db.select(Attempt).filter_by(user_id=user.id).join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(taught_quizzes(current_user)).options(selectinload(Attempt.quiz))
        .order_by(Attempt.started_at.desc())
    ).scalars().all()
    return render_template("instructor/learner.html", learner=user, attempts=rows,
                           reset=ActionForm())


@bp.route("/learners/<int:user_id>/reset-password", methods=["POST"])
def reset_password(user_id: int):
    """Give a learner a temporary password, shown once here, to change at next login.
    Instructors' accounts are not reset this way (use the command line); only an
    instructor of a course the learner is in resets theirs."""
    user = _learner(user_id)
    if user.is_instructor:
        abort(403, description="An instructor's password is not reset from the browser.")
    password = temporary_password(user)
    db.session.commit()
    response = make_response(render_template("instructor/password_reset.html", learner=user,
                                              password=password))
    response.headers["Cache-Control"] = "no-store"  # the password is on this page only
    return response


@bp.route("/quizzes")
def quizzes():
    course, quizzes_of = _scope()
    rows = db.session.execute(
        db.select(Quiz).where(quizzes_of).options(selectinload(Quiz.document))
        .order_by(Quiz.id)).scalars().all()
    counts = dict(db.session.execute(
        db.select(Attempt.quiz_id, db.func.count()).where(reported())
        .group_by(Attempt.quiz_id)).all())
    return _scoped("instructor/quizzes.html", course, quizzes=rows, counts=counts)


def _quiz(key: str) -> Quiz:
    """A quiz of a course the instructor teaches; else 404."""
    return db.first_or_404(db.select(Quiz).filter_by(key=key)
                           .where(taught_quizzes(current_user)))


def _statistics(report, quiz: Quiz):
    """``report`` of the quiz over the attempts the query string asks for (?attempts=)."""
    try:
        return report(quiz, request.args.get("attempts", "graded"))
    except UnknownAttempts as exc:
        abort(400, description=str(exc))


@bp.route("/quizzes/<key>")
def quiz_overview(key: str):
    quiz = _quiz(key)
    return render_template("instructor/quiz_overview.html", quiz=quiz,
                           report=_statistics(overview, quiz), choices=WHICH_ATTEMPTS,
                           **quiz_controls(quiz, current_user.id))


@bp.route("/quizzes/<key>/items")
def quiz_items(key: str):
    quiz = _quiz(key)
    report = _statistics(item_report, quiz)
    items = report.items
    order = {id(item): n for n, item in enumerate(items)}
    table = sort_and_page(items, {
        "position": lambda i: order[id(i)], "facility": lambda i: i.stats.facility,
        "discrimination": lambda i: i.stats.discrimination,
        "flags": lambda i: -len(i.stats.flags),
    }, default="position", per_page=200)
    return render_template("instructor/quiz_items.html", quiz=quiz, table=table,
                           report=report, test=report.test, choices=WHICH_ATTEMPTS,
                           flagged=[i for i in items if i.stats.flags])


@bp.route("/documents/<slug>/paragraphs")
def paragraphs(slug: str):
    document = db.first_or_404(db.select(Document).filter_by(slug=slug))
    quiz = None
    if request.args.get("quiz"):
        quiz = db.first_or_404(db.select(Quiz).filter_by(key=request.args["quiz"],
                                                          document_id=document.id)
                               .where(taught_quizzes(current_user)))
    rows = paragraph_report(document.id, quiz.id if quiz else None,
                            quizzes_of=taught_quizzes(current_user))
    table = sort_and_page(rows, {
        "wrong": lambda r: r.wrong_rate, "paragraph": lambda r: r.paragraph.number,
        "responses": lambda r: r.responses,
    }, default="wrong", descending=True, per_page=50)
    return render_template("instructor/paragraphs.html", document=document, quiz=quiz,
                           table=table)


def _csv_download(rows, filename: str) -> Response:
    return Response(stream_with_context(csv_chunks(rows)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _csv_name(course, name: str) -> str:
    return f"{course.code}-{name}" if course is not None else name


@bp.route("/gradebook.csv")
def gradebook_csv():
    course, quizzes_of = _scope()
    return _csv_download(gradebook_rows(quizzes_of), _csv_name(course, "gradebook.csv"))


@bp.route("/responses.csv")
def responses_csv():
    course, quizzes_of = _scope()
    return _csv_download(response_rows(quizzes_of), _csv_name(course, "responses.csv"))
