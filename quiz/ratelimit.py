"""A storage for the ``limits`` library's counters in the app's own database (quizdb://).

Counters live in a table rather than in each worker's memory, so the limits hold
across gunicorn workers and across app servers sharing one PostgreSQL, with no
extra service to run. RATELIMIT_STORAGE_URI may point at Redis instead (see
loginthrottle).
"""
from __future__ import annotations

import time

from limits.storage import Storage
from sqlalchemy import case, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db
from .models import RateLimitCounter

UPSERTS = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}


class DatabaseStorage(Storage):
    """A fixed-window counter store in the ``rate_limit_counter`` table (scheme quizdb://)."""

    STORAGE_SCHEME = ["quizdb"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add ``amount`` to the counter, starting a new window if it expired: one
        statement (an upsert), so two workers counting at once both count."""
        now = time.time()
        counters = RateLimitCounter.__table__
        dialect = db.session.get_bind().dialect.name
        if dialect not in UPSERTS:
            raise RuntimeError(f"quizdb:// counts on SQLite or PostgreSQL, not {dialect}: "
                               "set RATELIMIT_STORAGE_URI to a Redis URL")
        live = counters.c.expires_at > now
        statement = UPSERTS[dialect](counters).values(
            key=key, count=amount, expires_at=now + expiry,
        ).on_conflict_do_update(index_elements=[counters.c.key], set_={
            "count": case((live, counters.c.count + amount), else_=amount),
            "expires_at": case((live, counters.c.expires_at), else_=now + expiry),
        }).returning(counters.c.count)
        count = db.session.execute(statement).scalar_one()
        db.session.commit()
        return count

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
