"""A quiz's state and its previews: publish, close, archive; preview it; clear previews."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import delete, func, select

from ..attempts import EmptyQuiz, start_attempt
from ..courses import taught_quizzes
from ..extensions import db
from ..forms import ActionForm
from ..models import Attempt, Quiz, Response, utcnow
from ..quizstates import StateRefused, move
from ..scores import reported
from ..words import plural
from .blueprint import bp


def _quiz(key: str) -> Quiz:
    """A quiz of a course the instructor teaches (another's is not there: 404)."""
    quiz = db.first_or_404(db.select(Quiz).filter_by(key=key)
                           .where(taught_quizzes(current_user)))
    if not ActionForm().validate_on_submit():
        abort(400, description="The form expired; reload the page and try again.")
    return quiz


def _back(key: str):
    return redirect(url_for("instructor.quiz_overview", key=key))


@bp.route("/quizzes/<key>/state", methods=["POST"])
def change_quiz_state(key: str):
    """Move the quiz to another state (the form's ``move``: publish, close, archive...)."""
    quiz = _quiz(key)
    learner_attempts = db.session.execute(
        select(func.count()).select_from(Attempt).where(Attempt.quiz_id == quiz.id, reported())
    ).scalar_one()
    try:
        state = move(quiz, request.form.get("move", ""), learner_attempts)
    except StateRefused as refused:
        db.session.rollback()
        abort(409, description=str(refused))
    db.session.commit()
    flash(f"'{quiz.title}' is now {state}.", "success")
    return _back(key)


@bp.route("/quizzes/<key>/preview", methods=["POST"])
def preview_quiz(key: str):
    """Take the quiz as a learner would; the attempt is a preview no report counts."""
    quiz = _quiz(key)
    try:
        attempt = start_attempt(current_user, quiz, utcnow())
    except EmptyQuiz:
        db.session.rollback()
        flash("This quiz draws no question yet: its rule matches no published question.",
              "error")
        return _back(key)
    attempt_id = attempt.id
    db.session.commit()
    return redirect(url_for("learner.attempt", attempt_id=attempt_id))


@bp.route("/quizzes/<key>/previews/clear", methods=["POST"])
def clear_previews(key: str):
    """Delete the instructor's own preview attempts at the quiz, with their answers."""
    quiz = _quiz(key)
    mine = select(Attempt.id).where(Attempt.quiz_id == quiz.id, Attempt.preview.is_(True),
                                    Attempt.user_id == current_user.id)
    db.session.execute(delete(Response).where(Response.attempt_id.in_(mine)))
    cleared = db.session.execute(delete(Attempt).where(Attempt.id.in_(mine))).rowcount
    db.session.commit()
    flash(f"{plural(cleared, 'preview attempt')} cleared.", "success")
    return _back(key)

