"""100 learners saving answers while a 20,000-question import and a 1,000-paragraph edition run.

    .venv/bin/python benchmarks/background_load.py [--learners 100] [--questions 20000]
                                                   [--paragraphs 1000] [--workers 4]

Fills a scratch SQLite database (the tests' one-question-per-type bank, the learners, and
a document of --paragraphs paragraphs with a question citing each fifth), serves it with
gunicorn (--workers sync workers) and runs the job worker (`flask --app quiz jobs
worker`) beside it. Each learner logs in, starts the quiz and saves an answer, waits
0.2 to 1 s, and saves again, until both jobs are finished. Meanwhile an instructor
uploads a generated GIFT file of --questions questions and a new edition of the long
document (benchmarks/editions.py's edits), as in the browser, and follows each job's
progress. Prints the saves' latency (median, p99, max), the count of 5xx answers, how
long each upload's request and job took, and the longest write transaction of the
jobs' batches (from the worker's log). Targets: no save over 1 s, no 5xx.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from editions import edition, paragraphs  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from quiz import create_app  # noqa: E402
from quiz.courses import join_open_courses  # noqa: E402
from quiz.editions import add_document  # noqa: E402
from quiz.entries import check_entry, document_spec  # noqa: E402
from quiz.extensions import db  # noqa: E402
from quiz.models import Question, User  # noqa: E402
from quiz.versions import write_version  # noqa: E402
from tests.conftest import fixture_library  # noqa: E402
from tests.loadclient import Learner, Refused  # noqa: E402

PASSWORD = "correct horse battery"
ANSWERS = ["PSOTC", "psotc", "NATO", "SHAPE", "EUFOR"]
BEFORE, AFTER = 20, 15  # seconds of saving before and after the jobs, to compare
BATCH_LINE = re.compile(r"job (\d+): batch to (\d+) written in ([\d.]+) ms")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gift(questions: int) -> bytes:
    return "".join(f"::bulk-{n}::Which force came in year {n}?{{=SFOR ~EUFOR ~KFOR}}\n\n"
                   for n in range(questions)).encode()


def prepare(scratch: Path, learners: int, size: int) -> tuple[dict, str]:
    """The scratch database and the environment to serve it; the new edition's text."""
    questions = fixture_library(scratch, "all_types.yaml")
    url = f"sqlite:///{scratch / 'quiz.sqlite3'}"
    env = dict(os.environ, DATABASE_URL=url, QUESTIONS_DIR=str(questions),
               SECRET_KEY="benchmark-secret", TASK_QUEUE_URL=f"sqlite:///{scratch / 'q.db'}",
               LOGIN_LIMIT_PER_ADDRESS="100000 per minute")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark-secret",
                      "QUESTIONS_DIR": str(questions)})
    assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0
    texts = paragraphs(size)
    with app.app_context():
        # A cheap hash: the benchmark measures saves, not a hundred scrypt logins at once.
        digest = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        db.session.execute(User.__table__.insert(), [
            {"username": name, "password_hash": digest, "role": role, "demo": False,
             "created_at": datetime(2026, 1, 1)}
            for name, role in [(f"learner{n:03d}", "learner") for n in range(learners)]
            + [("teacher", "instructor")]])
        for user in db.session.execute(db.select(User)).scalars():
            join_open_courses(user)  # as registration does: the seed quizzes' open course
        document = add_document("# Long document\n\n" + "\n\n".join(texts), slug="long",
                                fmt="markdown")
        spec = document_spec(document)
        for i in range(0, size, 5):
            checked = check_entry({"id": f"long-{i}", "type": "true_false",
                                   "prompt": f"Q{i}?", "answer": True, "explanation": "So.",
                                   "source": {"paragraph": i + 2,
                                              "quote": f"Paragraph {i} says"}}, spec)
            question = Question(key=f"long-{i}", document_id=document.id, position=i)
            db.session.add(question)
            db.session.flush()
            write_version(question, checked.spec, "benchmark")
        db.session.commit()
        db.engine.dispose()
    return env, "# Long document\n\n" + "\n\n".join(edition(texts))


def upload(client: Learner, path: str, fields: dict, name: str, content: bytes):
    """A multipart form post, as the browser sends a file; (status, location, seconds)."""
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
             .encode() for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                 f'filename="{name}"\r\nContent-Type: text/plain\r\n\r\n'.encode()
                 + content + f"\r\n--{boundary}--\r\n".encode())
    connection = http.client.HTTPConnection(client.host, client.port, timeout=300)
    started = time.perf_counter()
    connection.request("POST", path, body=b"".join(parts), headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items())})
    response = connection.getresponse()
    response.read()
    took = time.perf_counter() - started
    connection.close()
    return response.status, response.headers.get("Location"), took


def follow(client: Learner, location: str) -> tuple[dict, float]:
    started = time.perf_counter()
    while True:
        status, _, text = client.request("GET", f"{location}.json")
        job = json.loads(text)
        if job["finished"]:
            return job, time.perf_counter() - started
        time.sleep(0.5)


def started_learner(port: int, n: int) -> tuple[Learner, str, str]:
    learner = Learner("127.0.0.1", port, f"learner{n:03d}")
    learner.log_in(PASSWORD)
    attempt, token = learner.start("all-types")
    return learner, attempt, token


def learner_loop(started_learner: tuple, n: int, stop: threading.Event, saves: list,
                 lock) -> None:
    rng = random.Random(n)
    learner, attempt, token = started_learner
    sequence = 0
    while not stop.is_set():
        started = time.perf_counter()
        try:
            status, body = learner.save(attempt, 4, token, sequence,
                                        {"answer": rng.choice(ANSWERS)})
        except Refused:
            status, body = 599, None  # no answer at all: counted with the errors
        took = time.perf_counter() - started
        with lock:
            saves.append((took, status, started))
        if status == 200 and body:
            sequence = body["sequence"]
        stop.wait(rng.uniform(0.2, 1.0))


def serve(env: dict, scratch: Path, workers: int):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--timeout", "60", "wsgi:app"], cwd=ROOT, env=env,
        stdout=open(scratch / "gunicorn.log", "w"), stderr=subprocess.STDOUT)
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "quiz", "jobs", "worker"], cwd=ROOT, env=env,
        stdout=open(scratch / "worker.log", "w"), stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return port, server, worker
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start: " + (scratch / "gunicorn.log").read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=100)
    parser.add_argument("--questions", type=int, default=20000)
    parser.add_argument("--paragraphs", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (4)")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="background-load-"))
    env, new_text = prepare(scratch, args.learners, args.paragraphs)
    port, server, worker = serve(env, scratch, args.workers)
    saves, lock, stop = [], threading.Lock(), threading.Event()
    try:
        learners = [started_learner(port, n) for n in range(args.learners)]  # one by one
        threads = [threading.Thread(target=learner_loop, args=(learner, n, stop, saves, lock))
                   for n, learner in enumerate(learners)]
        for thread in threads:
            thread.start()
        time.sleep(BEFORE)  # the learners alone: the machine's own figures, to compare
        jobs_started = time.perf_counter()
        teacher = Learner("127.0.0.1", port, "teacher")
        teacher.log_in(PASSWORD)
        data = gift(args.questions)
        token = teacher.token("/instructor/authoring/transfer")
        status, imported_at, import_request = upload(
            teacher, "/instructor/authoring/transfer",
            {"csrf_token": token, "format": "gift", "document": "nato-bih"},
            "bulk.gift", data)
        assert status == 302, f"the import was refused ({status})"
        token = teacher.token("/instructor/authoring/documents/long/edition")
        status, edited_at, edition_request = upload(
            teacher, "/instructor/authoring/documents/long/edition",
            {"csrf_token": token, "format": "auto"}, "long.md", new_text.encode())
        assert status == 302, f"the edition was refused ({status})"
        import_job, import_wait = follow(teacher, imported_at)
        edition_job, edition_wait = follow(teacher, edited_at)
        jobs_ended = time.perf_counter()
        time.sleep(AFTER)  # and again after the jobs
        stop.set()
        for thread in threads:
            thread.join()
    finally:
        stop.set()
        for process in (worker, server):
            process.send_signal(signal.SIGTERM)
            process.wait(30)
    during = [(took, status) for took, status, at in saves if jobs_started <= at < jobs_ended]
    times = sorted(took for took, _status in during)
    errors = sum(1 for _took, status, _at in saves if status >= 500)
    batches = [float(m.group(3)) for m in BATCH_LINE.finditer((scratch / "worker.log")
                                                                .read_text())]
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"{args.learners} learners, gunicorn {args.workers} sync workers + 1 job worker, "
          f"SQLite; scratch {scratch}")
    for label, chosen in (("before the jobs", lambda at: at < jobs_started),
                          ("after the jobs", lambda at: at >= jobs_ended)):
        alone = sorted(took for took, _status, at in saves if chosen(at))
        if alone:
            print(f"saves {label}: {len(alone)}; latency median "
                  f"{statistics.median(alone) * 1000:.0f} ms, max {alone[-1] * 1000:.0f} ms")
    print(f"saves while the jobs ran: {len(times)}; latency median "
          f"{statistics.median(times) * 1000:.0f} ms, "
          f"p99 {p99 * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms; over 1 s: "
          f"{sum(1 for t in times if t > 1)}; 5xx (whole run): {errors}")
    print(f"import of {args.questions} questions ({len(data) / 1024:.0f} KiB): request "
          f"{import_request:.1f} s (checking the file), job {import_job['state']} "
          f"({import_job['done']}/{import_job['total']}) after {import_wait:.1f} s more")
    print(f"edition of {args.paragraphs} paragraphs: request {edition_request:.1f} s, job "
          f"{edition_job['state']} ({edition_job['done']}/{edition_job['total']}) after "
          f"{edition_wait:.1f} s more")
    print(f"job batches: {len(batches)}; write transaction median "
          f"{statistics.median(batches):.0f} ms, max {max(batches):.0f} ms")


if __name__ == "__main__":
    main()
