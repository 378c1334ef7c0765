"""SQLite runs with WAL, foreign keys and a busy timeout on every connection."""
import sqlite3
from contextlib import contextmanager
from pathlib import Path

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


@contextmanager
def sqlite_statements(app):
    """Every statement SQLite runs from now on (BEGIN included), first word upper-cased,
    BEGINs whole, as SQLite's own trace reports them."""
    with app.app_context():
        engine = db.engine
    seen = []

    def trace(statement):
        word = statement.lstrip().split(None, 1)[0].upper()
        seen.append(statement.strip().upper() if word == "BEGIN" else word)

    def on_connect(dbapi_connection, _record):
        dbapi_connection.set_trace_callback(trace)

    event.listen(engine, "connect", on_connect)
    engine.dispose()  # from here on every connection is new, and traced
    try:
        yield seen
    finally:
        event.remove(engine, "connect", on_connect)
        engine.dispose()


@sqlite_only
def test_requests_that_may_write_begin_immediate(app, client):
    with sqlite_statements(app) as statements:
        client.get("/")
        begins = [s for s in statements if s.startswith("BEGIN")]
        assert begins and set(begins) == {"BEGIN"}
        token = csrf_token(client.get("/login").text)
        statements.clear()
        client.post("/login", data={"username": "x", "password": "y", "csrf_token": token})
        assert "BEGIN IMMEDIATE" in statements


WRITES = ("INSERT", "UPDATE", "DELETE")


@sqlite_only
def test_saves_and_submits_write_in_one_immediate_transaction_and_gets_never_write(
        typed_app):
    """A save or submit takes the write lock before its first read (its check of the
    attempt must hold until it commits); a GET writes nothing, even for an attempt whose
    time is up; a report closes such attempts in a write transaction of its own."""
    from datetime import timedelta

    from tests.conftest import add_user, log_in
    from tests.test_learner_flow import register, start
    from tests.test_quiz_settings import set_quiz, started_ago
    set_quiz(typed_app, time_limit=5)
    client = typed_app.test_client()
    register(client)
    attempt_url = start(client)
    token = csrf_token(client.get(attempt_url).text)

    def writes_by_mode(statements):
        mode, seen = None, {}
        for statement in statements:
            if statement.startswith("BEGIN"):
                mode = statement
            elif statement in WRITES:
                seen.setdefault(mode, []).append(statement)
        return seen

    def begins(statements):
        return [s for s in statements if s.startswith("BEGIN")]

    with sqlite_statements(typed_app) as statements:
        saved = client.post(f"{attempt_url}?q=4", data={
            "csrf_token": token, "go": "stay", "seq": "0", "answer": "PSOTC"})
        assert saved.json["saved"] is True
        assert begins(statements) == ["BEGIN IMMEDIATE"]
        assert writes_by_mode(statements) == {"BEGIN IMMEDIATE": ["UPDATE"]}
        statements.clear()
        started_ago(typed_app, timedelta(hours=1))
        statements.clear()
        page = client.get(f"{attempt_url}?q=2")
        assert "Time is up" in page.text
        assert set(begins(statements)) == {"BEGIN"} and writes_by_mode(statements) == {}
        add_user(typed_app, "teacher", role="instructor")
        teacher = typed_app.test_client()
        log_in(teacher, "teacher")
        statements.clear()
        assert teacher.get("/instructor/attempts").status_code == 200
        assert begins(statements) == ["BEGIN", "BEGIN IMMEDIATE", "BEGIN"]
        assert list(writes_by_mode(statements)) == ["BEGIN IMMEDIATE"]
        statements.clear()
        assert client.post(f"{attempt_url}/submit", data={"csrf_token": token}).status_code == 302
        assert begins(statements) == ["BEGIN IMMEDIATE"]
        assert writes_by_mode(statements) == {}  # closed already, by the report


CHILD = """
import sys
from quiz.sqlite import WriterTurns
turns = WriterTurns(sys.argv[1])
turns.take()
print("taken", flush=True)
sys.stdin.readline()
turns.give_back()
print("given back", flush=True)
sys.stdin.readline()
"""


def test_writers_in_other_processes_wait_for_their_turn(tmp_path):
    import subprocess
    import sys
    import threading

    from quiz.sqlite import WriterTurns
    path = str(tmp_path / "quiz.sqlite3-writers")
    with subprocess.Popen([sys.executable, "-c", CHILD, path], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout.readline() == "taken\n"
        mine = threading.Event()
        turns = WriterTurns(path)
        waiting = threading.Thread(target=lambda: (turns.take(), mine.set()))
        waiting.start()
        assert not mine.wait(0.5)  # the other process has the turn
        child.stdin.write("\n")
        child.stdin.flush()
        assert child.stdout.readline() == "given back\n"
        assert mine.wait(30)  # handed over
        waiting.join()
        turns.give_back()
        child.stdin.write("\n")


def test_a_thread_may_take_its_own_turn_again_and_others_wait(tmp_path):
    import threading

    from quiz.sqlite import WriterTurns
    turns = WriterTurns(str(tmp_path / "writers"))
    turns.take()
    turns.take()  # a second connection of the same thread: no deadlock
    other = threading.Event()
    waiting = threading.Thread(target=lambda: (turns.take(), other.set()))
    waiting.start()
    turns.give_back()
    assert not other.wait(0.3)  # still this thread's
    turns.give_back()
    assert other.wait(30)
    waiting.join()
    turns.give_back()
    assert turns.owner is None and turns.depth == 0


@sqlite_only
def test_a_write_transaction_gives_its_turn_back_however_it_ends(app):
    from quiz.sqlite import TurnTakingConnection
    with app.app_context():
        engine = db.engine
        database = engine.url.database
        ends = {
            "commit": lambda connection: connection.commit(),
            "rollback": lambda connection: connection.rollback(),
            "close": lambda connection: connection.close(),
            "invalidate": lambda connection: connection.invalidate(),
        }
        for name, end in ends.items():
            connection = engine.connect()
            connection.exec_driver_sql("UPDATE quiz SET title = title")  # BEGIN IMMEDIATE
            driver = connection.connection.driver_connection
            assert isinstance(driver, TurnTakingConnection) and driver.holding, name
            assert driver.turns.owner is not None, name
            end(connection)
            assert driver.turns.owner is None and driver.turns.depth == 0, name
            connection.close()
    assert (Path(database).parent / (Path(database).name + "-writers")).exists()
