"""The learner's side: the home page, quizzes, attempts and their reviews."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload, selectinload

from . import practice, progress
from .attempts import (
    EmptyQuiz,
    QuizUnavailable,
    SaveRefused,
    close_attempt,
    lock_attempt,
    question_page,
    save_answer,
    start_attempt,
)
from .attempts.answer import STALE, slot_response
from .attempts.page import answered_slots, load_attempt, slot_marks
from .attempts.start import questions_per_attempt
from .courses import teaches, visible_course_ids, visible_quizzes
from .extensions import db
from .forms import ActionForm, JoinForm
from .inputlimits import whole_number
from .models import IN_PROGRESS, Attempt, Document, Quiz, utcnow
from .quizsettings import REVIEW_OPTIONS, answers_visible, deadline, overdue
from .quizstates import LISTED, visible_to
from .review import review_items, reviewed_attempt
from .types import get_type

bp = Blueprint("learner", __name__)


@bp.route("/")
def home():
    """The quizzes of the user's courses, by document, and a form to join a course."""
    courses = visible_course_ids(current_user)
    quizzes = db.session.execute(
        db.select(Quiz).where(Quiz.course_id.in_(courses)).order_by(Quiz.id)).scalars().all()
    by_document: dict[int, list[Quiz]] = {}
    for quiz in quizzes:
        by_document.setdefault(quiz.document_id, []).append(quiz)
    documents = db.session.execute(
        db.select(Document).where(Document.course_id.in_(courses)
                                  | Document.id.in_(by_document)).order_by(Document.title)
    ).scalars().all()
    open_quiz_ids, best = set(), {}
    if current_user.is_authenticated:
        # One statement: which quizzes have an attempt open, and the best finished score.
        rows = db.session.execute(
            db.select(Attempt.quiz_id, db.func.max(Attempt.percent).label("best"),
                      db.func.count().filter(Attempt.state == IN_PROGRESS).label("open"))
            .where(Attempt.user_id == current_user.id).group_by(Attempt.quiz_id)).all()
        open_quiz_ids = {row.quiz_id for row in rows if row.open}
        best = {row.quiz_id: row.best for row in rows if row.best is not None}
    return render_template("learner/home.html", documents=documents, quizzes=by_document,
                           open_quiz_ids=open_quiz_ids, best=best, join=JoinForm(),
                           listed=LISTED)


def _visible_quiz(key: str, *options) -> Quiz:
    """The quiz if the user may see it: a quiz of their courses, and for a learner not a
    draft or an archived one; else 404."""
    quiz = db.first_or_404(db.select(Quiz).filter_by(key=key)
                           .where(visible_quizzes(current_user)).options(*options))
    if not visible_to(quiz, current_user):
        abort(404)
    return quiz


@bp.route("/quizzes/<key>")
def quiz(key: str):
    quiz = _visible_quiz(key, joinedload(Quiz.document))
    attempts, current = [], None
    if current_user.is_authenticated:
        attempts = db.session.execute(
            db.select(Attempt).filter_by(user_id=current_user.id, quiz_id=quiz.id)
            .order_by(Attempt.started_at.desc())
        ).scalars().all()
        current = next((a for a in attempts if not a.finished), None)
    used = sum(1 for a in attempts if a.finished and not a.preview)
    return render_template("learner/quiz.html", quiz=quiz, attempts=attempts, current=current,
                           form=ActionForm(), used=used, asked=questions_per_attempt(quiz))


@bp.route("/quizzes/<key>/start", methods=["POST"])
@login_required
def start(key: str):
    quiz = _visible_quiz(key)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        attempt = start_attempt(current_user, quiz, utcnow())
    except EmptyQuiz:
        db.session.rollback()
        flash("This quiz has no questions yet.", "error")
        return redirect(url_for(".quiz", key=key))
    except QuizUnavailable as exc:
        db.session.commit()  # an overdue attempt it found was closed
        flash(str(exc), "error")
        return redirect(url_for(".quiz", key=key))
    attempt_id = attempt.id  # read before the commit expires it
    db.session.commit()
    return redirect(url_for(".attempt", attempt_id=attempt_id))


_STALE = ("This answer was changed in another window since this page was loaded, so "
          "your change was not saved. Here is the latest answer.")


def _own_attempt(attempt: Attempt | None) -> Attempt:
    """The attempt if it is the current user's; else 404 (another's is not even there)."""
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    return attempt


def _time_up_page(attempt: Attempt):
    """An open attempt past its deadline, shown without writing: a GET never writes, so
    it is closed by the learner's next POST (this page's button), the next report or
    ``attempts close-overdue``, with the same answers whichever comes first."""
    return render_template("learner/summary.html", attempt=attempt, form=ActionForm(),
                           answered=answered_slots(attempt.id), time_up=True,
                           deadline=deadline(attempt.quiz, attempt.started_at))


@bp.route("/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int):
    """One question of an attempt; its form posts to ``save``."""
    attempt = _own_attempt(load_attempt(attempt_id))
    if attempt.state != IN_PROGRESS:
        return redirect(url_for(".review", attempt_id=attempt_id))
    if overdue(attempt.quiz, attempt.started_at, utcnow()):
        return _time_up_page(attempt)
    page = question_page(attempt, request.args.get("q", 1, type=whole_number))
    version = page.response.version
    kind = get_type(version.type)
    return render_template(
        "learner/attempt.html", page=page, question=page.response, version=version,
        kind=kind, view=kind.view(version.data, page.response.layout, page.response.answer))


@bp.route("/attempts/<int:attempt_id>", methods=["POST"])
@login_required
def save(attempt_id: int):
    """Save the answer to one question, then go where ``go`` says.

    ``go=stay`` is the background save used by scripts: it answers JSON instead of
    redirecting, with status 409 when the page was stale or the attempt is closed.
    (CSRFProtect checked the form's token before the view ran.)
    """
    background = request.form.get("go") == "stay"
    attempt = _own_attempt(lock_attempt(attempt_id))
    response = slot_response(attempt_id, request.args.get("q", 1, type=whole_number))
    if response is None:
        abort(404)
    version = response.version
    answer = get_type(version.type).read_answer(version.data, response.layout, request.form)
    try:
        sequence = save_answer(attempt, response, answer,
                               request.form.get("seq", -1, type=whole_number), utcnow())
    except SaveRefused as refused:
        db.session.commit()  # the close, when the time was up
        return _refused(attempt_id, response.slot, refused, background)
    response.flagged = request.form.get("flag") == "1"
    answered = answered_slots(attempt_id)
    db.session.commit()
    if background:
        return jsonify(saved=True, sequence=sequence, answered=sum(answered),
                       total=len(answered))
    return redirect(_destination(attempt_id, response.slot, len(answered),
                                 request.form.get("go", "next")))


def _refused(attempt_id: int, slot: int, refused: SaveRefused, background: bool):
    if background:
        return jsonify(saved=False, finished=refused.reason != STALE,
                       reason=refused.reason, sequence=refused.sequence), 409
    if refused.reason == STALE:
        flash(_STALE, "error")
        return redirect(url_for(".attempt", attempt_id=attempt_id, q=slot))
    return redirect(url_for(".review", attempt_id=attempt_id))


def _destination(attempt_id: int, page: int, total: int, go: str) -> str:
    if go == "summary":
        return url_for(".summary", attempt_id=attempt_id)
    target = {"next": page + 1, "prev": page - 1}.get(go)
    if target is None:
        target = int(go) if go.isascii() and go.isdigit() and len(go) <= 6 else page
    if target > total:
        return url_for(".summary", attempt_id=attempt_id)
    return url_for(".attempt", attempt_id=attempt_id, q=max(target, 1))


@bp.route("/attempts/<int:attempt_id>/summary")
@login_required
def summary(attempt_id: int):
    attempt = _own_attempt(load_attempt(attempt_id))
    if attempt.state != IN_PROGRESS:
        return redirect(url_for(".review", attempt_id=attempt.id))
    if overdue(attempt.quiz, attempt.started_at, utcnow()):
        return _time_up_page(attempt)
    answered, flagged = slot_marks(attempt.id)
    return render_template("learner/summary.html", attempt=attempt, form=ActionForm(),
                           answered=answered, flagged=flagged, time_up=False,
                           deadline=deadline(attempt.quiz, attempt.started_at))


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@login_required
def submit(attempt_id: int):
    # (CSRFProtect checked the form's token before the view ran.) A repeated submit, or
    # one after the time ran out and something else closed the attempt, lands on the
    # same review with the score it already had.
    attempt = _own_attempt(lock_attempt(attempt_id))
    closed = close_attempt(attempt, utcnow())
    db.session.commit()
    # "auto": the page's countdown submitted it at the deadline.
    auto = closed and bool(request.form.get("auto"))
    return redirect(url_for(".review", attempt_id=attempt_id,
                            submitted=1 if closed and not auto else None,
                            timeup=1 if auto else None))


@bp.route("/attempts/<int:attempt_id>/review")
@login_required
def review(attempt_id: int):
    attempt = reviewed_attempt(attempt_id)
    mine = attempt is not None and attempt.user_id == current_user.id
    if attempt is None or not (mine or (current_user.is_instructor
                                        and teaches(current_user, attempt.quiz.course_id))):
        abort(404)
    if not attempt.finished:
        if not mine:
            return render_template("learner/in_progress.html", attempt=attempt,
                                   form=ActionForm())
        return redirect(url_for(".attempt", attempt_id=attempt_id))
    show_answers = current_user.is_instructor or answers_visible(attempt.quiz, utcnow())
    ends = deadline(attempt.quiz, attempt.started_at)
    return render_template("learner/review.html", attempt=attempt,
                           items=review_items(attempt, show_answers),
                           submitted=mine and "submitted" in request.args,
                           timed_out=ends if ends and (attempt.finished_at >= ends or (
                               mine and "timeup" in request.args)) else None,
                           show_answers=show_answers, review_options=REVIEW_OPTIONS)


@bp.route("/me/attempts")
@login_required
def my_attempts():
    attempts = db.session.execute(
        db.select(Attempt).filter_by(user_id=current_user.id)
        .options(selectinload(Attempt.quiz)).order_by(Attempt.started_at.desc())
    ).scalars().all()
    # Numbered per quiz, 1 for the first: the learner's own count, not a database id.
    ordinal, seen = {}, {}
    for attempt in sorted(attempts, key=lambda a: (a.started_at, a.id)):
        seen[attempt.quiz_id] = ordinal[attempt.id] = seen.get(attempt.quiz_id, 0) + 1
    return render_template("learner/my_attempts.html", attempts=attempts, ordinal=ordinal)


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
    missed = progress.missed_questions(history, paragraphs)
    return render_template(
        "progress/progress.html", attempts=attempts, quizzes=quizzes,
        per_quiz=progress.per_quiz(attempts, quizzes), mastery=mastery, documents=documents,
        sections=progress.by_section(documents, mastery),
        missed=missed, practisable=progress.practice_keys(history, missed),
        bands=progress.BANDS,
    )


@bp.route("/me/progress/practice")
@login_required
def practice_round():
    """The questions the user keeps missing, as one form; nothing is recorded."""
    return render_template("progress/practice.html", practice=practice.new_round(current_user.id),
                           limit=practice.LIMIT, round_field=practice.ROUND_FIELD)


@bp.route("/me/progress/practice", methods=["POST"])
@login_required
def check_practice():
    """Mark a practice round's answers, as the review marks them; nothing is written.
    (CSRFProtect checked the form's token before the view ran.)"""
    try:
        checked = practice.check(current_user.id, request.form)
    except practice.RoundRefused as refused:
        abort(400, description=str(refused))
    return render_template("progress/practice_checked.html", checked=checked)
