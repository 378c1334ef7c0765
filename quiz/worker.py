"""The task queue that runs jobs: huey, on SQLite in the instance folder or on Redis.

huey is small, needs no service of its own on SQLite (its queue is a file beside the
database, ``instance/jobs.sqlite3``) and takes Redis when ``TASK_QUEUE_URL`` names one,
for several app servers. ``flask --app quiz jobs worker`` runs its consumer; the tests
run tasks at once in the request (huey's immediate mode, ``TASK_QUEUE_IMMEDIATE``).
"""
from __future__ import annotations

import logging
import subprocess  # nosec B404: serve runs our own fixed command line, no shell, no input
import sys
import threading
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from huey import Huey, RedisHuey, SqliteHuey

from .extensions import db
from .jobs import fail_stalled, run
from .models import utcnow
from .words import plural

jobs_group = AppGroup("jobs", help="The worker that runs imports and new editions.")
_made = threading.Lock()


class JobQueue:
    """An app's huey and its one task, made on first use: create_app stays quick."""

    def __init__(self, app: Flask):
        self.app, self._huey, self._run_job = app, None, None

    @property
    def huey(self) -> Huey:
        with _made:
            if self._huey is None:
                self._huey = make_huey(self.app)
                self._run_job = self._huey.task(name="quiz.run_job")(self._run)
        return self._huey

    def _run(self, job_id: int, data: bytes) -> None:
        with self.app.app_context():
            run(job_id, data)

    def enqueue(self, job_id: int, data: bytes) -> None:
        self.huey  # noqa: B018 (makes the task on first use)
        self._run_job(job_id, data)


def make_huey(app: Flask) -> Huey:
    url = app.config["TASK_QUEUE_URL"]
    if app.config["TASK_QUEUE_IMMEDIATE"]:
        return Huey("quiz", immediate=True, results=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("quiz", url=url, results=False)
    if url and not url.startswith("sqlite:///"):
        raise click.UsageError(f"TASK_QUEUE_URL must be redis://… or sqlite:///…, not {url}")
    path = url.removeprefix("sqlite:///") or str(Path(app.instance_path) / "jobs.sqlite3")
    return SqliteHuey("quiz", filename=path, results=False)


def submit(job_id: int, data: bytes) -> None:
    """Queue a job already committed, with the bytes it works on.

    Called with no transaction open: in the tests the job runs right here, in a session
    of its own, and must find the database free.
    """
    current_app.extensions["quiz-jobs"].enqueue(job_id, data)


@jobs_group.command("worker")
@click.option("--workers", default=1, show_default=True, help="Jobs run at once (threads).")
@with_appcontext
def worker_command(workers: int) -> None:
    """Run queued imports and new editions until stopped (Ctrl-C)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    lost = fail_stalled(utcnow())  # jobs whose worker stopped mid-way say so
    if lost:
        logging.getLogger(__name__).warning("%s marked failed", plural(lost, "stalled job"))
    db.engine.dispose()  # the consumer's threads open their own connections
    current_app.extensions["quiz-jobs"].huey.create_consumer(workers=workers, periodic=False).run()


@click.command("serve")
@click.option("--port", default=5000, show_default=True)
@with_appcontext
def serve_command(port: int) -> None:
    """Run the development server and the job worker together; Ctrl-C stops both."""
    # The server is `flask run` in a process of its own, so each keeps its own signals.
    command = [sys.executable, "-m", "flask", "--app", "quiz", "run", "--port", str(port)]
    server = subprocess.Popen(command)  # nosec B603
    try:
        click.get_current_context().invoke(worker_command, workers=1)
    finally:
        server.terminate()
        server.wait()


def init_app(app: Flask) -> None:
    app.extensions["quiz-jobs"] = JobQueue(app)
    app.cli.add_command(jobs_group)
    app.cli.add_command(serve_command)
