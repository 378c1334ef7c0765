"""Response headers that keep pages from being framed, sniffed or fed foreign script."""
from __future__ import annotations

from flask import Flask, Response, current_app, g, session
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import generate_csrf
from itsdangerous import URLSafeTimedSerializer
from werkzeug.middleware.proxy_fix import ProxyFix

from .kept import kept

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",  # no inline script, no eval
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def add_headers(response: Response) -> Response:
    # A header a view set itself wins. One pass over what is there: Headers.setdefault
    # would scan the list once per name and raise (and catch) a KeyError for each miss.
    present = {name.lower() for name in response.headers.keys()}
    response.headers.extend([(name, value) for name, value in HEADERS.items()
                             if name.lower() not in present])
    return response


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookies, the signer built once per key rather than per request."""

    def __init__(self):
        self.signers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        signer = self.signers.get(keys)
        if signer is None:
            signer = self.signers[keys] = super().get_signing_serializer(app)
        return signer


def csrf_token() -> str:
    """Flask-WTF's CSRF token for the session, signed once per process rather than on
    every page: with no time limit on tokens (WTF_CSRF_TIME_LIMIT None, the default
    here) a token signed earlier is as good as a new one, and signing took about 25 us
    of every page. With a time limit, every page signs its own.

    The page header asks for it first (fragments.site_header); Flask-WTF's own
    ``csrf_token()`` in the page's forms then finds it where it keeps the request's."""
    token = g.get("csrf_token")  # where generate_csrf() keeps it for the request
    raw = session.get("csrf_token")
    if token is not None or raw is None or current_app.config["WTF_CSRF_TIME_LIMIT"]:
        return token or generate_csrf()
    signed = kept("csrf_tokens")
    token = signed.get((raw,))
    if token is None:
        token = generate_csrf()
        signed.put((raw,), token)
    g.csrf_token = token  # forms rendered later in the request use it too
    return token


def init_app(app: Flask) -> None:
    app.session_interface = SessionCookies()
    app.after_request(add_headers)
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if hops:
        # Behind a reverse proxy: trust its X-Forwarded-* so HTTPS and addresses are right.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
