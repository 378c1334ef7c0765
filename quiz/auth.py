"""Registration, login and logout."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from .accounts import (
    PASSWORD_MAX,
    PASSWORD_MIN,
    AccountError,
    SignedIn,
    close_session,
    create_user,
    find_user,
    open_session,
    password_problem,
    user_for_session,
    username_problem,
)
from .extensions import db, login_manager
from .models import User
from .ratelimit import login_limits

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see that page."
login_manager.login_message_category = "info"
# Flask-Login's session protection marks a session "not fresh" when the browser's address
# or user agent changes; nothing here asks for fresh logins, and a login is ended on the
# server (its LoginSession row), so it would only hash the address on every request.
login_manager.session_protection = None


SESSION_KEY = "login_session"


@login_manager.user_loader
def load_user(user_id: str) -> SignedIn | None:
    """The user whose id Flask-Login found in the session, if the session's login is
    still live on the server (logging out anywhere ends it)."""
    return user_for_session(user_id, session.get(SESSION_KEY))


def start_session(user: User) -> None:
    """Log ``user`` in on a fresh session (no data carried over from before login)."""
    session.clear()
    session[SESSION_KEY] = open_session(user)
    login_user(user)  # before the commit, which would expire the user and cost a reload
    db.session.commit()


def end_session() -> None:
    close_session(session.get(SESSION_KEY))
    db.session.commit()
    logout_user()
    session.clear()


class RegisterForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=40)],
                           description="3 to 40 letters, digits, dots, hyphens or underscores.")
    password = PasswordField("Password", validators=[
        DataRequired(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX)],
        description=f"At least {PASSWORD_MIN} characters.")
    confirm = PasswordField("Repeat the password", validators=[
        DataRequired(), EqualTo("password", message="The two passwords differ.")])

    def validate_username(self, field):
        problem = username_problem(field.data or "")
        if problem:
            raise ValidationError(problem)
        if find_user(field.data):
            raise ValidationError("That name is taken; choose another.")

    def validate_password(self, field):
        problem = password_problem(field.data or "", self.username.data or "")
        if problem:
            raise ValidationError(problem)


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=40)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])


def _safe_next(target: str | None) -> str:
    """Only same-site paths are followed after login; anything else goes home."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("learner.home")


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("learner.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = create_user(form.username.data, form.password.data)
            db.session.commit()
        except AccountError as exc:
            db.session.rollback()
            form.username.errors = [*form.username.errors, str(exc)]
        else:
            start_session(user)
            flash(f"Welcome, {user.username}. Your account is ready.", "success")
            return redirect(url_for("learner.home"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@login_limits()
def login():
    if current_user.is_authenticated:
        return redirect(url_for("learner.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = find_user(form.username.data)
        if user is not None and user.check_password(form.password.data):
            start_session(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors = ["That username and password do not match an account."]
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    end_session()
    flash("You have logged out.", "info")
    return redirect(url_for("learner.home"))


def instructor_required() -> None:
    """Abort with 403 unless the current user is an instructor (call after login_required)."""
    if not current_user.is_instructor:
        abort(403)
