"""Template filters: how numbers and times read on every page."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from markupsafe import Markup

from .words import plural


def format_number(value: float | None, places: int = 2) -> str:
    """Marks as people write them: 7, 0.5, 66.67."""
    if value is None:
        return ""
    return f"{round(value, places):g}"


def format_when(value: datetime) -> Markup:
    """A moment stored in UTC, as a <time> element in UTC; scripts show it in the
    reader's own time zone."""
    return Markup('<time datetime="{}Z" data-local-time>{} UTC</time>').format(
        value.isoformat(timespec="seconds"), value.strftime("%Y-%m-%d %H:%M"))


def seconds_left(value: datetime) -> int:
    """Whole seconds from now until ``value`` (UTC), never below zero: what a countdown
    starts from, measured on the server so a wrong clock in the browser does not matter."""
    return max(0, int((value - datetime.now(UTC).replace(tzinfo=None)).total_seconds()))


def init_app(app: Flask) -> None:
    app.add_template_filter(format_number, "num")
    app.add_template_filter(format_when, "when")
    app.add_template_filter(seconds_left, "seconds_left")
    app.add_template_filter(plural, "plural")
