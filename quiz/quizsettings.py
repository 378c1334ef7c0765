"""A quiz's settings beyond its selection: time limit, attempts, dates and review options.

The bank format, the browser's quiz editor and the learner's side all read them from
here, so a setting means the same wherever it is written or enforced.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta

from .models import ARCHIVED, CLOSED, PUBLISHED, QUIZ_DRAFT

# When learners may see the correct answers, feedback, explanations and sources of
# their finished attempts (Moodle's review options, reduced to the useful three).
# Their score and which answers were right are always shown once an attempt is finished.
REVIEW_OPTIONS = {
    "immediately": "Immediately after the attempt",
    "after_close": "After the quiz closes",
    "never": "Never",
}
# Saves that arrive this long after the time runs out still count (a slow network, a
# click in the last second); later ones are refused and the attempt is closed.
GRACE = timedelta(seconds=60)
SETTING_FIELDS = ("time_limit", "attempts", "review", "opens", "closes", "state")
QUIZ_STATE_NAMES = (QUIZ_DRAFT, PUBLISHED, CLOSED, ARCHIVED)
LIMITS = {"time_limit": 7 * 24 * 60, "attempts": 1000}  # a week; more is surely a typo


def parse_when(value) -> datetime | None:
    """A date and time as written in a bank or a form (ISO 8601), as naive UTC; None if
    not one. Without an offset it is UTC; with one (``+02:00``, ``Z``) it is converted."""
    if isinstance(value, datetime):
        return _as_utc(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    try:
        return _as_utc(datetime.fromisoformat(str(value).strip()))
    except ValueError:
        return None


def _as_utc(when: datetime) -> datetime:
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.replace(tzinfo=None)


def check_settings(entry: Mapping, report: Callable[[str, str], None]) -> dict:
    """Check a quiz entry's settings; return them as Quiz column values."""
    values = {"time_limit": 0, "attempts_allowed": 0, "review": "immediately",
              "opens_at": None, "closes_at": None}
    for key, column in (("time_limit", "time_limit"), ("attempts", "attempts_allowed")):
        value = entry.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            report(f"'{key}' must be a whole number (0 for no limit)", key)
        elif value > LIMITS[key]:
            report(f"'{key}' must be at most {LIMITS[key]}", key)
        else:
            values[column] = value
    review = entry.get("review")
    if review is not None:
        if review not in REVIEW_OPTIONS:
            report("'review' must be one of " + ", ".join(REVIEW_OPTIONS), "review")
        else:
            values["review"] = review
    for key, column in (("opens", "opens_at"), ("closes", "closes_at")):
        if entry.get(key) is None:
            continue
        when = parse_when(entry[key])
        if when is None:
            report(f"'{key}' must be a date and time such as 2026-12-01 18:00 (UTC)", key)
        values[column] = when
    if values["opens_at"] and values["closes_at"] and values["closes_at"] <= values["opens_at"]:
        report("'closes' must come after 'opens'", "closes")
    if values["review"] == "after_close" and entry.get("closes") is None:
        report("'review: after_close' needs a 'closes' date", "review")
    # Only when written: a quiz's state changed in the browser stays as it is when a
    # bank that says nothing of it is loaded again (a new quiz is published).
    if "state" in entry:
        if entry["state"] not in QUIZ_STATE_NAMES:
            report("'state' must be one of " + ", ".join(QUIZ_STATE_NAMES), "state")
        else:
            values["state"] = entry["state"]
    return values


def bank_settings(quiz) -> dict:
    """The settings of a Quiz row as bank fields, leaving out the defaults."""
    found = {}
    if quiz.time_limit:
        found["time_limit"] = quiz.time_limit
    if quiz.attempts_allowed:
        found["attempts"] = quiz.attempts_allowed
    if quiz.review != "immediately":
        found["review"] = quiz.review
    if quiz.opens_at:
        found["opens"] = quiz.opens_at.isoformat(sep=" ", timespec="minutes")
    if quiz.closes_at:
        found["closes"] = quiz.closes_at.isoformat(sep=" ", timespec="minutes")
    if quiz.state != PUBLISHED:
        found["state"] = quiz.state
    return found


def deadline(quiz, started: datetime) -> datetime | None:
    """When an attempt started at ``started`` must be finished: the earlier of its time
    limit and the quiz's closing, as the quiz's settings are now (changing them moves the
    deadline of attempts still open)."""
    ends = [t for t in (started + timedelta(minutes=quiz.time_limit) if quiz.time_limit
                        else None, quiz.closes_at) if t is not None]
    return min(ends) if ends else None


def closed_reason(quiz, now: datetime) -> str | None:
    """Why a new attempt cannot start now (before opening, after closing), or None."""
    if quiz.opens_at and now < quiz.opens_at:
        return f"This quiz opens on {quiz.opens_at:%Y-%m-%d at %H:%M} UTC."
    if quiz.closes_at and now >= quiz.closes_at:
        return f"This quiz closed on {quiz.closes_at:%Y-%m-%d at %H:%M} UTC."
    return None


def answers_visible(quiz, now: datetime) -> bool:
    """Whether learners may see the correct answers of their finished attempts now.

    After the quiz closes means once no attempt can still save: every open attempt's
    deadline is at the closing time at the latest, and saves are taken for the grace
    period after it.
    """
    if quiz.review == "never":
        return False
    if quiz.review == "after_close":
        return quiz.closes_at is not None and now > quiz.closes_at + GRACE
    return True


def overdue(quiz, started: datetime, now: datetime) -> bool:
    """Whether an attempt at ``quiz`` started at ``started`` is past its deadline and the
    grace period: it takes no more saves, and is closed with what it has."""
    ends = deadline(quiz, started)
    return ends is not None and now > ends + GRACE
