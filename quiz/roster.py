"""A course's learners added by name: one at a time or from a CSV roster.

Parsing is pure (text in, rows or errors with their line numbers out); enrolling checks
every row against the accounts before it writes any, so a bad roster writes nothing.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from .accounts import find_user, temporary_password, username_problem
from .courses import enrol, join_open_courses
from .extensions import db
from .models import Course, CourseMember, User

MAX_ROWS = 500  # each new account hashes a password (scrypt): a request stays short
MAX_DISPLAY_NAME = 100


@dataclass(frozen=True)
class RosterRow:
    line: int
    username: str
    display_name: str


@dataclass
class RosterError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class RosterInvalid(ValueError):
    def __init__(self, errors: list[RosterError]):
        super().__init__("; ".join(map(str, errors)))
        self.errors = errors


@dataclass
class Enrolled:
    username: str
    display_name: str
    outcome: str  # "new account", "enrolled", "already enrolled"
    password: str = ""  # a new account's temporary password, shown once


def check_row(line: int, username: str, display_name: str) -> list[RosterError]:
    errors = []
    problem = username_problem(username)
    if problem:
        errors.append(RosterError(line, f"username '{username}': {problem}"))
    if len(display_name) > MAX_DISPLAY_NAME:
        errors.append(RosterError(
            line, f"the display name is longer than {MAX_DISPLAY_NAME} characters"))
    return errors


def parse_roster(text: str) -> list[RosterRow]:
    """The rows of a roster: username, display name. A first row naming the columns
    ("username", ...) is a header; blank lines are skipped. RosterInvalid lists every
    bad row by its line."""
    rows, errors, seen = [], [], {}
    reader = csv.reader(io.StringIO(text))
    try:
        for cells in reader:
            line = reader.line_num
            cells = [c.strip() for c in cells]
            if not any(cells):
                continue
            if not rows and not errors and cells[0].lower() in ("username", "user name"):
                continue
            if len(cells) > 2:
                errors.append(RosterError(line, f"expected 2 columns (username, display "
                                                f"name), found {len(cells)}"))
                continue
            username, display_name = cells[0], cells[1] if len(cells) > 1 else ""
            row_errors = check_row(line, username, display_name)
            if username.lower() in seen:
                row_errors.append(RosterError(
                    line, f"'{username}' is also on line {seen[username.lower()]}"))
            seen.setdefault(username.lower(), line)
            errors += row_errors
            if not row_errors:
                rows.append(RosterRow(line, username, display_name))
            if len(rows) + len(errors) > MAX_ROWS:
                errors.append(RosterError(line, f"a roster holds at most {MAX_ROWS} rows"))
                break
    except csv.Error as exc:
        errors.append(RosterError(reader.line_num, f"not CSV: {exc}"))
    if errors:
        raise RosterInvalid(errors)
    if not rows:
        raise RosterInvalid([RosterError(1, "the roster has no learners")])
    return rows


def enrol_roster(course: Course, rows: list[RosterRow]) -> list[Enrolled]:
    """Enrol every row's learner, making the accounts that do not exist, each with a
    temporary password. RosterInvalid (nothing written) if a name is an instructor's."""
    users = {row.line: find_user(row.username) for row in rows}
    errors = [RosterError(row.line, f"'{row.username}' is an instructor's account; only "
                                    "learners are enrolled from a roster")
              for row in rows if users[row.line] is not None and users[row.line].is_instructor]
    if errors:
        raise RosterInvalid(errors)
    return [_enrol_one(course, row.username, row.display_name, users[row.line])
            for row in rows]


def add_learner(course: Course, username: str, display_name: str) -> Enrolled:
    """Enrol one learner by name, making the account if it is new."""
    username, display_name = username.strip(), display_name.strip()
    errors = check_row(1, username, display_name)
    if errors:
        raise RosterInvalid(errors)
    user = find_user(username)
    if user is not None and user.is_instructor:
        raise RosterInvalid([RosterError(1, f"'{user.username}' is an instructor's account")])
    return _enrol_one(course, username, display_name, user)


def _enrol_one(course: Course, username: str, display_name: str,
               user: User | None) -> Enrolled:
    if user is None:
        user = User(username=username, display_name=display_name, role="learner")
        password = temporary_password(user)  # sets must_change_password
        db.session.add(user)
        db.session.flush()
        join_open_courses(user)
        enrol(user, course)
        return Enrolled(username, display_name, "new account", password)
    if display_name and not user.display_name:
        user.display_name = display_name
    joined = enrol(user, course)
    return Enrolled(user.username, user.display_name,
                    "enrolled" if joined else "already enrolled")


def is_member(course: Course, user_id: int) -> bool:
    return db.session.execute(db.select(CourseMember.id).filter_by(
        course_id=course.id, user_id=user_id)).first() is not None
