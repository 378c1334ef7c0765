"""Input no database column can hold is refused before a view hands it to SQL: numbers
beyond an integer column (SQLite raises, PostgreSQL's INTEGER stops at 2**31 - 1) and
NUL characters (PostgreSQL's text refuses them), both as a clear 4xx."""
from __future__ import annotations

from functools import partial

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the largest number an integer column holds on every database


def whole_number(text: str) -> int:
    """``text`` as a whole number an integer column holds, else ValueError: for
    ``request.args.get(name, default, type=whole_number)``, which then gives the default.
    Only ASCII digits count ("²".isdigit() is true, yet int() refuses it)."""
    digits = text.strip().removeprefix("-")
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 10):
        raise ValueError(f"not a whole number: {text[:20]!r}")
    number = int(text)
    if abs(number) > MAX_ID:
        raise ValueError(f"out of range: {number}")
    return number


def _shown(name: str) -> str:
    return name.replace("\x00", "\\0")[:60]


def refuse_nul_characters() -> None:
    """A NUL character anywhere in the address, a field's name or value, or a file's name
    is refused with a 400 that says where, before any view reads it."""
    if "\x00" in request.path:
        abort(400, description="The address holds a NUL character (%00), which no address "
                               "here may contain.")
    for where, fields in (("query", request.args), ("form", request.form)):
        for name, value in fields.items(multi=True):
            if "\x00" in name or "\x00" in value:
                abort(400, description=f"The {where} field '{_shown(name)}' holds a NUL "
                      "character (\\0), which no text here may contain. Remove it and send "
                      "it again.")
    for name, upload in request.files.items(multi=True):
        if "\x00" in name or "\x00" in (upload.filename or ""):
            abort(400, description=f"The name of the file sent as '{_shown(name)}' holds a "
                  "NUL character (\\0). Rename the file and send it again.")


def init_app(app: Flask) -> None:
    """Bind to ``app``; before any blueprint, since routes read converters when added."""
    # Werkzeug's own int converter with its documented ``max``: /attempts/99999999999999999999
    # matches no route (404) instead of reaching the database.
    app.url_map.converters["int"] = partial(IntegerConverter, max=MAX_ID)
    app.before_request(refuse_nul_characters)
