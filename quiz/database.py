"""Engine settings: SQLite gets WAL, foreign keys, a busy timeout and honest transactions."""
from __future__ import annotations

from functools import wraps
from pathlib import Path

from flask import Flask, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db, migrate

BUSY_TIMEOUT_MS = 10_000
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _begin_statement() -> str:
    # A deferred transaction that reads and then writes fails with "database is locked"
    # when another writer got in between, whatever the busy timeout; IMMEDIATE waits instead.
    if has_request_context() and (request.method in READ_ONLY_METHODS
                                  or g.get("reading_first")):
        return "BEGIN"
    return "BEGIN IMMEDIATE"


def reads_first(view):
    """A view that reads, then writes briefly: only its writing holds the write lock.

    Every request that may write begins its transaction IMMEDIATE, so on SQLite it holds
    the database's one write lock from its first statement (loading the user) to its
    commit, and other workers' writes wait. A view marked with this (outermost, before
    ``login_required`` loads the user) reads in a deferred transaction instead, and calls
    ``start_writing()`` before its first write. What it decided from its reads must be
    rechecked by the writes themselves (compare-and-set), since others may write between.
    """
    @wraps(view)
    def reading_first(*args, **kwargs):
        g.reading_first = True
        return view(*args, **kwargs)
    return reading_first


def start_writing() -> None:
    """End the request's reads; its next statement begins a write transaction (IMMEDIATE)."""
    db.session.commit()
    g.reading_first = False


def configure_sqlite(engine: Engine) -> None:
    """Take over SQLite's transaction handling from pysqlite, as SQLAlchemy recommends."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # Straight to the driver: every transaction of every request passes here.
        connection.connection.driver_connection.execute(_begin_statement())


MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def init_app(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            configure_sqlite(engine)


def upgrade_schema() -> None:
    """Bring the schema to the latest migration, creating it on an empty database.

    A database made before migrations existed (tables but no alembic_version) is
    stamped with the first revision, whose schema it has, then upgraded.
    """
    from flask_migrate import stamp, upgrade
    from sqlalchemy import inspect

    tables = set(inspect(db.engine).get_table_names())
    if "user" in tables and "alembic_version" not in tables:
        stamp(directory=str(MIGRATIONS), revision=FIRST_REVISION)
    upgrade(directory=str(MIGRATIONS))


FIRST_REVISION = "0001"
