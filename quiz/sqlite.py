"""SQLite only (imported by database.init_app when the database is a SQLite file).

SQLite has one writer at a time. Every connection runs with WAL, foreign keys, a busy
timeout and transactions we begin ourselves (pysqlite's own begin is off, as SQLAlchemy
recommends), IMMEDIATE for any request that may write. Writers of one file take turns
through ``WriterTurns`` rather than SQLite's sleeping busy handler.
"""
from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

BUSY_TIMEOUT_MS = 10_000


class WriterTurns:
    """The processes and threads writing to one SQLite file take turns, handed over at once.

    SQLite lets one writer in at a time; the others wait in its busy handler, which
    sleeps 1, 2, 5, 10 ms... between tries, so a worker that finds the lock taken for
    a few microseconds loses a millisecond or more. Here a write transaction first takes
    its turn: an exclusive flock on a file beside the database (so the kernel wakes the
    next process the moment it is released) behind a lock among the process's threads.
    A thread that already has the turn may take it again (one more connection of its
    own); it passes on when the last is given back, from whichever thread gives it.
    Programs writing without taking turns are still waited for by the busy timeout.
    """

    def __init__(self, path: str):
        self.path, self.pid, self.fd = path, None, None
        self.changed = threading.Condition()
        self.owner, self.depth = None, 0

    def take(self) -> None:
        me = threading.get_ident()
        with self.changed:
            while self.owner not in (None, me):
                self.changed.wait()
            self.owner, self.depth = me, self.depth + 1
            if self.depth > 1:
                return
            try:
                if self.pid != os.getpid():  # a forked worker opens its own: flocks are
                    self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)  # per file
                    self.pid = os.getpid()
                fcntl.flock(self.fd, fcntl.LOCK_EX)
            except BaseException:
                self.owner, self.depth = None, 0
                self.changed.notify()
                raise

    def give_back(self) -> None:
        with self.changed:
            self.depth -= 1
            if self.depth == 0:
                self.owner = None
                fcntl.flock(self.fd, fcntl.LOCK_UN)
                self.changed.notify()


class TurnTakingConnection(sqlite3.Connection):
    """A pysqlite connection whose write transactions take their turn (see WriterTurns)
    and give it back when they end: commit, rollback or close, however they are reached."""

    turns: WriterTurns
    holding = False

    def begin(self, statement: str) -> None:
        if statement == "BEGIN IMMEDIATE" and not self.holding:
            self.turns.take()
            self.holding = True
        try:
            self.execute(statement)
        except BaseException:
            self._give_back()
            raise

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._give_back()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._give_back()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._give_back()

    def _give_back(self) -> None:
        if self.holding:
            self.holding = False
            self.turns.give_back()


_CONNECTION_CLASSES: dict[str, type[TurnTakingConnection]] = {}


def sqlite_engine_options(url: str, instance_path: str, options: dict) -> dict:
    """Engine options for a SQLite file: connections that take turns to write (one set of
    turns per file in a process, however many apps open it)."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return options
    # Flask-SQLAlchemy reads a relative path from the instance folder.
    path = os.path.abspath(os.path.join(instance_path, database))
    connection_class = _CONNECTION_CLASSES.get(path)
    if connection_class is None:
        connection_class = _CONNECTION_CLASSES[path] = type(
            "Connection", (TurnTakingConnection,), {"turns": WriterTurns(path + "-writers")})
    connect_args = dict(options.get("connect_args", {}), factory=connection_class)
    return dict(options, connect_args=connect_args)


def configure_sqlite(engine: Engine, begin_statement: Callable[[], str]) -> None:
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
        driver = connection.connection.driver_connection
        if isinstance(driver, TurnTakingConnection):
            driver.begin(begin_statement())
        else:
            driver.execute(begin_statement())
