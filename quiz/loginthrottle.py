"""Failed logins slow the guesser down and never lock the account's owner out.

Counters are kept by the ``limits`` library (Flask-Limiter's own) where
RATELIMIT_STORAGE_URI says (the app's database by default, Redis when it names Redis),
so every worker and server shares them. Three of them:

- per account and address (or known browser): after a few free failures each further
  one doubles the wait before the next try (2 s, 4 s, 8 s ... at most 15 minutes by
  default). Only the guesser at that address waits.
- per account, from browsers that never logged in to it: a budget that bounds guessing
  spread over many addresses. Past it, each failure makes the next such try wait, by
  doubling steps up to a minute by default: a delay, not a lock. A browser that logged
  in to the account before is not subject to it, so the owner keeps logging in while
  someone elsewhere guesses at the name.
- per address, from browsers not known: a cap generous enough for a school behind one
  address (500 failures in 15 minutes by default), against one machine trying many
  names.

A browser becomes known to an account when it logs in to it: it gets a signed cookie
(sent only to the login page) naming the accounts it logged in to. Failures are
forgotten a day after the first of them.
"""
from __future__ import annotations

import math
import secrets
import time
from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from . import ratelimit  # noqa: F401  (registers the quizdb:// storage with limits)

KNOWN_COOKIE = "known_logins"
KNOWN_DAYS = 180
KNOWN_MAX = 8  # accounts remembered per browser (a shared classroom machine)
FORGET_AFTER = 24 * 3600  # seconds from a pair's or an account's first failure
MESSAGES = {
    "pair": "Too many failed logins for this account from here. Try again in {wait}.",
    "account": "Too many failed logins for this account from browsers it has not used. "
               "Try again in {wait}, or from a browser you logged in with before.",
    "address": "Too many failed logins from your network. Try again in {wait}.",
    "register": "Too many accounts were created from your network. Try again in {wait}.",
    "join": "Too many wrong enrolment codes from your account. Try again in {wait}.",
}


def _limiter() -> FixedWindowRateLimiter:
    return current_app.extensions["quiz.login_throttle"]


def _limits(name: str):
    return parse_many(current_app.config[name])


def _known() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="known-logins")


def known_browser() -> dict:
    """What this browser's cookie says: its id and the accounts it logged in to."""
    cookie = request.cookies.get(KNOWN_COOKIE)
    if cookie:
        try:
            found = _known().loads(cookie, max_age=KNOWN_DAYS * 86400)
            if isinstance(found, dict) and isinstance(found.get("accounts"), list):
                return found
        except BadSignature:
            pass
    return {"id": secrets.token_urlsafe(12), "accounts": []}


def _wait(items, *identifiers: str) -> float:
    """Seconds until every window in ``items`` has room again for ``identifiers``."""
    limiter, now, wait = _limiter(), time.time(), 0.0
    for item in items:
        if not limiter.test(item, *identifiers):
            wait = max(wait, limiter.get_window_stats(item, *identifiers).reset_time - now)
    return wait


def in_words(seconds: float) -> str:
    if seconds < 90:
        count = max(1, math.ceil(seconds))
        return f"{count} second{'s' if count != 1 else ''}"
    count = math.ceil(seconds / 60)
    return f"{count} minutes"


@dataclass
class Refusal:
    message: str
    seconds: int


@dataclass
class LoginTry:
    """One login form sent: for the account name typed, from this address and browser."""

    account: str
    address: str
    browser: dict

    @classmethod
    def now(cls, username: str) -> LoginTry:
        return cls(username.strip().lower(), request.remote_addr or "unknown", known_browser())

    @property
    def known(self) -> bool:
        return self.account in self.browser["accounts"]

    @property
    def _pair(self) -> tuple[str, str]:
        where = f"browser:{self.browser['id']}" if self.known else f"address:{self.address}"
        return "login-pair", f"{self.account}@{where}"

    def backoffs(self) -> list[tuple[str, str, int, int]]:
        """(message, key, free failures, longest wait) of each doubling delay this try
        falls under."""
        config = current_app.config
        where = f"browser:{self.browser['id']}" if self.known else f"address:{self.address}"
        found = [("pair", f"login-pair/{self.account}@{where}",
                  config["LOGIN_FREE_FAILURES"], config["LOGIN_LONGEST_WAIT"])]
        if not self.known:
            found.append(("account", f"login-account/{self.account}",
                          config["LOGIN_FREE_FAILURES_PER_ACCOUNT"],
                          config["LOGIN_LONGEST_WAIT_PER_ACCOUNT"]))
        return found

    def _address(self) -> tuple[list, tuple[str, str]]:
        return _limits("LOGIN_LIMIT_PER_ADDRESS"), ("login-address", self.address)

    def refused(self) -> Refusal | None:
        """Why this try must wait, before its password is checked; None if it need not."""
        storage = _limiter().storage
        for name, key, _free, _longest in self.backoffs():
            if storage.get(f"{key}/wait"):
                wait = storage.get_expiry(f"{key}/wait") - time.time()
                if wait > 0:
                    return Refusal(MESSAGES[name].format(wait=in_words(wait)), math.ceil(wait))
        if not self.known:
            items, identifiers = self._address()
            wait = _wait(items, *identifiers)
            if wait > 0:
                return Refusal(MESSAGES["address"].format(wait=in_words(wait)),
                               math.ceil(wait))
        return None

    def failed(self) -> None:
        storage = _limiter().storage
        for _name, key, free, longest in self.backoffs():
            failures = storage.incr(f"{key}/failures", FORGET_AFTER)
            if failures > free:
                storage.clear(f"{key}/wait")  # a new wait, from now
                storage.incr(f"{key}/wait", min(longest, 2 ** (failures - free)))
        if not self.known:
            items, identifiers = self._address()
            for item in items:
                _limiter().hit(item, *identifiers)

    def succeeded(self, response) -> None:
        """Remember this browser for the account (its failures are forgotten with time:
        clearing them here would cost every login two statements)."""
        accounts = [self.account] + [a for a in self.browser["accounts"] if a != self.account]
        value = _known().dumps({"id": self.browser["id"], "accounts": accounts[:KNOWN_MAX]})
        response.set_cookie(KNOWN_COOKIE, value, max_age=KNOWN_DAYS * 86400,
                            path=url_for("auth.login"), httponly=True, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])


def registration_refused() -> Refusal | None:
    """Counts this registration form against the address; a Refusal once it is over."""
    identifiers = ("register-address", request.remote_addr or "unknown")
    over = [item for item in _limits("REGISTER_LIMIT_PER_ADDRESS")
            if not _limiter().hit(item, *identifiers)]
    if not over:
        return None
    wait = _wait(over, *identifiers)
    return Refusal(MESSAGES["register"].format(wait=in_words(max(wait, 1))),
                   max(1, math.ceil(wait)))


def _join_identifiers(user_id: int) -> tuple[str, str]:
    return "join-user", str(user_id)


def join_refused(user_id: int) -> Refusal | None:
    """A Refusal while the account has used up its wrong enrolment codes (asked before
    a code is checked, so a guesser learns nothing more once over the limit)."""
    wait = _wait(_limits("JOIN_LIMIT_PER_USER"), *_join_identifiers(user_id))
    if not wait:
        return None
    return Refusal(MESSAGES["join"].format(wait=in_words(max(wait, 1))),
                   max(1, math.ceil(wait)))


def join_failed(user_id: int) -> None:
    """Count a wrong enrolment code against the account."""
    for item in _limits("JOIN_LIMIT_PER_USER"):
        _limiter().hit(item, *_join_identifiers(user_id))


def init_app(app: Flask) -> None:
    """The counters' storage, from RATELIMIT_STORAGE_URI (limits' own URI schemes)."""
    storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
    app.extensions["quiz.login_throttle"] = FixedWindowRateLimiter(storage)
