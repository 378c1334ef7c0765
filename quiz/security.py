"""Response headers that keep pages from being framed, sniffed or fed foreign script; the
signed session cookie; the CSRF token's signing and checking."""
from __future__ import annotations

import hmac
import time

from flask import Flask, Request, Response, current_app, g, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect, generate_csrf, logger, same_origin, validate_csrf
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.middleware.proxy_fix import ProxyFix
from wtforms import ValidationError

from .kept import Kept, kept

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


_SCALARS = (str, int, float, bool, type(None))


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookies, the signer built once per key rather than per
    request, and each cookie's signature checked once per process.

    A browser sends the same cookie until the session changes, and checking its
    signature and decoding it cost about 35 us of every request. A cookie that checked
    out is kept with what it holds and when it was signed, and is accepted again only
    while it is younger than the session lifetime, as on the first check. Only sessions
    of plain values (strings, numbers) are kept: each request gets its own copy, which
    it can change without changing what is kept. Whether the login in it is still live
    is asked of the database on every request, as before (auth.load_user).
    """

    def __init__(self):
        self.signers: dict[tuple, URLSafeTimedSerializer | None] = {}
        self.checked = Kept(4096)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        signer = self.signers.get(keys)
        if signer is None:
            signer = self.signers[keys] = super().get_signing_serializer(app)
        return signer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        signer = self.get_signing_serializer(app)
        cookie = request.cookies.get(self.get_cookie_name(app)) if signer else None
        if not cookie:
            return super().open_session(app, request)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        known = self.checked.get((signer, cookie))
        if known is not None and 0 <= int(time.time()) - known[1] <= max_age:
            return self.session_class(known[0])  # a copy: the dict's own constructor
        try:
            data, signed = signer.loads(cookie, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if all(type(value) in _SCALARS for value in data.values()):
            self.checked.put((signer, cookie), (data, int(signed.timestamp())))
        return self.session_class(data)


def csrf_token() -> str:
    """Flask-WTF's CSRF token for the session, signed once per process rather than on
    every page: with no time limit on tokens (WTF_CSRF_TIME_LIMIT None, the default
    here) a token signed earlier is as good as a new one, and signing took about 25 us
    of every page. With a time limit, every page signs its own.

    The page header asks for it first (fragments.site_header); Flask-WTF's own
    ``csrf_token()`` in the page's forms then finds it where it keeps the request's."""
    token = g.get("csrf_token")  # where generate_csrf() keeps it for the request
    if token is not None or current_app.config["WTF_CSRF_TIME_LIMIT"]:
        return token or generate_csrf()
    raw = session.get("csrf_token")
    signed = kept("csrf_tokens")
    token = None if raw is None else signed.get((raw,))
    if token is None:
        # A session's first token (as on the first page after logging in) is kept too:
        # generate_csrf() gives the session its raw token when it has none.
        token = generate_csrf()
        signed.put((session["csrf_token"],), token)
    g.csrf_token = token  # forms rendered later in the request use it too
    return token


class CheckedOnce(CSRFProtect):
    """Flask-WTF's CSRF protection, each signed token checked once per process.

    A page's forms all carry the session's one signed token (see csrf_token above), and
    checking its signature cost about 30 us of every form sent. With no time limit on
    tokens, a token whose signature checked out is kept with the session token it
    carries; sent again, it is accepted if that is the sending session's token (compared
    in constant time), as Flask-WTF would after checking the signature. Anything else,
    or any token while a time limit is set, is checked by Flask-WTF's ``validate_csrf``.
    The rest is Flask-WTF's ``protect``: exemptions, methods, and on HTTPS the
    referrer's check.
    """

    def __init__(self, app: Flask | None = None):
        self.checked = Kept(4096)
        super().__init__(app)

    def protect(self, apply_exemptions: bool = False) -> None:
        if apply_exemptions and (not request.endpoint or self._is_exempt()):
            return
        if request.method not in current_app.config["WTF_CSRF_METHODS"]:
            return
        try:
            self._validate(self._get_csrf_token())
        except ValidationError as error:
            logger.info(error.args[0])
            self._error_response(error.args[0])
        if request.is_secure and current_app.config["WTF_CSRF_SSL_STRICT"]:
            if not request.referrer:
                self._error_response("The referrer header is missing.")
            if not same_origin(request.referrer, f"https://{request.host}/"):
                self._error_response("The referrer does not match the host.")
        g.csrf_valid = True

    def _validate(self, token: str | None) -> None:
        config = current_app.config
        forever = config["WTF_CSRF_TIME_LIMIT"] is None
        key = (config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key, token)
        if token and forever:
            carried = self.checked.get(key)
            held = session.get(config["WTF_CSRF_FIELD_NAME"])
            if carried is not None and isinstance(held, str) and hmac.compare_digest(
                    carried, held):
                return
        validate_csrf(token)  # raises ValidationError, saying why
        if forever:  # it carries the session's token: validate_csrf compared them
            self.checked.put(key, session[config["WTF_CSRF_FIELD_NAME"]])


def init_app(app: Flask) -> None:
    app.session_interface = SessionCookies()
    app.after_request(add_headers)
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if hops:
        # Behind a reverse proxy: trust its X-Forwarded-* so HTTPS and addresses are right.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
