"""Registration, login and logout."""
from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from .accounts import (
    PASSWORD_MAX,
    PASSWORD_MIN,
    AccountError,
    SignedIn,
    close_idle_sessions,
    close_session,
    create_user,
    find_user,
    open_session,
    password_matches,
    password_problem,
    token_digest,
    touch_session,
    user_for_session,
    username_problem,
)
from .database import write_transaction
from .extensions import db, login_manager
from .loginthrottle import LoginTry, Refusal, registration_refused
from .models import User

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see that page."
login_manager.login_message_category = "info"
# Flask-Login's session protection marks a session "not fresh" when the browser's address
# or user agent changes; nothing here asks for fresh logins, and a login is ended on the
# server (its LoginSession row), so it would only hash the address on every request.
login_manager.session_protection = None


SESSION_KEY = "login_session"
SEEN_KEY = "seen"  # when this login was last brought forward (keep_alive), in epoch seconds
MUST_CHANGE_KEY = "must_change_password"
# What a learner with a temporary password may still reach before choosing their own.
WHILE_CHANGING = {"account.settings", "account.change_password", "auth.logout", "static"}


@login_manager.user_loader
def load_user(user_id: str) -> SignedIn | None:
    """The user whose id Flask-Login found in the session, if the session's login is
    still live on the server (logging out anywhere ends it). The database keeps the
    login's token as its digest."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str):
        return None
    return user_for_session(user_id, token_digest(token))


@bp.before_app_request
def keep_alive():
    """Before every request: end a login idle for longer than SESSION_IDLE_MINUTES, on
    the server too; bring a live one's last use forward every few minutes (one UPDATE,
    not one per request); keep a learner with a temporary password on the form that
    changes it."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str):
        return None
    now, seen = int(time.time()), session.get(SEEN_KEY)
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    if isinstance(seen, int) and now - seen > idle:
        with write_transaction():  # a transaction of its own: the request may only read
            close_session(token_digest(token))
            close_idle_sessions(current_app.config["SESSION_IDLE_MINUTES"])
        session.clear()
        flash("You were logged out after "
              f"{current_app.config['SESSION_IDLE_MINUTES']} minutes without activity. "
              "Please log in again.", "info")
        return None
    if not isinstance(seen, int) or now - seen > min(300, idle // 4):
        with write_transaction():
            touch_session(token_digest(token))
        session[SEEN_KEY] = now
    if session.get(MUST_CHANGE_KEY) and request.endpoint not in WHILE_CHANGING:
        flash("Choose a new password of your own to go on.", "info")
        return redirect(url_for("account.settings"))
    return None


def start_session(user: User) -> None:
    """Log ``user`` in on a fresh session (no data carried over from before login)."""
    session.clear()
    session[SESSION_KEY] = open_session(user)
    session[SEEN_KEY] = int(time.time())
    if user.must_change_password:
        session[MUST_CHANGE_KEY] = True
    login_user(user)  # before the commit, which would expire the user and cost a reload
    db.session.commit()


def current_login() -> str | None:
    """The digest of this request's login session, as the database keeps it."""
    token = session.get(SESSION_KEY)
    return token_digest(token) if isinstance(token, str) else None


def end_session() -> None:
    close_session(current_login())
    # Rows of logins nobody came back to go too (whoever logs out sweeps for everyone).
    close_idle_sessions(current_app.config["SESSION_IDLE_MINUTES"])
    db.session.commit()
    logout_user()
    session.clear()


class RegisterForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired()],
                           description="3 to 40 letters, digits, dots, hyphens or underscores.")
    # Its length is checked by password_problem, in words that add to the hint.
    password = PasswordField("Password", validators=[DataRequired()],
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


def _refused(template: str, form: FlaskForm, refusal: Refusal):
    """The form again, with what was typed (never a password) and how long to wait."""
    response = make_response(render_template(template, form=form, refusal=refusal), 429)
    response.headers["Retry-After"] = str(refusal.seconds)
    return response


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("learner.home"))
    form = RegisterForm()
    if form.is_submitted() and (refusal := registration_refused()):
        return _refused("auth/register.html", form, refusal)
    if form.validate_on_submit():
        try:
            user = create_user(form.username.data, form.password.data)
        except AccountError as exc:
            db.session.rollback()
            form.username.errors = [*form.username.errors, str(exc)]
        else:
            name = user.username  # (the commit would expire it, and reading it reload it)
            start_session(user)  # commits the account and its first login together
            flash(f"Welcome, {name}. Your account is ready.", "success")
            return redirect(url_for("learner.home"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("learner.home"))
    form = LoginForm()
    if form.validate_on_submit():
        attempt = LoginTry.now(form.username.data)
        refusal = attempt.refused()
        if refusal is not None:
            return _refused("auth/login.html", form, refusal)
        user = find_user(form.username.data)
        if password_matches(user, form.password.data):
            start_session(user)
            target = url_for("account.settings") if user.must_change_password else \
                _safe_next(request.args.get("next"))
            response = redirect(target)
            attempt.succeeded(response)
            return response
        attempt.failed()
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
        abort(403, description="This page is for instructors. Your account is a learner's: "
                               "your quizzes and progress are on the home page.")
