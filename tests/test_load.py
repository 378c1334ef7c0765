"""Under load, on gunicorn with several workers, no acknowledged answer is lost.

Fifty learners each have two tabs: one saves answers in a burst while the other submits
(550 state-changing requests in all). Every save acknowledged as saved is in the
database exactly as acknowledged and counted in the attempt's grade; every attempt's
marks are the sum of its responses' marks; saves after the submit are refused;
nothing answers 5xx and nothing reports "database is locked". A second run kills a
worker with SIGKILL halfway through. Both run on SQLite and on PostgreSQL (skipped,
with the reason, when no server is reachable).
"""
from __future__ import annotations

import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from werkzeug.security import generate_password_hash

from quiz.models import Attempt, Response, User
from tests.answering import QuestionForm
from tests.conftest import SERVER_URL, fixture_library, make_app, postgres_database
from tests.loadclient import Learner, Refused

LEARNERS = 50
SAVES_EACH = 10          # plus one submit: 50 x 11 = 550 state-changing requests
WORKERS = 4
PASSWORD = "load test password"
POSTGRES_URL = SERVER_URL or "postgresql+psycopg://quiz:quiz@127.0.0.1:5432/quiz"
ANSWERS = ["PSOTC", "psotc", "P.S.O.T.C.", "NATO", "SHAPE", "EUFOR"]
CHOICES = ["2006", "2010", "2004"]  # question 1's choices, in the bank's order


def postgres_reachable() -> bool:
    try:
        engine = create_engine(POSTGRES_URL)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False


def database_url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'load.sqlite3'}"
    if not postgres_reachable():
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL.split('@')[-1]} "
                    "(set TEST_DATABASE_URL, or see .ci/run)")
    return postgres_database(POSTGRES_URL)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request, tmp_path):
    if not shutil.which("gunicorn", path=str(Path(sys.executable).parent)):
        pytest.skip("gunicorn is not installed")
    url = database_url(request.param, tmp_path)
    questions = fixture_library(tmp_path, "all_types.yaml")
    app = make_app(tmp_path, questions_dir=questions, SQLALCHEMY_DATABASE_URI=url)
    assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0
    engine = create_engine(url)
    digest = generate_password_hash(PASSWORD)
    with engine.begin() as connection:
        connection.execute(User.__table__.insert(), [
            {"username": f"learner{n:02d}", "password_hash": digest, "role": "learner",
             "demo": False, "created_at": datetime(2026, 1, 1)} for n in range(LEARNERS)])
        # Registered learners are in the open course, which holds the quiz.
        connection.execute(text(
            "INSERT INTO course_member (course_id, user_id, role, joined_at) "
            "SELECT course.id, \"user\".id, 'learner', '2026-01-01' FROM course, \"user\" "
            "WHERE course.code = 'open'"))
    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = dict(os.environ, DATABASE_URL=url, QUESTIONS_DIR=str(questions),
               SECRET_KEY="load-test-secret", LOGIN_LIMIT_PER_ADDRESS="1000 per minute")
    with open(log, "w") as output:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-w", str(WORKERS), "-b",
             f"127.0.0.1:{port}", "--timeout", "60", "--graceful-timeout", "5",
             "quiz:create_app()"],
            env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start:\n" + log.read_text())
        yield {"port": port, "engine": engine, "process": process, "log": log}
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
        engine.dispose()


def learner_run(port: int, n: int, acknowledged: dict, unacknowledged: dict, lock,
                two_tabs: bool = True) -> None:
    rng = random.Random(n)
    learner = Learner("127.0.0.1", port, f"learner{n:02d}")
    # Logging in and starting are safe to repeat when a killed worker drops them.
    attempt = token = None
    for _ in range(5):
        try:
            learner.log_in(PASSWORD)
            attempt, token = learner.start("all-types")
            break
        except Refused:
            time.sleep(0.2)
    assert attempt, f"{learner.name} never got started"
    # The single choice's fields, found by their labels as a learner finds them.
    _, _, first_page = learner.request("GET", f"{attempt}?q=1")
    choice_values = QuestionForm(first_page).choice_values(*CHOICES)
    closed = threading.Event()
    # The other tab submits once this many saves came back: somewhere in the burst.
    submit_after = rng.randrange(1, SAVES_EACH)
    answered = threading.Semaphore(0)

    def saving_tab():
        sequences: dict[int, int] = {}
        for i in range(SAVES_EACH):
            page = rng.choice([1, 4, 5]) if i else 4
            if page == 1:
                choice = rng.randrange(len(CHOICES))
                value, stored_as = choice_values[choice], choice  # kept as the bank's index
            else:
                value = rng.choice(ANSWERS) if page == 4 else str(rng.randint(1, 900000))
                stored_as = value
            key = (learner.name, page)
            try:
                status, body = learner.save(attempt, page, token, sequences.get(page, 0),
                                            {"answer": value})
            except Refused:
                with lock:
                    unacknowledged.setdefault(key, []).append(stored_as)
                continue
            if status == 409 and body and body.get("finished"):
                assert closed.is_set() or not two_tabs, body  # only the other tab closes it
                return  # the attempt was submitted: nothing more can be saved
            if status == 409:
                # Possibly our own earlier save that never came back: reload and carry on.
                _, _, page_text = learner.request("GET", f"{attempt}?q={page}")
                sequences[page] = int(re.search(r'name="seq" value="(\d+)"',
                                                page_text).group(1))
                with lock:
                    unacknowledged.setdefault(key, []).append(stored_as)
                continue
            assert status == 200 and body["saved"], (status, body)
            sequences[page] = body["sequence"]
            with lock:
                acknowledged.setdefault(key, []).append((body["sequence"], stored_as))
            answered.release()

    def submitting_tab():
        status = None
        for _ in range(5):
            try:
                closed.set()  # from here on the attempt may close under the saves
                status = learner.submit(attempt, token)
                break
            except Refused:
                time.sleep(0.2)
        assert status == 302

    if two_tabs:
        saver = threading.Thread(target=saving_tab)
        saver.start()
        for _ in range(submit_after):
            answered.acquire(timeout=30)
        submitting_tab()
        saver.join()
    else:
        saving_tab()
        submitting_tab()
    assert all(s < 500 for s in learner.statuses), learner.statuses


def run_load(server, kill_at: float | None = None, two_tabs: bool = True):
    acknowledged: dict = {}
    unacknowledged: dict = {}
    lock = threading.Lock()
    killer = None
    if kill_at is not None:
        def kill_a_worker():
            time.sleep(kill_at)
            children = subprocess.run(["pgrep", "-P", str(server["process"].pid)],
                                      capture_output=True, text=True).stdout.split()
            assert children, "no gunicorn worker to kill"
            os.kill(int(children[0]), signal.SIGKILL)
        killer = threading.Thread(target=kill_a_worker)
        killer.start()
    with ThreadPoolExecutor(max_workers=LEARNERS) as pool:
        futures = [pool.submit(learner_run, server["port"], n, acknowledged, unacknowledged,
                               lock, two_tabs) for n in range(LEARNERS)]
        for future in futures:
            future.result()
    if killer:
        killer.join()
    return acknowledged, unacknowledged


def check_database(server, acknowledged, unacknowledged) -> None:
    with server["engine"].connect() as connection:
        attempts = connection.execute(
            select(User.username, Attempt.id, Attempt.state, Attempt.marks)
            .join(Attempt, Attempt.user_id == User.id)).all()
        assert len(attempts) == LEARNERS  # one attempt each, however often they clicked
        assert {a.state for a in attempts} == {"finished"}
        assert all(a.marks is not None for a in attempts)
        rows = connection.execute(
            select(User.username, Response.slot, Response.answer, Response.sequence,
                   Response.marks)
            .join(Attempt, Attempt.id == Response.attempt_id)
            .join(User, User.id == Attempt.user_id)).all()
    stored = {(r.username, r.slot): (r.sequence, r.answer) for r in rows}
    # The grade a teacher reads is the sum of the marks of the answers stored, and so
    # (below) counts every acknowledged save.
    sums: dict[str, float] = {}
    for r in rows:
        sums[r.username] = sums.get(r.username, 0) + r.marks
    for a in attempts:
        assert a.marks == round(sums[a.username], 4), (a.username, a.marks, sums[a.username])
    for key, saves in acknowledged.items():
        sequence, answer = stored[key]
        last_sequence, last_value = saves[-1]
        later = unacknowledged.get(key, [])
        # Each change is applied once: the stored sequence is the one the last
        # acknowledgement carried (re-saving an unchanged answer does not bump it), and
        # the answer is the last one acknowledged, unless a later save was cut off.
        assert sequence >= last_sequence
        assert answer == last_value or answer in later, (key, answer, last_value)
        if not later:
            assert (sequence, answer) == (last_sequence, last_value), (key, sequence, saves)
            changes = sum(1 for i, (_, v) in enumerate(saves) if i == 0 or v != saves[i-1][1])
            assert sequence == changes, (key, sequence, saves)


def test_saves_in_one_tab_and_a_submit_in_another_grade_every_acknowledged_save(server):
    acknowledged, unacknowledged = run_load(server)
    assert unacknowledged == {}
    check_database(server, acknowledged, unacknowledged)
    saves = sum(len(s) for s in acknowledged.values())
    print(f"\n{saves} saves acknowledged of {LEARNERS * SAVES_EACH} sent; the rest refused "
          "after the other tab's submit")  # shown with pytest -s
    log = server["log"].read_text()
    assert "database is locked" not in log and "Traceback" not in log, log[-3000:]


def test_killing_a_worker_midway_loses_no_acknowledged_answer(server):
    acknowledged, unacknowledged = run_load(server, kill_at=1.5, two_tabs=False)
    check_database(server, acknowledged, unacknowledged)
    assert "database is locked" not in server["log"].read_text()
