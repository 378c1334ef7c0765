"""Login throttling with Flask-Limiter, counted in the app's own database.

Counters live in a table rather than in each worker's memory, so the limits hold
across gunicorn workers and across app servers sharing one PostgreSQL, with no
extra service to run. RATELIMIT_STORAGE_URI may point at Redis instead.
"""
from __future__ import annotations

import time
from functools import partial

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import Storage
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from .extensions import db
from .models import RateLimitCounter


class RouteLimiter(Limiter):
    """A Limiter whose limits are all on routes (the login form's), none app-wide.

    Flask-Limiter checks app-wide limits before every request; with none set that is
    work for nothing on every page, so only the decorated views' own checks run.
    """

    def _check_request_limit(self, callable_name: str | None = None,
                             in_middleware: bool = True) -> None:
        if not in_middleware:
            super()._check_request_limit(callable_name, in_middleware)

    def init_app(self, app: Flask, blueprint: str = "auth") -> None:
        """Bind to ``app``, running the limiter's request hooks only for ``blueprint``,
        the one whose views are limited, instead of around every request."""
        super().init_app(app)
        for hooks in (app.before_request_funcs, app.after_request_funcs,
                      app.teardown_request_funcs):
            mine = [hook for hook in hooks.get(None, []) if _bound_to(hook, self)]
            for hook in mine:
                hooks[None].remove(hook)
            hooks.setdefault(blueprint, []).extend(mine)


def _bound_to(hook, limiter: Limiter) -> bool:
    """Whether a request hook is one of ``limiter``'s (a bound method or a partial)."""
    if isinstance(hook, partial):
        return hook.args[:1] == (limiter,)
    return getattr(hook, "__self__", None) is limiter


limiter = RouteLimiter(key_func=get_remote_address)


class DatabaseStorage(Storage):
    """A fixed-window counter store in the ``rate_limit_counter`` table (scheme quizdb://)."""

    STORAGE_SCHEME = ["quizdb"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        session = db.session
        for _ in range(3):
            changed = session.execute(
                update(RateLimitCounter)
                .where(RateLimitCounter.key == key, RateLimitCounter.expires_at > now)
                .values(count=RateLimitCounter.count + amount)
                .execution_options(synchronize_session=False))
            if changed.rowcount == 0:
                session.execute(delete(RateLimitCounter).where(RateLimitCounter.key == key))
                try:
                    with session.begin_nested():
                        session.add(RateLimitCounter(key=key, count=amount,
                                                     expires_at=now + expiry))
                except IntegrityError:
                    continue  # another worker created it first: count on theirs
            session.commit()
            return self.get(key)
        raise RuntimeError(f"rate-limit counter {key!r} kept changing under us")

    def get(self, key: str) -> int:
        count = db.session.execute(
            select(RateLimitCounter.count).where(RateLimitCounter.key == key,
                                                 RateLimitCounter.expires_at > time.time())
        ).scalar_one_or_none()
        return count or 0

    def get_expiry(self, key: str) -> float:
        expiry = db.session.execute(
            select(RateLimitCounter.expires_at).where(RateLimitCounter.key == key)
        ).scalar_one_or_none()
        return expiry or time.time()

    def check(self) -> bool:
        try:
            db.session.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        result = db.session.execute(delete(RateLimitCounter))
        db.session.commit()
        return result.rowcount

    def clear(self, key: str) -> None:
        db.session.execute(delete(RateLimitCounter).where(RateLimitCounter.key == key))
        db.session.commit()


def login_account_key() -> str:
    """Failed logins counted per account name, whatever address they come from."""
    return "account:" + (request.form.get("username") or "").strip().lower()[:40]


def failed_login(response) -> bool:
    """Only refused logins count (a successful one redirects)."""
    return request.method == "POST" and response.status_code != 302


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", "quizdb://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)


def login_limits():
    """The limits on the login form: per address and per account, failures only."""
    per_address = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
                                methods=["POST"], deduct_when=failed_login,
                                error_message="Too many failed logins from your network. "
                                "Wait a few minutes, then try again.")
    per_account = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
                                key_func=login_account_key, methods=["POST"],
                                deduct_when=failed_login,
                                error_message="Too many failed logins for this account. "
                                "Wait a few minutes, then try again.")
    return lambda view: per_address(per_account(view))
