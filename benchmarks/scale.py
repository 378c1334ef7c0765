"""The instructor's reports at scale: gradebook and item analysis at 1,000 and 10,000 learners."""
from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = {"gradebook": "/instructor/gradebook", "item analysis": "/instructor/quizzes/quick/items"}


def seeded(base: Path, learners: int) -> tuple[str, float]:
    """A scratch database with ``learners`` demo learners; its URL and the seconds it took."""
    url = f"sqlite:///{base / f'scale-{learners}.sqlite3'}"
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench")
    start = time.perf_counter()
    for args in (["init"], ["demo", "seed", "--learners", str(learners), "--seed", "1"],
                 ["users", "create", "bench-teacher", "--instructor"]):
        subprocess.run([sys.executable, "-m", "flask", "--app", "quiz", *args], cwd=ROOT,
                       env=dict(env, QUIZ_PASSWORD="bench-teacher-password"), check=True,
                       capture_output=True)
    return url, time.perf_counter() - start


def time_reports(url: str, runs: int = 3) -> tuple[dict[str, list[float]], int]:
    """Seconds per request for each report (after one warm-up), and the responses stored."""
    from quiz import create_app
    from quiz.extensions import db
    from quiz.models import Response

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    client.post("/login", data={"username": "bench-teacher",
                                "password": "bench-teacher-password"})
    times: dict[str, list[float]] = {}
    for name, path in REPORTS.items():
        page = client.get(path)
        if page.status_code != 200 or not re.search(r"<table", page.text):
            raise RuntimeError(f"{path} answered {page.status_code}")
        times[name] = []
        for _ in range(runs):
            start = time.perf_counter()
            client.get(path)
            times[name].append(time.perf_counter() - start)
    with app.app_context():
        responses = db.session.execute(db.select(db.func.count()).select_from(Response)).scalar()
        db.engine.dispose()
    return times, responses


if __name__ == "__main__":
    import tempfile
    learners = [int(n) for n in sys.argv[1:]] or [1000]
    with tempfile.TemporaryDirectory(prefix="quiz-bench-") as scratch:
        for n in learners:
            url, seconds = seeded(Path(scratch), n)
            times, responses = time_reports(url)
            print(f"{n} learners ({responses} responses, seeded in {seconds:.0f} s): " + ", ".join(
                f"{k} {statistics.median(v):.3f} s" for k, v in times.items()))
