"""Accounts: creating users with checked names and passwords."""
from __future__ import annotations

import re

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import User

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{3,40}$")
PASSWORD_MIN, PASSWORD_MAX = 8, 128
ROLES = ("learner", "instructor")


class AccountError(ValueError):
    """A user-caused problem with an account, said in words fit to show."""


def username_problem(username: str) -> str | None:
    if not USERNAME.match(username):
        return "Use 3 to 40 letters, digits, dots, hyphens or underscores."
    return None


def password_problem(password: str) -> str | None:
    if len(password) < PASSWORD_MIN:
        return f"Use at least {PASSWORD_MIN} characters."
    if len(password) > PASSWORD_MAX:
        return f"Use at most {PASSWORD_MAX} characters."
    return None


def find_user(username: str) -> User | None:
    return db.session.execute(
        db.select(User).where(func.lower(User.username) == username.lower())
    ).scalar_one_or_none()


def create_user(username: str, password: str, role: str = "learner") -> User:
    problem = username_problem(username) or password_problem(password)
    if problem:
        raise AccountError(problem)
    if role not in ROLES:
        raise AccountError(f"Unknown role '{role}'.")
    if find_user(username) is not None:
        raise AccountError(f"The name '{username}' is taken.")
    user = User(username=username, role=role)
    user.set_password(password)
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        raise AccountError(f"The name '{username}' is taken.") from None
    return user
