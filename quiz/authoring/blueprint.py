"""The authoring blueprint: every page of it is an instructor's."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from ..auth import instructor_required

bp = Blueprint("authoring", __name__, url_prefix="/instructor/authoring")


@bp.before_request
@login_required
def require_instructor():
    instructor_required()


@bp.errorhandler(413)
def too_large(error):
    return render_template("authoring/too_large.html"), 413

