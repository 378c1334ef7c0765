"""Response headers that keep pages from being framed, sniffed or fed foreign script, and
the proxy settings that make addresses and HTTPS right behind a reverse proxy. Sessions
are Flask's signed cookies and CSRF is Flask-WTF's ``CSRFProtect``, both as shipped."""
from __future__ import annotations

from flask import Flask, Response
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


def init_app(app: Flask) -> None:
    app.after_request(add_headers)
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if hops:
        # Behind a reverse proxy: trust its X-Forwarded-* so HTTPS and addresses are right.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
