"""Pieces of pages that every request would otherwise build the same way again.

A page's layout links the same stylesheet and pages on every request, and an attempt's
question navigation is the same few buttons for every learner; building each with
``url_for`` or a template loop costs more than the rest of a small page. These are
built once per process (and script root) and then looked up.
"""
from __future__ import annotations

from flask import Flask, current_app, get_template_attribute, has_request_context, request, url_for
from markupsafe import Markup


def fixed_url(endpoint: str, **values: str) -> str:
    """``url_for`` for a URL that depends on nothing but its arguments: a static file or
    a page without parameters. Kept per application root, since a proxy may mount the
    app under a prefix (SCRIPT_NAME)."""
    if not has_request_context():  # (an app context with SERVER_NAME may build URLs)
        return url_for(endpoint, **values)
    key = (request.script_root, endpoint, *values.items())
    kept = current_app.extensions["quiz.fixed_urls"]
    url = kept.get(key)
    if url is None:
        url = kept[key] = url_for(endpoint, **values)
    return url


def slot_buttons(answered: list[bool], current: int) -> Markup:
    """The attempt's question navigation: one button per slot, saying whether it is
    answered and which is shown (learner/_slot_button.html)."""
    kept = current_app.extensions["quiz.slot_buttons"]
    buttons = []
    for slot, done in enumerate(answered, 1):
        key = (slot, done, slot == current)
        button = kept.get(key)
        if button is None:
            render = get_template_attribute("learner/_slot_button.html", "slot_button")
            button = kept[key] = render(*key)
        buttons.append(button)
    return Markup("").join(buttons)


def init_app(app: Flask) -> None:
    app.extensions["quiz.fixed_urls"] = {}
    app.extensions["quiz.slot_buttons"] = {}
    app.add_template_global(fixed_url)
    app.add_template_global(slot_buttons)
