"""The administrator's page: every account, and who is an instructor."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func

from .courses import CourseError, set_instructor
from .extensions import db
from .forms import ActionForm
from .models import User

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_admin():
    if not current_user.is_admin:
        abort(403)


@bp.route("/users")
def users():
    rows = db.session.execute(
        db.select(User).where(User.demo.is_(False)).order_by(func.lower(User.username))
    ).scalars().all()
    return render_template("admin/users.html", users=rows, action=ActionForm())


@bp.route("/users/<int:user_id>/role", methods=["POST"])
def role(user_id: int):
    """Make a learner an instructor (role=instructor) or take it back (role=learner)."""
    user = db.get_or_404(User, user_id)
    wanted = request.form.get("role")
    if wanted not in ("instructor", "learner"):
        abort(400, description="Choose 'instructor' or 'learner'.")
    try:
        set_instructor(user, wanted == "instructor")
    except CourseError as exc:
        abort(400, description=str(exc))
    name = user.username
    db.session.commit()
    flash(f"{name} is now {'an instructor' if wanted == 'instructor' else 'a learner'}.",
          "success")
    return redirect(url_for(".users"))
