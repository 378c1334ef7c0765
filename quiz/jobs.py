"""Jobs: an instructor's long work (an import, a new edition) run by the worker.

A request checks the upload, records a ``Job`` and queues it (quiz/worker.py); the worker
runs it here. Work is written in batches, each its own short transaction that also
records the job's progress, so no batch holds SQLite's write lock for long and the
progress shown is what is committed. A job that fails says what it wrote before.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app

from .database import read_transaction
from .editions import DocumentError, plan_edition, write_edition
from .extensions import db
from .interchange.imports import ImportFailed, ImportReport, check_file, write_questions
from .models import DONE, FAILED, QUEUED, RUNNING, Document, Job, utcnow
from .words import plural

log = logging.getLogger(__name__)

# A batch stops taking work once its transaction has run this long: with the question
# that crosses it and the commit, a batch holds the write lock well under 200 ms.
BATCH_SECONDS = 0.08
PAUSE = 1.0  # after each batch, the job waits this many times as long as it wrote
SHOWN = 50  # questions listed by key in a result; the rest are counted


class Batches:
    """Commits a job's work every BATCH_SECONDS, with its progress in the same transaction."""

    def __init__(self, job_id: int):
        self.job_id, self.committed = job_id, 0
        self.partial: Callable[[int], dict] = lambda n: {}
        self.started = time.perf_counter()

    def start(self, total: int, partial: Callable[[int], dict]) -> None:
        """``partial(n)``: the result to record if the job fails after n units are written."""
        self.partial = partial
        db.session.connection()  # timed from here: the check or plan before wrote nothing
        self.started = time.perf_counter()
        db.session.execute(db.update(Job).filter_by(id=self.job_id).values(total=total))
        self.commit(0)

    def written(self, done: int) -> None:
        if time.perf_counter() - self.started >= BATCH_SECONDS:
            self.commit(done)

    def commit(self, done: int) -> None:
        db.session.execute(db.update(Job).filter_by(id=self.job_id)
                           .values(done=done, progressed_at=utcnow()))
        db.session.commit()
        took = time.perf_counter() - self.started
        log.info("job %s: batch to %d written in %.1f ms", self.job_id, done, took * 1000)
        self.committed = done
        # Then the write lock is left to others for as long as the batch held it: taken
        # back at once, it would go to the job again and again before the learners'
        # saves waiting for it (flock is not first come, first served).
        time.sleep(took * PAUSE)
        # The next batch's transaction begins here (on SQLite, once the write lock is
        # ours), so waiting for the learners' saves does not count against the batch.
        db.session.connection()
        self.started = time.perf_counter()


RUNNERS: dict[str, Callable[[dict, bytes, Batches], dict]] = {}


def runner(kind: str):
    def register(function):
        RUNNERS[kind] = function
        return function
    return register


def run(job_id: int, data: bytes) -> None:
    """Run a queued job to done or failed; a job already started is left alone."""
    job = db.session.get(Job, job_id)
    if job is None or job.state != QUEUED:
        db.session.rollback()
        return
    kind, payload = job.kind, dict(job.payload)
    job.state, job.progressed_at = RUNNING, utcnow()
    db.session.commit()
    batches = Batches(job_id)
    try:
        result = RUNNERS[kind](payload, data, batches)
    except (ImportFailed, DocumentError) as exc:
        db.session.rollback()
        errors = exc.errors if isinstance(exc, ImportFailed) else [str(exc)]
        _finish(job_id, FAILED, batches.partial(batches.committed), "\n".join(errors))
    except Exception:
        db.session.rollback()
        log.exception("job %s failed", job_id)
        _finish(job_id, FAILED, batches.partial(batches.committed),
                "The job stopped on an unexpected error (the server's log has the details).")
    else:
        _finish(job_id, DONE, result, "", done=Job.total)


def _finish(job_id: int, state: str, result: dict, error: str, **values) -> None:
    db.session.execute(db.update(Job).filter_by(id=job_id).values(
        state=state, result=result, error=error, finished_at=utcnow(), **values))
    db.session.commit()


def stalled(job: Job, now: datetime) -> bool:
    """Whether ``job`` runs no more: running, but nothing committed for JOB_STALL_MINUTES.

    A batch commits every fraction of a second, and checking or planning before the first
    takes seconds, so a running job silent that long has lost its worker (stopped by a
    deploy or a crash, the task went with it)."""
    last = job.progressed_at or job.created_at
    return job.state == RUNNING and now - last > timedelta(
        minutes=current_app.config["JOB_STALL_MINUTES"])


def fail_stalled(now: datetime) -> int:
    """Mark every stalled job failed, saying how far it came; how many were.

    The worker runs this as it starts; a job's page shows a stalled job as such meanwhile.
    """
    cutoff = now - timedelta(minutes=current_app.config["JOB_STALL_MINUTES"])
    found = db.session.execute(db.select(Job).where(
        Job.state == RUNNING,
        db.func.coalesce(Job.progressed_at, Job.created_at) < cutoff)).scalars().all()
    for job in found:
        job.state, job.finished_at = FAILED, now
        job.error = stall_message(job)
        if job.kind == "import":  # the page's "What was imported" says it too
            job.result = {"summary": job.error.splitlines()[-1]}
    db.session.commit()
    return len(found)


def stall_message(job: Job) -> str:
    """What a job whose worker stopped had written, from its committed progress."""
    since = (job.progressed_at or job.created_at).strftime("%Y-%m-%d %H:%M")
    first = f"The worker stopped while this job ran (nothing written since {since} UTC)."
    if job.kind == "import":
        return first + (
            f"\n{job.done} of {plural(job.total, 'question')} were imported, as drafts that need a "
            "source, before it stopped; the rest were not. Upload the file again with "
            "\u201cSkip questions the document already has\u201d ticked to import the rest.")
    if job.done == 0:
        return first + "\nNothing was written: the document is as it was. Bring in the " \
            "edition again."
    return first + (
        "\nThe edition's paragraphs are in place; questions whose quote moved and that had "
        "no new version yet are held for review (needs review) until saved again. Bringing "
        "in the same edition again re-anchors what is still off.")


def _keys(keys: list[str]) -> dict:
    return {"keys": keys[:SHOWN], "more": max(len(keys) - SHOWN, 0)}


@runner("import")
def run_import(payload: dict, data: bytes, batches: Batches) -> dict:
    with read_transaction():  # checking 20,000 questions takes seconds: no write lock
        document = db.session.get(Document, payload["document_id"])
        slug = document.slug
        checked = check_file(data, payload["name"], payload["format"], document,
                             payload.get("skip_duplicates", False))
    report = ImportReport()

    def result(n: int) -> dict:
        done = report.imported[:n]
        return {"document": slug, "imported": len(done), **_keys(done),
                "with_suggestions": len(set(report.with_suggestions) & set(done)),
                "unmapped": report.unmapped,
                "skipped": checked.skipped[:SHOWN], "more_skipped":
                max(len(checked.skipped) - SHOWN, 0),
                "duplicates": checked.duplicates[:SHOWN], "more_duplicates":
                max(len(checked.duplicates) - SHOWN, 0),
                "summary": (report.lines()[0] if n == len(checked.prepared) else
                            f"{n} of {plural(len(checked.prepared), 'question')} were imported, as "
                            "drafts that need a source, before the job stopped; the rest "
                            "were not.")}

    batches.start(len(checked.prepared), result)
    write_questions(checked, db.session.get(Document, payload["document_id"]), report,
                    batches.written)
    return result(len(report.imported))


@runner("edition")
def run_edition(payload: dict, data: bytes, batches: Batches) -> dict:
    with read_transaction():  # aligning a long document takes seconds: no write lock
        document = db.session.get(Document, payload["document_id"])
        slug = document.slug
        plan = plan_edition(document, data.decode("utf-8"), payload["format"])
    report = plan.report

    def result(n: int) -> dict:
        found = {"document": slug, "summary": report.summary(),
                 "moved": [vars(m) for m in report.moved[:SHOWN]],
                 "flagged": [vars(f) for f in report.flagged[:SHOWN]],
                 "more_moved": max(len(report.moved) - SHOWN, 0),
                 "more_flagged": max(len(report.flagged) - SHOWN, 0)}
        if n == 0:
            found["summary"] = "Nothing was written: the document is as it was."
        elif n <= len(plan.rewrites):
            held = [spec.id for _id, spec in plan.rewrites[n - 1:]]
            found["summary"] = (
                f"Edition {report.edition}'s paragraphs are in place and "
                f"{plural(len(report.flagged), 'quote')} flagged, but {len(held)} of "
                f"{plural(len(plan.rewrites), 'question')} "
                "whose quote moved have no new version yet: they are held for review "
                "(needs review) until saved again.")
            found["held"] = _keys(held)
        return found

    batches.start(len(plan.rewrites) + 1, result)
    write_edition(plan, written=lambda n: batches.written(n + 1))
    return result(len(plan.rewrites) + 1)
