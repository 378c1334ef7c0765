"""Response headers that keep pages from being framed, sniffed or fed foreign script."""
from __future__ import annotations

from flask import Flask, Response
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from werkzeug.middleware.proxy_fix import ProxyFix

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


def init_app(app: Flask) -> None:
    app.session_interface = SessionCookies()
    app.after_request(add_headers)
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if hops:
        # Behind a reverse proxy: trust its X-Forwarded-* so HTTPS and addresses are right.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
