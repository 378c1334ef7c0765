"""The instructor's side: every learner's attempts."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required
from sqlalchemy.orm import selectinload

from .auth import instructor_required
from .extensions import db
from .models import Attempt

bp = Blueprint("instructor", __name__, url_prefix="/instructor")


@bp.before_request
@login_required
def require_instructor():
    instructor_required()


@bp.route("/attempts")
def attempts():
    rows = db.session.execute(
        db.select(Attempt).options(selectinload(Attempt.user), selectinload(Attempt.quiz))
        .order_by(Attempt.started_at.desc())
    ).scalars().all()
    return render_template("instructor/attempts.html", attempts=rows)
