"""Pieces of pages that every request would otherwise build the same way again.

Every page links the same stylesheet and shows the same header to the same user, and an
attempt's question navigation is the same few buttons for every learner; building them
with ``url_for`` and template loops cost more than the rest of a small page. They are
rendered once per process from their macros and then looked up.
"""
from __future__ import annotations

from flask import Flask, current_app, get_template_attribute, request
from markupsafe import Markup

from .kept import kept
from .security import csrf_token


def asset_links() -> Markup:
    """The links to the icon, stylesheet and script (_site_header.html), kept per
    application root, since a proxy may mount the app under a prefix (SCRIPT_NAME)."""
    built = current_app.extensions["quiz.fragments"]
    key = ("assets", request.script_root)
    html = built.get(key)
    if html is None:
        html = built[key] = get_template_attribute("_site_header.html", "asset_links")()
    return html


def site_header(user) -> Markup:
    """The page header: the site's links and, for a signed-in user, the logout form with
    the session's CSRF token (_site_header.html). Kept per application root, user (id,
    name and role) and token, so a new login, a renamed user or a new role gets its own."""
    if user.is_authenticated:
        key = (request.script_root, user.id, user.username, user.is_instructor, csrf_token())
    else:
        key = (request.script_root,)
    headers = kept("site_headers")
    html = headers.get(key)
    if html is None:
        render = get_template_attribute("_site_header.html", "site_header")
        html = render(user, key[-1] if user.is_authenticated else None)
        headers.put(key, html)
    return html


def slot_buttons(answered: list[bool], current: int) -> Markup:
    """The attempt's question navigation: one button per slot, saying whether it is
    answered and which is shown (learner/_slot_button.html)."""
    built = current_app.extensions["quiz.fragments"]
    buttons = []
    for slot, done in enumerate(answered, 1):
        key = (slot, done, slot == current)
        button = built.get(key)
        if button is None:
            render = get_template_attribute("learner/_slot_button.html", "slot_button")
            button = built[key] = render(*key)
        buttons.append(button)
    return Markup("").join(buttons)


def init_app(app: Flask) -> None:
    app.extensions["quiz.fragments"] = {}  # a few per slot and application root
    for builder in (asset_links, site_header, slot_buttons):
        app.add_template_global(builder)
