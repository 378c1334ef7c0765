"""A storage for the ``limits`` library's counters in the app's own database (quizdb://).

Counters live in a table rather than in each worker's memory, so the limits hold
across gunicorn workers and across app servers sharing one PostgreSQL, with no
extra service to run. RATELIMIT_STORAGE_URI may point at Redis instead (see
loginthrottle).
"""
from __future__ import annotations

import time

from limits.storage import Storage
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from .extensions import db
from .models import RateLimitCounter


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
