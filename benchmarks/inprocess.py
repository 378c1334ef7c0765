"""Time each benchmarked path in one process, without HTTP: where does a request's time go?

`.venv/bin/python benchmarks/inprocess.py [--profile PLAN]` seeds a scratch database as
run.py does (or reuses one with --scratch DIR), then calls the WSGI app directly with the
same cookies and forms wrk sends, and prints each path's median microseconds per request
beside the reference page's. With --profile PLAN it prints a pyinstrument profile of that
path instead; with --timed, each path's requests also time the named functions inside
them (median microseconds a call, and calls a request), without a profiler's overhead.
Nothing here is a network figure; run.py gives those.
"""
from __future__ import annotations

import argparse
import functools
import importlib
import io
import os
import re
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PLANS = ["home", "document", "quiz_page", "save", "submit", "review", "progress",
         "gradebook", "items"]


def environ(method: str, path: str, cookie: str, body: str = "") -> dict:
    path, _, query = path.partition("?")
    data = body.encode()
    env = {
        "REQUEST_METHOD": method, "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_USER_AGENT": "quiz-bench", "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(data), "wsgi.errors": sys.stderr, "wsgi.multithread": False,
        "wsgi.multiprocess": True, "wsgi.run_once": False, "wsgi.version": (1, 0),
    }
    if cookie:
        env["HTTP_COOKIE"] = "session=" + cookie
    if body:
        env["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        env["CONTENT_LENGTH"] = str(len(data))
    return env


def requests(plans: Path, plan: str):
    """An endless stream of (method, path, cookie, body) as load.lua would send them."""
    rows = [line.split("\t") for line in (plans / f"{plan}.tsv").read_text().splitlines()]
    if plan == "save":
        return Saves(rows)
    if plan == "submit":
        return (("POST", f"/attempts/{row[1]}/submit", row[0], f"csrf_token={row[2]}")
                for row in rows)
    return _visits(rows)


def _visits(rows: list[list[str]]):
    turn = 0
    while True:
        row = rows[turn % len(rows)]
        turn += 1
        paths = row[1:]
        yield "GET", paths[turn % len(paths)], row[0], ""


class Saves:
    """Like load.lua: each learner alternates two answers, sending the sequence its last
    reply gave, so every save writes."""

    def __init__(self, rows: list[list[str]]):
        self.rows, self.turn, self.row = rows, 0, rows[0]

    def __iter__(self):
        return self

    def __next__(self):
        self.row = row = self.rows[self.turn % len(self.rows)]
        value = row[5] if (self.turn // len(self.rows)) % 2 == 0 else row[6]
        self.turn += 1
        return ("POST", row[1], row[0],
                f"csrf_token={row[2]}&seq={row[3]}&go=stay&{row[4]}={value}")

    def reply(self, body: bytes) -> None:
        found = re.search(rb'"sequence":\s*(\d+)', body)
        if found:
            self.row[3] = found.group(1).decode()


def call(app, request, stream=None) -> int:
    method, path, cookie, body = request
    status = []
    out = app(environ(method, path, cookie, body), lambda s, h, e=None: status.append(s))
    reply = b"".join(out)
    if hasattr(out, "close"):
        out.close()
    if isinstance(stream, Saves):
        stream.reply(reply)
    return int(status[0].split()[0])


def time_plan(app, stream, count: int) -> tuple[float, set[int]]:
    times, statuses = [], set()
    for _ in range(count):
        try:
            request = next(stream)
        except StopIteration:
            break
        started = time.perf_counter()
        statuses.add(call(app, request, stream))
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e6, statuses


# What --timed times unless told otherwise: where a logged-in form's time goes.
TIMED = ["flask.sessions:SecureCookieSessionInterface.open_session",
         "flask_wtf.csrf:CSRFProtect.protect", "quiz.auth:load_user",
         "quiz.learner:lock_attempt", "quiz.learner:question_page", "quiz.learner:save_answer",
         "quiz.learner:close_attempt", "sqlalchemy.orm.scoping:scoped_session.commit"]


class Timings:
    """Wraps functions named "module:attribute" or "module:Class.method" so that each
    call's time is kept: name the module where the caller looks the function up."""

    def __init__(self, names: list[str]):
        self.calls: dict[str, list[float]] = {name: [] for name in names}
        for name in names:
            module, _, path = name.partition(":")
            owner = importlib.import_module(module)
            *outer, attribute = path.split(".")
            for part in outer:
                owner = getattr(owner, part)
            setattr(owner, attribute, self._timed(name, getattr(owner, attribute)))

    def _timed(self, name: str, function):
        calls = self.calls[name]

        @functools.wraps(function)
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                calls.append(time.perf_counter() - started)
        return timed

    def report(self, requests: int) -> list[str]:
        lines = []
        for name, calls in self.calls.items():
            if calls:
                lines.append(f"    {name:<58} {statistics.median(calls) * 1e6:7.1f} us "
                             f"x{len(calls) / requests:.1f}")
            calls.clear()
        return lines


def seed(scratch: Path) -> dict:
    sys.path.insert(0, str(HERE))
    from run import flask, scenario
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{scratch / 'quiz.sqlite3'}",
               SECRET_KEY=secrets.token_hex(32))
    env.pop("QUESTIONS_DIR", None)
    (scratch / "plans").mkdir(parents=True, exist_ok=True)
    flask(env, "init")
    flask(env, "demo", "seed", "--learners", "300", "--seed", "1")
    scenario(env, scratch / "plans", "--clients", "64", "--pool", "1500")
    from reference import fill
    fill(f"sqlite:///{scratch / 'reference.sqlite3'}")
    (scratch / "env").write_text(env["SECRET_KEY"])
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scratch", type=Path, help="reuse a database seeded by this script")
    parser.add_argument("--count", type=int, default=400, help="requests per path (400)")
    parser.add_argument("--profile", choices=PLANS, help="print a profile of one path")
    parser.add_argument("--paths", nargs="*", choices=PLANS, default=PLANS)
    parser.add_argument("--timed", nargs="*", metavar="MODULE:NAME",
                        help="time these functions inside each path's requests (with no "
                             "names: a logged-in form's steps, see TIMED)")
    args = parser.parse_args()
    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="quiz-inprocess-"))
    if not (scratch / "env").exists():
        print(f"Seeding {scratch}...", flush=True)
        seed(scratch)
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'quiz.sqlite3'}"
    os.environ["SECRET_KEY"] = (scratch / "env").read_text()
    os.environ["REFERENCE_DATABASE_URL"] = f"sqlite:///{scratch / 'reference.sqlite3'}"
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(ROOT))
    subprocess_reset(scratch)
    from reference import create_app as reference_app

    from quiz import create_app
    app, reference = create_app(), reference_app()
    timings = None if args.timed is None else Timings(args.timed or TIMED)
    ref_stream = requests(scratch / "plans", "reference-logged-in")
    for _ in range(50):
        call(reference, next(ref_stream))
    if args.profile:
        from pyinstrument import Profiler
        stream = requests(scratch / "plans", args.profile)
        for _ in range(130):
            call(app, next(stream), stream)
        profiler = Profiler(interval=0.0002)
        with profiler:
            time_plan(app, stream, args.count)
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        return
    ref_us, _ = time_plan(reference, ref_stream, args.count)
    print(f"scratch {scratch}\n{'path':<12} {'µs/request':>11} {'× reference':>12}  statuses")
    print(f"{'reference, logged in':<12} {ref_us:>11.0f} {1:>12.2f}")
    for plan in args.paths:
        stream = requests(scratch / "plans", plan)
        if plan != "submit":
            for _ in range(130):  # the save plan: every learner's first reply gives its sequence
                call(app, next(stream), stream)
        if timings:
            timings.report(1)  # forget the warm-up's
        us, statuses = time_plan(app, stream, args.count)
        print(f"{plan:<12} {us:>11.0f} {us / ref_us:>12.2f}  {sorted(statuses)}", flush=True)
        if timings:
            print("\n".join(timings.report(args.count)), flush=True)


def subprocess_reset(scratch: Path) -> None:
    """Reopen the submit pool, so every run grades the same attempts."""
    import subprocess
    subprocess.run([sys.executable, str(HERE / "scenario.py"), str(scratch / "plans"),
                    "--reset-pool"], cwd=ROOT, check=True, env=os.environ)


if __name__ == "__main__":
    main()
