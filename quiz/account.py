"""A user's own account: change the password, log out everywhere."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from .accounts import (
    PASSWORD_MAX,
    PASSWORD_MIN,
    AccountError,
    change_password,
    close_sessions,
    password_problem,
)
from .auth import MUST_CHANGE_KEY, current_login, end_session
from .extensions import db
from .forms import ActionForm
from .models import User

bp = Blueprint("account", __name__, url_prefix="/account")


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[
        DataRequired(), Length(max=PASSWORD_MAX)],
        description="The one you logged in with (or the temporary one you were given).")
    password = PasswordField("New password", validators=[DataRequired()],
                             description=f"At least {PASSWORD_MIN} characters, not a common "
                                         "one.")

    def validate_password(self, field):
        # In words that add to the hint (WTForms' Length would repeat it in its own).
        problem = password_problem(field.data or "")
        if problem:
            raise ValidationError(problem)
    confirm = PasswordField("Repeat the new password", validators=[
        DataRequired(), EqualTo("password", message="The two passwords differ.")])


def _page(form: PasswordForm, status: int = 200):
    return render_template("account/settings.html", form=form,
                           everywhere=ActionForm(),
                           must_change=bool(session.get(MUST_CHANGE_KEY))), status


@bp.route("")
@login_required
def settings():
    return _page(PasswordForm(formdata=None))


@bp.route("/password", methods=["POST"], endpoint="change_password")
@login_required
def new_password():
    form = PasswordForm()
    if form.validate_on_submit():
        user = db.session.get(User, current_user.id)
        if not user.check_password(form.current.data):
            form.current.errors = ["That is not your current password."]
        else:
            try:
                change_password(user, form.password.data)
            except AccountError as exc:
                form.password.errors = [str(exc)]
            else:
                # Every other browser logged in to the account is logged out.
                close_sessions(user.id, keep=current_login())
                db.session.commit()
                session.pop(MUST_CHANGE_KEY, None)
                flash("Your password is changed; every other browser was logged out.",
                      "success")
                return redirect(url_for(".settings"))
    return _page(form, 400)


@bp.route("/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    ActionForm().validate_on_submit()  # (CSRFProtect checked the token already)
    close_sessions(current_user.id)
    end_session()
    flash("You are logged out on every browser and device.", "info")
    return redirect(url_for("auth.login"))
