"""Login throttling with Flask-Limiter, counted in the app's own database.

Counters live in a table rather than in each worker's memory, so the limits hold
across gunicorn workers and across app servers sharing one PostgreSQL, with no
extra service to run. RATELIMIT_STORAGE_URI may point at Redis instead.
"""
from __future__ import annotations

import time

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import Storage
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from .extensions import db
from .models import RateLimitCounter

# Flask-Limiter as shipped: its limits are the decorators on the login view.
limiter = Limiter(key_func=get_remote_address)


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
