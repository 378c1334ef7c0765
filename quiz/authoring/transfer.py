"""Imports and exports in the browser."""
from __future__ import annotations

from flask import render_template

from . import bp


@bp.route("/transfer")
def transfer():
    return render_template("authoring/transfer.html")
