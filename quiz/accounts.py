"""Accounts: creating users with checked names and passwords."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta
from functools import cache

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from .courses import join_open_courses
from .extensions import db
from .models import LoginSession, User, utcnow

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{3,40}$")
PASSWORD_MIN, PASSWORD_MAX = 8, 128
TEMPORARY_HASH_METHOD = "pbkdf2:sha256:1000"  # for random temporary passwords only
ROLES = ("learner", "instructor", "admin")


class AccountError(ValueError):
    """A user-caused problem with an account, said in words fit to show."""


def username_problem(username: str) -> str | None:
    """What is wrong with a name, said so that it adds to the form's hint, not repeats it."""
    if USERNAME.match(username):
        return None
    if len(username) < 3:
        return f"That name is {len(username)} character{'s' if len(username) != 1 else ''} "\
            "long; a name needs at least 3."
    if len(username) > 40:
        return f"That name is {len(username)} characters long; a name has at most 40."
    odd = sorted({c for c in username if not re.match(r"[A-Za-z0-9_.-]", c)})
    shown = ", ".join("a space" if c == " " else f"“{c}”" for c in odd[:5])
    return f"A name cannot hold {shown}."


@cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords of zxcvbn's frequency list (the package keeps it
    up to date), case folded: most are shorter than the 8 characters asked for anyway."""
    return frozenset(password.casefold() for password in FREQUENCY_LISTS["passwords"])


def password_problem(password: str, username: str = "") -> str | None:
    if len(password) < PASSWORD_MIN:
        return f"That password is {len(password)} character{'s' if len(password) != 1 else ''}"\
            f" long; use at least {PASSWORD_MIN}."
    if len(password) > PASSWORD_MAX:
        return f"Use at most {PASSWORD_MAX} characters."
    if password.casefold() in common_passwords():
        return "That password is among the most common ones; choose one that is harder to guess."
    if username and password.casefold() == username.casefold():
        return "Choose a password that is not your username."
    return None


@cache
def _stand_in_hash(method: str) -> str:
    """A password hash of the app's own kind, checked when no account has the name, so
    an unknown name takes as long to refuse as a wrong password."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def password_matches(user: User | None, password: str) -> bool:
    """Whether ``password`` is ``user``'s; as slow for no user as for a wrong password."""
    if user is None:
        check_password_hash(_stand_in_hash(current_app.config["PASSWORD_HASH_METHOD"]),
                            password)
        return False
    return user.check_password(password)


def find_user(username: str) -> User | None:
    return db.session.execute(
        db.select(User).where(func.lower(User.username) == username.lower())
    ).scalar_one_or_none()


def create_user(username: str, password: str, role: str = "learner") -> User:
    problem = username_problem(username) or password_problem(password, username)
    if problem:
        raise AccountError(problem)
    if role not in ROLES:
        raise AccountError(f"Unknown role '{role}'.")
    if find_user(username) is not None:
        raise AccountError(f"The name '{username}' is taken.")
    user = User(username=username, role=role)
    user.set_password(password, current_app.config["PASSWORD_HASH_METHOD"])
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        raise AccountError(f"The name '{username}' is taken.") from None
    join_open_courses(user)
    return user


def token_digest(token: str) -> str:
    """What the database keeps of a login token: its SHA-256, so neither the database nor
    a backup of it holds anything a session cookie could be made from. (The token is 256
    random bits: a plain hash is enough, no salt or slow hash needed.)"""
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(user: User) -> str:
    """Record a new logged-in browser for ``user``; return its token for the cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(token=token_digest(token), user_id=user.id))
    return token


def close_session(digest: str | None) -> None:
    """End the login session whose token has this digest (see accounts.token_digest)."""
    if digest:
        db.session.execute(db.delete(LoginSession).where(LoginSession.token == digest))


def close_sessions(user_id: int, keep: str | None = None) -> None:
    """End every login session of the user, but the one whose digest is ``keep``."""
    statement = db.delete(LoginSession).where(LoginSession.user_id == user_id)
    if keep:
        statement = statement.where(LoginSession.token != keep)
    db.session.execute(statement)


def close_idle_sessions(idle_minutes: int) -> None:
    """End every login session unused for longer than ``idle_minutes``: a browser that
    comes back after that is logged out anyway (auth.keep_alive); its row goes here."""
    cutoff = utcnow() - timedelta(minutes=idle_minutes)
    db.session.execute(db.delete(LoginSession).where(LoginSession.last_seen_at < cutoff))


def touch_session(digest: str) -> None:
    """Bring the login session's last use forward to now (see auth.keep_alive)."""
    db.session.execute(db.update(LoginSession).where(LoginSession.token == digest)
                       .values(last_seen_at=utcnow()))


def change_password(user: User, new: str) -> None:
    """Set the user's own new password (checked by the rules); AccountError if unfit."""
    problem = password_problem(new, user.username)
    if problem:
        raise AccountError(problem)
    if user.check_password(new):
        raise AccountError("Choose a password other than the one you have.")
    user.set_password(new, current_app.config["PASSWORD_HASH_METHOD"])
    user.must_change_password = False


def temporary_password(user: User) -> str:
    """Give the user a new random password to change at the next login, and end every
    login session they have; return it, to be handed to them once."""
    password = secrets.token_urlsafe(9)  # 12 characters, 72 random bits
    # A slow hash protects passwords people choose; 72 random bits need no slowing down
    # (2**72 guesses), and a roster of hundreds of learners stays one short request.
    user.set_password(password, TEMPORARY_HASH_METHOD)
    user.must_change_password = True
    close_sessions(user.id)
    return password


class SignedIn(UserMixin):
    """The user of a request, as Flask-Login's ``current_user``: a row, not an object.

    Every logged-in request loads it, so it is read with one prepared statement and
    no ORM bookkeeping; code that changes the account loads the ``User`` itself.
    """

    __slots__ = ("id", "username", "role")

    def __init__(self, id: int, username: str, role: str):
        self.id, self.username, self.role = id, username, role

    def __repr__(self) -> str:
        return f"SignedIn({self.id!r}, {self.username!r}, {self.role!r})"

    @property
    def is_instructor(self) -> bool:
        return self.role in ("instructor", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@cache  # built once, on first use
def signed_in_statement():
    """The user of the login session :token, if it is live and the user's :user_id."""
    return (
        select(User.id.label("id"), User.username.label("username"), User.role.label("role"))
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.token == bindparam("token"), User.id == bindparam("user_id"))
    )


def user_for_session(user_id: str | int | None, token: str | None) -> SignedIn | None:
    """The user of a live login session, in one query; None once it was closed, or when
    the session holds none."""
    if not token or not isinstance(token, str) or not str(user_id).isdigit():
        return None
    row = db.session.execute(signed_in_statement(),
                             {"token": token, "user_id": int(user_id)}).first()
    return None if row is None else SignedIn(row.id, row.username, row.role)
