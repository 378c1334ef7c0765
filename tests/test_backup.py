"""`db backup` copies SQLite consistently while writes go on; `db restore` brings it back."""
import sqlite3
import threading
import time

import pytest

from tests.conftest import make_app, sqlite_only


def counts(path):
    with sqlite3.connect(path) as connection:
        attempts = connection.execute("SELECT count(*) FROM attempt").fetchone()[0]
        responses = connection.execute("SELECT count(*) FROM response").fetchone()[0]
        orphans = connection.execute(
            "SELECT count(*) FROM attempt a WHERE NOT EXISTS "
            "(SELECT 1 FROM response r WHERE r.attempt_id = a.id)").fetchone()[0]
        users = connection.execute('SELECT count(*) FROM "user"').fetchone()[0]
    connection.close()
    return attempts, responses, orphans, users


@sqlite_only
def test_backup_during_writes_then_restore_gives_back_every_attempt(tmp_path):
    live = tmp_path / "live.sqlite3"
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{live}")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    assert runner.invoke(args=["demo", "seed", "--learners", "40"]).exit_code == 0
    attempts_before, responses_before, _, _ = counts(live)
    assert attempts_before > 40

    # A writer keeps committing new accounts while the backup runs.
    stop = threading.Event()
    written = []

    def writer():
        connection = sqlite3.connect(live, timeout=30)
        n = 0
        while not stop.is_set():
            connection.execute(
                'INSERT INTO "user" (username, password_hash, role, demo, created_at) '
                "VALUES (?, 'x', 'learner', 1, '2026-01-01')", (f"writer{n}",))
            connection.commit()
            written.append(n)
            n += 1
            time.sleep(0.002)
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            time.sleep(0.01)
        backup = tmp_path / "backup.sqlite3"
        result = runner.invoke(args=["db", "backup", str(backup)])
        assert result.exit_code == 0, result.output
        assert "Backed up" in result.output
    finally:
        stop.set()
        thread.join()

    attempts, responses, orphans, users = counts(backup)
    assert (attempts, responses, orphans) == (attempts_before, responses_before, 0)
    assert users >= 40 + 20  # the demo learners and the accounts written before it began
    assert len(written) > 20  # writes really were in flight during the backup

    # Restore into another installation: every attempt comes back.
    other = tmp_path / "restored"
    other.mkdir()
    restored = other / "quiz.sqlite3"
    app2 = make_app(other, SQLALCHEMY_DATABASE_URI=f"sqlite:///{restored}")
    result = app2.test_cli_runner().invoke(args=["db", "restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    assert counts(restored)[:3] == (attempts_before, responses_before, 0)


@sqlite_only
def test_backup_refuses_to_overwrite_or_to_copy_onto_itself(tmp_path, app):
    runner = app.test_cli_runner()
    target = tmp_path / "exists.sqlite3"
    target.write_text("precious")
    result = runner.invoke(args=["db", "backup", str(target)])
    assert result.exit_code == 1 and "use --force" in result.output
    assert target.read_text() == "precious"
    result = runner.invoke(args=["db", "restore", str(target), "--yes"])
    assert result.exit_code == 1 and "not a sound SQLite database" in result.output


@pytest.mark.skipif(not __import__("tests.conftest").conftest.ON_POSTGRES,
                    reason="the PostgreSQL message is only shown on PostgreSQL")
def test_backup_on_postgresql_points_at_pg_dump(app):
    result = app.test_cli_runner().invoke(args=["db", "backup", "/tmp/never-written"])
    assert result.exit_code == 1 and "pg_dump" in result.output
