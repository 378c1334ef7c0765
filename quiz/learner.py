"""The learner's side: the home page, quizzes, attempts and their reviews."""
from __future__ import annotations

from functools import cache

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy.orm import joinedload, selectinload

from . import progress
from .attempts import (
    EmptyQuiz,
    QuizUnavailable,
    attempt_and_question,
    attempt_to_submit,
    close_attempt,
    finish_if_overdue,
    latest_sequence,
    open_attempt,
    question_page,
    save_answer,
    start_attempt,
)
from .auth import claimed_login, signed_in_as
from .database import reads_first, start_writing
from .extensions import db, login_manager
from .inputlimits import whole_number
from .models import (
    IN_PROGRESS,
    Attempt,
    Document,
    Quiz,
    utcnow,
)
from .quizsettings import REVIEW_OPTIONS, answers_visible, overdue
from .review import review_items, reviewed_attempt
from .types import get_type

bp = Blueprint("learner", __name__)


class ActionForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change state."""


@bp.route("/")
def home():
    documents = db.session.execute(
        db.select(Document).options(joinedload(Document.quizzes)).order_by(Document.title)
    ).unique().scalars().all()
    open_quiz_ids = set()
    if current_user.is_authenticated:
        open_quiz_ids = set(db.session.execute(
            db.select(Attempt.quiz_id).filter_by(user_id=current_user.id, state=IN_PROGRESS)
        ).scalars())
    return render_template("learner/home.html", documents=documents, open_quiz_ids=open_quiz_ids)


@bp.route("/quizzes/<key>")
def quiz(key: str):
    quiz = db.first_or_404(db.select(Quiz).filter_by(key=key).options(joinedload(Quiz.document)))
    attempts, current = [], None
    if current_user.is_authenticated:
        attempts = db.session.execute(
            db.select(Attempt).filter_by(user_id=current_user.id, quiz_id=quiz.id)
            .order_by(Attempt.started_at.desc())
        ).scalars().all()
        current = next((a for a in attempts if not a.finished), None)
    used = sum(1 for a in attempts if a.finished)  # what finished_count() would say
    return render_template("learner/quiz.html", quiz=quiz, attempts=attempts, current=current,
                           form=ActionForm(), used=used)


@bp.route("/quizzes/<key>/start", methods=["POST"])
@login_required
def start(key: str):
    quiz = db.first_or_404(db.select(Quiz).filter_by(key=key))
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        attempt = start_attempt(current_user, quiz)
    except EmptyQuiz:
        flash("This quiz has no questions yet.", "error")
        return redirect(url_for(".quiz", key=key))
    except QuizUnavailable as exc:
        flash(str(exc), "error")
        return redirect(url_for(".quiz", key=key))
    attempt_id = attempt.id  # read before the commit expires it
    db.session.commit()
    return redirect(url_for(".attempt", attempt_id=attempt_id))


_TIME_UP = "Time was up: your attempt was submitted with the answers saved before then."


# The question page, its saves, the submit and the review read rows (attempts.py,
# review.py). The summary loads the attempt with its quiz and responses in one statement.
# (Built on first use: building them configures every mapper, which is no work for import.)
@cache
def _with_responses() -> tuple:
    return joinedload(Attempt.quiz), joinedload(Attempt.responses)


def _attempt_for(attempt_id: int, *, answering: bool) -> Attempt:
    """The attempt, if the current user may see it (answer it, when ``answering``); else 404."""
    attempt = db.get_or_404(Attempt, attempt_id, options=_with_responses())
    mine = attempt.user_id == current_user.id
    if not mine and (answering or not current_user.is_instructor):
        abort(404)
    return attempt


@bp.route("/attempts/<int:attempt_id>", methods=["GET", "POST"])
@reads_first
def attempt(attempt_id: int):
    """One question of an attempt. POST saves its answer, then goes where ``go`` says.

    ``go=stay`` is the background save used by scripts: it answers JSON instead of
    redirecting, with status 409 when the page was stale or the attempt is closed.
    """
    asked_for = request.args.get("q", 1, type=whole_number)
    # The statement that reads the attempt reads the user of the session's login too,
    # if it is live: the page and its saves, what learners do most, run no statement
    # to load the user.
    found = attempt_and_question(attempt_id, asked_for, *claimed_login())
    if found is not None:
        signed_in_as(found[0].viewer)
    if found is None or not found[0].owner_signed_in:
        return _refused()
    row, asked, answered = found
    background = request.method == "POST" and request.form.get("go") == "stay"
    if row.state != IN_PROGRESS:
        if background:
            return jsonify(saved=False, finished=True), 409
        return redirect(url_for(".review", attempt_id=attempt_id))
    if overdue(row, utcnow()):
        start_writing()
        finish_if_overdue(db.session.get(Attempt, attempt_id))
        db.session.commit()
        if background:
            return jsonify(saved=False, finished=True), 409
        flash(_TIME_UP, "error")
        return redirect(url_for(".review", attempt_id=attempt_id))
    page = question_page(row, asked_for, answered, asked)
    question = page.question
    kind = get_type(question.type)
    if request.method == "GET":
        return render_template(
            "learner/attempt.html", page=page, question=question, kind=kind,
            view=kind.view(question.data, question.layout, question.answer))
    # (CSRFProtect checked the form's token before the view ran.)
    answer = kind.read_answer(question.data, question.layout, request.form)
    sequence = question.sequence
    if answer != question.answer:
        start_writing()
        sequence = save_answer(question, answer, request.form.get("seq", -1, type=whole_number))
        if sequence is not None:
            page.answered[page.number - 1] = answer is not None
    db.session.commit()
    saved = sequence is not None
    if background:
        if not saved:
            sequence = latest_sequence(question.id)
        return jsonify(saved=saved, sequence=sequence, answered=page.answered_count,
                       total=page.total), 200 if saved else 409
    if not saved:
        flash("This answer was changed in another window since this page was loaded, so "
              "your change was not saved. Here is the latest answer.", "error")
        return redirect(url_for(".attempt", attempt_id=attempt_id, q=page.number))
    return redirect(_destination(attempt_id, page.number, page.total,
                                 request.form.get("go", "next")))


def _destination(attempt_id: int, page: int, total: int, go: str) -> str:
    if go == "summary":
        return url_for(".summary", attempt_id=attempt_id)
    target = {"next": page + 1, "prev": page - 1}.get(go)
    if target is None:
        target = int(go) if go.isascii() and go.isdigit() and len(go) < 10 else page
    if target > total:
        return url_for(".summary", attempt_id=attempt_id)
    return url_for(".attempt", attempt_id=attempt_id, q=max(target, 1))


def _refused():
    """An attempt's page refused, its owner's live login not given: to the login page
    when nobody is logged in (what login_required does), else not found."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    abort(404)


@bp.route("/attempts/<int:attempt_id>/summary")
@login_required
def summary(attempt_id: int):
    attempt = _attempt_for(attempt_id, answering=True)
    if finish_if_overdue(attempt):
        db.session.commit()
        flash(_TIME_UP, "error")
    if attempt.finished:
        return redirect(url_for(".review", attempt_id=attempt.id))
    return render_template("learner/summary.html", attempt=attempt, form=ActionForm())


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@reads_first
def submit(attempt_id: int):
    # (CSRFProtect checked the form's token before the view ran.) One statement reads
    # the attempt, adds up the marks its saves kept (before the write lock; rechecked
    # under it) and checks that the session's login is live and the owner's: a whole
    # class submitting at once is the busiest write there is, and loading the user apart
    # cost a statement.
    found = attempt_to_submit(attempt_id, *claimed_login())
    if found is None or not found.owner_signed_in:
        return _refused()
    closed = None
    if found.state == IN_PROGRESS:
        start_writing()
        closed = close_attempt(attempt_id, found.max_marks, found.totals)
    db.session.commit()
    # The review says the answers were submitted: said in its address rather than flashed,
    # the session cookie is not rewritten twice. A repeated submit lands on the same
    # review, with the score it already had.
    return redirect(url_for(".review", attempt_id=attempt_id,
                            submitted=1 if closed is not None else None))


@bp.route("/attempts/<int:attempt_id>/review")
def review(attempt_id: int):
    attempt = reviewed_attempt(attempt_id, *claimed_login())  # with the signed-in user
    if attempt is not None:
        signed_in_as(attempt.viewer)
    if not current_user.is_authenticated:  # what login_required does
        return login_manager.unauthorized()
    mine = attempt is not None and attempt.user_id == current_user.id
    if attempt is None or not (mine or current_user.is_instructor):
        abort(404)
    if not attempt.finished:
        if not mine:
            return render_template("learner/in_progress.html",
                                   attempt=_attempt_for(attempt_id, answering=False))
        return redirect(url_for(".attempt", attempt_id=attempt_id))
    show_answers = current_user.is_instructor or answers_visible(attempt.quiz, utcnow())
    return render_template("learner/review.html", attempt=attempt,
                           items=review_items(attempt, show_answers),
                           submitted=mine and "submitted" in request.args,
                           show_answers=show_answers, review_options=REVIEW_OPTIONS)


@bp.route("/me/attempts")
@login_required
def my_attempts():
    attempts = db.session.execute(
        db.select(Attempt).filter_by(user_id=current_user.id)
        .options(selectinload(Attempt.quiz)).order_by(Attempt.started_at.desc())
    ).scalars().all()
    return render_template("learner/my_attempts.html", attempts=attempts)


@bp.route("/me/progress")
@login_required
def my_progress():
    attempts = progress.finished_attempts(current_user.id)
    quizzes = {a.quiz_id: a.quiz for a in attempts}
    history = progress.answers(current_user.id)
    mastery = progress.mastery_of(history)
    documents = db.session.execute(
        db.select(Document).options(joinedload(Document.paragraphs)).order_by(Document.title)
    ).unique().scalars().all()
    paragraphs = {p.id: p for d in documents for p in d.paragraphs}
    return render_template(
        "progress/progress.html", attempts=attempts, quizzes=quizzes,
        per_quiz=progress.per_quiz(attempts, quizzes), mastery=mastery, documents=documents,
        sections=progress.by_section(documents, mastery),
        missed=progress.missed_questions(history, paragraphs), bands=progress.BANDS,
    )


__all__ = ["bp", "open_attempt"]


@bp.app_template_filter("num")
def format_number(value: float | None, places: int = 2) -> str:
    """Marks as people write them: 7, 0.5, 66.67."""
    if value is None:
        return ""
    return f"{round(value, places):g}"
