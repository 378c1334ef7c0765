"""Imports and new editions run as jobs: progress, result, failure, and who may see them."""
import io
import os
import re
import subprocess
import sys
import time

import pytest

import quiz.editions
import quiz.interchange.imports
import quiz.jobs
from quiz.extensions import db
from quiz.models import Document, Job, Question
from tests.conftest import ROOT, add_user, csrf_token, log_in, make_app, signed_in
from tests.test_editions import add_sample, question, upload_edition

GIFT = b"".join(b"::job-q%d::Which force came in %d?{=SFOR ~EUFOR ~KFOR}\n\n" % (n, n)
                for n in range(1, 6))
MOVES = "# Moves\n\nAlpha one here.\n\nBeta two here.\n\nGamma three here.\n"
# Every paragraph reworded in place, so each quote is found one paragraph away.
MOVED = "# Moves\n\nBeta two there.\n\nGamma three there.\n\nAlpha one there.\n"


@pytest.fixture
def ines(app):
    return signed_in(app, "ines", role="instructor")


def import_gift(client, data: bytes, name: str = "many.gift", follow: bool = True):
    page = client.get("/instructor/authoring/transfer")
    return client.post("/instructor/authoring/transfer", data={
        "csrf_token": csrf_token(page.text), "format": "gift", "document": "nato-bih",
        "file": (io.BytesIO(data), name)}, content_type="multipart/form-data",
        follow_redirects=follow)


def jobs(app) -> list[Job]:
    with app.app_context():
        found = db.session.execute(db.select(Job).order_by(Job.id)).scalars().all()
        db.session.expunge_all()
        return found


def keys(app, prefix: str) -> dict[str, tuple[str, int | None]]:
    with app.app_context():
        return {q.key: (q.status, q.current.number if q.current else None)
                for q in db.session.execute(db.select(Question).where(
                    Question.key.startswith(prefix))).scalars()}


def test_an_import_runs_as_a_job_to_done_and_its_page_says_what_was_imported(app, ines):
    response = import_gift(ines, GIFT, follow=False)
    assert response.status_code == 302
    assert response.location.startswith("/instructor/authoring/jobs/")
    page = ines.get(response.location).text
    assert '<strong class="job-state job-done">Done</strong>' in page
    assert "5 of 5</span> questions written" in page
    assert "Imported 5 questions as drafts that need a source." in page
    assert '<a class="standalone" href="/instructor/authoring/questions/job-q3">job-q3</a>' in page
    assert "/instructor/authoring/questions?status=draft&amp;document=nato-bih" in page
    [job] = jobs(app)
    assert (job.kind, job.state, job.done, job.total, job.error) == ("import", "done", 5, 5, "")
    assert job.title == "Import of many.gift into Relations with Bosnia and Herzegovina"
    assert job.finished_at is not None
    assert keys(app, "job-q") == {f"job-q{n}": ("draft", 1) for n in range(1, 6)}
    status = ines.get(f"{response.location}.json").get_json()
    assert status == {"state": "done", "done": 5, "total": 5, "finished": True,
                      "page": response.location}
    listing = ines.get("/instructor/authoring/jobs").text
    assert f'<a href="{response.location}">Import of many.gift' in listing


def test_bad_syntax_is_refused_at_once_with_the_form_and_no_job(app, ines):
    response = import_gift(ines, GIFT + b"::broken::Year?{=2006 ~2010\n", "broken.gift")
    assert response.status_code == 400
    assert "broken.gift:11: question &#39;broken&#39;: &#39;{&#39; opens the answers" \
        in response.text
    assert 'name="file"' in response.text and "Nothing was imported" in response.text
    assert jobs(app) == [] and keys(app, "job-q") == {}


def test_a_job_is_seen_by_its_owner_only(app, ines):
    location = import_gift(ines, GIFT, follow=False).location
    add_user(app, "otto", role="instructor")
    otto = app.test_client()
    log_in(otto, "otto")
    assert otto.get(location).status_code == 404
    assert otto.get(f"{location}.json").status_code == 404
    assert "many.gift" not in otto.get("/instructor/authoring/jobs").text
    add_user(app, "ann")
    learner = app.test_client()
    log_in(learner, "ann")
    assert learner.get(location).status_code == 403
    assert ines.get("/instructor/authoring/jobs/99999").status_code == 404


def test_an_import_that_fails_after_some_batches_says_what_it_wrote(app, ines, monkeypatch):
    monkeypatch.setattr(quiz.jobs, "BATCH_SECONDS", 0)  # a batch per question
    real, calls = quiz.interchange.imports.write_version, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(quiz.interchange.imports, "write_version", failing)
    page = import_gift(ines, GIFT).text
    assert '<strong class="job-state job-failed">Failed</strong>' in page
    assert "The job stopped on an unexpected error (the server&#39;s log has the details)." \
        in page and "disk full" not in page
    assert "2 of 5 questions were imported, as drafts that need a source, before the job " \
           "stopped; the rest were not." in page
    assert '<a class="standalone" href="/instructor/authoring/questions/job-q2">job-q2</a>' in page
    [job] = jobs(app)
    assert (job.state, job.done, job.total) == ("failed", 2, 5)
    assert job.result["keys"] == ["job-q1", "job-q2"]
    # What was committed is whole: each question with its version, none half written.
    assert keys(app, "job-q") == {"job-q1": ("draft", 1), "job-q2": ("draft", 1)}


def moves_document(app, client):
    page = client.get("/instructor/authoring/documents/new")
    response = client.post("/instructor/authoring/documents/new", data={
        "csrf_token": csrf_token(page.text), "format": "auto", "slug": "sample",
        "file": (io.BytesIO(MOVES.encode()), "moves.md")}, content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    question(app, "mv-alpha", 2, "Alpha one")
    question(app, "mv-beta", 3, "Beta two")
    question(app, "mv-gamma", 4, "Gamma three")


def test_a_new_edition_runs_as_a_job_to_done(app, ines):
    moves_document(app, ines)
    page = upload_edition(ines, "/instructor/authoring/documents/sample/edition", "v2.md",
                          MOVED.encode()).text
    assert '<strong class="job-state job-done">Done</strong>' in page
    assert "Edition 2: 3 paragraphs changed, 0 added, 0 removed; 0 questions " \
           "unaffected, 3 re-anchored, 0 flagged for review." in page
    assert "mv-alpha</a>: p2 → p4" in page
    [job] = jobs(app)
    assert (job.kind, job.state, job.done, job.total) == ("edition", "done", 4, 4)
    assert keys(app, "mv-") == {"mv-alpha": ("active", 2), "mv-beta": ("active", 2),
                                "mv-gamma": ("active", 2)}


def test_an_edition_that_fails_halfway_holds_the_rest_for_review(app, ines, monkeypatch):
    moves_document(app, ines)
    monkeypatch.setattr(quiz.jobs, "BATCH_SECONDS", 0)
    real, calls = quiz.editions.write_version, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(quiz.editions, "write_version", failing)
    page = upload_edition(ines, "/instructor/authoring/documents/sample/edition", "v2.md",
                          MOVED.encode()).text
    assert '<strong class="job-state job-failed">Failed</strong>' in page
    assert "Edition 2&#39;s paragraphs are in place and 0 quotes flagged, but 2 of 3 " \
           "questions whose quote moved have no new version yet: they are held for " \
           "review (needs review) until saved again." in page
    [job] = jobs(app)
    assert (job.state, job.done, job.total) == ("failed", 2, 4)
    assert job.result["held"]["keys"] == ["mv-beta", "mv-gamma"]
    # The paragraphs are the new edition's; one question re-anchored, the others held out
    # of new attempts rather than citing a paragraph that no longer holds their quote.
    assert keys(app, "mv-") == {"mv-alpha": ("active", 2), "mv-beta": ("needs_review", 1),
                                "mv-gamma": ("needs_review", 1)}
    with app.app_context():
        document = db.session.execute(db.select(Document).filter_by(slug="sample")).scalar_one()
        assert document.edition == 2 and document.source_text == MOVED
        assert [p.text for p in document.paragraphs][1:] == [
            "Beta two there.", "Gamma three there.", "Alpha one there."]
        held = db.session.execute(db.select(Question).filter_by(key="mv-beta")).scalar_one()
        assert "being written" in held.note
    review = ines.get("/instructor/authoring/documents/sample/needs-review")
    assert review.status_code == 200


def test_an_edition_with_a_parse_error_is_refused_at_once(app, ines):
    add_sample(ines)
    response = upload_edition(ines, "/instructor/authoring/documents/sample/edition",
                              "v2.md", b"\n\n")
    assert response.status_code == 400
    assert "the document has no paragraphs" in response.text
    assert jobs(app) == []


def test_the_worker_command_runs_a_queued_job(tmp_path, seeded_database):
    """A real consumer in its own process, as `flask --app quiz jobs worker` runs it."""
    from tests.conftest import copy_of
    queue = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    url = copy_of(seeded_database, tmp_path)
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url, TASK_QUEUE_IMMEDIATE=False,
                   TASK_QUEUE_URL=queue)
    add_user(app, "ines", role="instructor")
    client = app.test_client()
    log_in(client, "ines")
    location = import_gift(client, GIFT, follow=False).location
    assert '<strong class="job-state job-queued">Waiting for the worker</strong>' \
        in client.get(location).text
    lost = left_running(app, "edition", done=0, total=4, minutes=60)
    environment = dict(os.environ, DATABASE_URL=url, TASK_QUEUE_URL=queue,
                       SECRET_KEY="test-secret-not-for-production",
                       QUESTIONS_DIR=str(ROOT / "questions"))
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "quiz", "jobs", "worker"],
                              cwd=tmp_path, env=environment, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
    try:
        for _ in range(600):  # a bound on waiting, not a timed assertion
            if jobs(app)[0].state in ("done", "failed"):
                break
            time.sleep(0.2)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=60)[0].decode()
    assert jobs(app)[0].state == "done", output
    # The worker, starting, marked the job a stopped worker had left "running" failed.
    assert next(j for j in jobs(app) if j.id == lost).state == "failed"
    assert "Nothing was written: the document is as it was." in client.get(
        f"/instructor/authoring/jobs/{lost}").text
    assert "Imported 5 questions" in client.get(location).text
    assert keys(app, "job-q") == {f"job-q{n}": ("draft", 1) for n in range(1, 6)}


def test_a_reimport_skips_what_the_document_already_has_and_says_so(app, ines):
    assert import_gift(ines, GIFT, follow=False).status_code == 302
    page = ines.get("/instructor/authoring/transfer")
    assert re.search(r'<input [^>]*checked id="skip_duplicates" name="skip_duplicates"',
                     page.text)  # offered, and ticked unless the instructor says otherwise
    # The same file again, and one new question; one question twice in the file.
    again = GIFT + b"::fresh::Which force came first?{=IFOR ~SFOR}\n\n" \
        + b"::fresh-twice::Which  force came FIRST?{=IFOR ~SFOR}\n"
    response = ines.post("/instructor/authoring/transfer", data={
        "csrf_token": csrf_token(page.text), "format": "gift", "document": "nato-bih",
        "skip_duplicates": "y", "file": (io.BytesIO(again), "again.gift")},
        content_type="multipart/form-data", follow_redirects=True)
    page = " ".join(response.text.split())
    assert "Imported 1 question as drafts that need a source." in page
    assert "Skipped: the document already has them" in page
    assert "line 1: &#39;job-q1-2&#39; is the same question as &#39;job-q1&#39;" in page
    assert "line 13: &#39;fresh-twice&#39; is the same question as &#39;fresh&#39;" in page
    assert set(keys(app, "job-q")) == {f"job-q{n}" for n in range(1, 6)}
    assert set(keys(app, "fresh")) == {"fresh"}
    # Asked not to skip, they are imported and named.
    page = ines.get("/instructor/authoring/transfer")
    response = ines.post("/instructor/authoring/transfer", data={
        "csrf_token": csrf_token(page.text), "format": "gift", "document": "nato-bih",
        "file": (io.BytesIO(GIFT), "third.gift")}, content_type="multipart/form-data",
        follow_redirects=True)
    assert "Imported, though the document already has them" in response.text
    assert len(keys(app, "job-q")) == 10


def left_running(app, kind: str, done: int, total: int, minutes: int) -> int:
    """A job as a worker killed mid-way leaves it: running, its batches so far committed,
    the last ``minutes`` ago."""
    from datetime import timedelta

    from quiz.models import RUNNING, User, utcnow
    with app.app_context():
        owner = db.session.execute(db.select(User).filter_by(username="ines")).scalar_one()
        last = utcnow() - timedelta(minutes=minutes)
        job = Job(kind=kind, owner_id=owner.id, title=f"{kind} left running", payload={},
                  state=RUNNING, done=done, total=total, created_at=last - timedelta(minutes=1),
                  progressed_at=last)
        db.session.add(job)
        db.session.commit()
        return job.id


def test_a_job_whose_worker_stopped_says_so_and_is_marked_failed_when_a_worker_starts(app,
                                                                                     ines):
    from quiz.jobs import fail_stalled
    from quiz.models import utcnow
    stopped = left_running(app, "import", done=2, total=5, minutes=20)
    busy = left_running(app, "edition", done=1, total=3, minutes=1)
    page = ines.get(f"/instructor/authoring/jobs/{stopped}").text
    assert "the worker running this job has stopped (a restart or a crash)" in page
    assert "the 2 questions written so far are kept" in page
    # Nothing to wait for: no Refresh link, and no poller (which would reload it forever).
    assert "data-job-status" not in page and ">Refresh</a>" not in page
    assert ines.get(f"/instructor/authoring/jobs/{stopped}.json").json["finished"] is True
    # One still committing batches is running, and polled.
    page = ines.get(f"/instructor/authoring/jobs/{busy}").text
    assert "has stopped" not in page and "data-job-status" in page
    assert ines.get(f"/instructor/authoring/jobs/{busy}.json").json["finished"] is False

    with app.app_context():
        assert fail_stalled(utcnow()) == 1
    states = {job.id: job.state for job in jobs(app)}
    assert (states[stopped], states[busy]) == ("failed", "running")
    page = ines.get(f"/instructor/authoring/jobs/{stopped}").text
    assert '<strong class="job-state job-failed">Failed</strong>' in page
    assert "2 of 5 questions were imported, as drafts that need a source, before it " \
           "stopped; the rest were not." in page
