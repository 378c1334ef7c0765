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


WRITES = ("INSERT", "UPDATE", "DELETE")


@sqlite_only
def test_saves_and_submits_write_only_in_immediate_transactions(typed_app):
    """They read first without the write lock, then every write runs after BEGIN IMMEDIATE."""
    from tests.test_learner_flow import register, start
    client = typed_app.test_client()
    register(client)
    attempt_url = start(client)
    token = csrf_token(client.get(attempt_url).text)
    with typed_app.app_context():
        engine = db.engine
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement.lstrip().split(None, 1)[0].upper()
                          if not statement.startswith("BEGIN") else statement)

    def writes_by_mode():
        mode, seen = None, {}
        for statement in statements:
            if statement.startswith("BEGIN"):
                mode = statement
            elif statement in WRITES:
                seen.setdefault(mode, []).append(statement)
        return seen

    event.listen(engine, "before_cursor_execute", record)
    try:
        saved = client.post(f"{attempt_url}?q=4", data={
            "csrf_token": token, "go": "stay", "seq": "0", "answer": "PSOTC"})
        assert saved.json["saved"] is True
        assert statements[0] == "BEGIN"  # the user and the question are read unlocked
        assert writes_by_mode() == {"BEGIN IMMEDIATE": ["UPDATE"]}
        statements.clear()
        same = client.post(f"{attempt_url}?q=4", data={
            "csrf_token": token, "go": "stay", "seq": "1", "answer": "PSOTC"})
        assert same.json["saved"] is True
        assert "BEGIN IMMEDIATE" not in statements  # nothing changed, nothing locked
        statements.clear()
        assert client.post(f"{attempt_url}/submit", data={"csrf_token": token}).status_code == 302
        assert statements[0] == "BEGIN"
        assert writes_by_mode() == {"BEGIN IMMEDIATE": ["UPDATE", "UPDATE"]}
    finally:
        event.remove(engine, "before_cursor_execute", record)
