"""The database: binding it, migrating it, and which transactions write.

On SQLite (quiz/sqlite.py, imported only for it) every request that may write begins its
transaction IMMEDIATE; PostgreSQL needs nothing of the kind, since the rows being changed
are locked (``SELECT ... FOR UPDATE``) by the code that changes them.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from flask import Flask, has_request_context, request
from flask_migrate import stamp, upgrade
from sqlalchemy import inspect

from .extensions import db, migrate

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# Set while a request that otherwise only reads runs a write transaction of its own.
_writing: ContextVar[bool] = ContextVar("writing", default=False)
# Set while a POST or a job reads at length before it writes (read_transaction).
_reading: ContextVar[bool] = ContextVar("reading", default=False)


def begin_statement() -> str:
    # A deferred transaction that reads and then writes fails with "database is locked"
    # when another writer got in between, whatever the busy timeout; IMMEDIATE waits
    # instead. So a request that may write begins IMMEDIATE, and one that only reads
    # (GET, HEAD, OPTIONS) never writes in its transaction.
    if _reading.get():
        return "BEGIN"
    if has_request_context() and request.method in READ_ONLY_METHODS \
            and not _writing.get():
        return "BEGIN"
    return "BEGIN IMMEDIATE"


@contextmanager
def write_transaction():
    """Run the block in a write transaction of its own, committed at its end.

    For the one thing a reading request must see done before it reads: a report closes
    the attempts whose time is up. The request's reads so far end first (they wrote
    nothing); the block's transaction begins IMMEDIATE on SQLite, never upgrading a
    read transaction to a write; the request's reads then go on in a new transaction.
    """
    db.session.commit()
    token = _writing.set(True)
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        _writing.reset(token)


@contextmanager
def read_transaction():
    """Run the block in a transaction that only reads, ended at the block's end.

    For work that reads and then thinks for seconds before it writes (checking an upload,
    planning a new edition): on SQLite its transaction begins deferred, so it holds no
    write lock while it works. What it wrote so far is committed first.
    """
    db.session.commit()
    token = _reading.set(True)
    try:
        yield
    finally:
        db.session.rollback()
        _reading.reset(token)


MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def init_app(app: Flask) -> None:
    url = app.config.get("SQLALCHEMY_DATABASE_URI") or ""
    on_sqlite = url.startswith("sqlite")
    if on_sqlite:
        from .sqlite import sqlite_engine_options
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = sqlite_engine_options(
            url, app.instance_path, app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    if on_sqlite:
        from .sqlite import configure_sqlite
        with app.app_context():
            configure_sqlite(db.engine, begin_statement)


def upgrade_schema() -> None:
    """Bring the schema to the latest migration, creating it on an empty database.

    A database made before migrations existed (tables but no alembic_version) is
    stamped with the first revision, whose schema it has, then upgraded.
    """
    tables = set(inspect(db.engine).get_table_names())
    if "user" in tables and "alembic_version" not in tables:
        stamp(directory=str(MIGRATIONS), revision=FIRST_REVISION)
    upgrade(directory=str(MIGRATIONS))


FIRST_REVISION = "0001"
