"""Accounts: creating users with checked names and passwords."""
from __future__ import annotations

import re
import secrets
from functools import cache
from pathlib import Path

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import LoginSession, User

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{3,40}$")
PASSWORD_MIN, PASSWORD_MAX = 8, 128
ROLES = ("learner", "instructor")


class AccountError(ValueError):
    """A user-caused problem with an account, said in words fit to show."""


def username_problem(username: str) -> str | None:
    if not USERNAME.match(username):
        return "Use 3 to 40 letters, digits, dots, hyphens or underscores."
    return None


COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common_passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.casefold() for line in lines if line and not line.startswith("#"))


def password_problem(password: str, username: str = "") -> str | None:
    if len(password) < PASSWORD_MIN:
        return f"Use at least {PASSWORD_MIN} characters."
    if len(password) > PASSWORD_MAX:
        return f"Use at most {PASSWORD_MAX} characters."
    if password.casefold() in common_passwords():
        return "That password is among the most common ones; choose one that is harder to guess."
    if username and password.casefold() == username.casefold():
        return "Choose a password that is not your username."
    return None


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
    return user


def open_session(user: User) -> str:
    """Record a new logged-in browser for ``user``; return its token for the cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(token=token, user_id=user.id))
    return token


def close_session(token: str | None) -> None:
    if token:
        db.session.execute(db.delete(LoginSession).where(LoginSession.token == token))


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
        return self.role == "instructor"


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
