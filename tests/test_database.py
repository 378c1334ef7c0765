"""SQLite runs with WAL, foreign keys and a busy timeout on every connection."""
import sqlite3

import pytest
from sqlalchemy import event

from quiz.extensions import db
from tests.conftest import csrf_token, sqlite_only


@sqlite_only
def test_every_connection_is_configured(app):
    with app.app_context():
        # Several at once, so the pool has to open new ones.
        connections = [db.engine.raw_connection() for _ in range(3)]
        try:
            for connection in connections:
                def pragma(name, connection=connection):
                    return connection.driver_connection.execute(f"PRAGMA {name}").fetchone()[0]
                assert pragma("journal_mode") == "wal"
                assert pragma("foreign_keys") == 1
                assert pragma("busy_timeout") == 10000
        finally:
            for connection in connections:
                connection.close()


@sqlite_only
def test_foreign_keys_are_enforced(app):
    with app.app_context(), pytest.raises(Exception) as caught:
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO paragraph (document_id, number, kind, level, section, text, hash) "
                "VALUES (9999, 1, 'paragraph', 0, '', 'x', 'x')")
    assert isinstance(caught.value.orig, sqlite3.IntegrityError)


@sqlite_only
def test_requests_that_may_write_begin_immediate(app, client):
    statements = []
    with app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, *args):
        if statement.startswith("BEGIN"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        client.get("/")
        assert statements and set(statements) == {"BEGIN"}
        statements.clear()
        token = csrf_token(client.get("/login").text)
        statements.clear()
        client.post("/login", data={"username": "x", "password": "y", "csrf_token": token})
        assert "BEGIN IMMEDIATE" in statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
