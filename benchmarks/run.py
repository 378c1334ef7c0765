"""Run every benchmark and print one table: `.venv/bin/python benchmarks/run.py`.

The app and the reference page (reference.py) are served by the same gunicorn with
the same sync workers on loopback and driven by wrk (benchmarks/load.lua) at each
concurrency, several runs each; every figure is reported as a ratio to the reference.
Then the instructor's reports at 1,000 and 10,000 learners, `flask init` with a
1,000-question bank, create_app(), and the workers' memory. Installs nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from importlib.util import find_spec
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REFERENCE = ("reference: fortunes, logged in", "reference-logged-in", "get", False)
BARE = ("fortunes, bare (no login, session or CSRF)", "reference", "get", False)
PATHS = [  # (label, plan, wrk mode, target applies)
    ("home", "home", "get", False),
    ("document view", "document", "get", False),
    ("quiz page", "quiz_page", "get", True),
    ("answer save", "save", "save", True),
    ("submit (20 questions)", "submit", "submit", True),
    ("review (20 questions)", "review", "get", True),
    ("progress", "progress", "get", False),
    ("gradebook", "gradebook", "get", False),
    ("item analysis", "items", "get", False),
]
RPS_TARGET, P99_TARGET = 0.5, 3.0  # of the logged-in reference's req/s, times its p99
REVIEW_TARGET = 2.0  # a review's time at most this many times a question page's


def check_tools() -> None:
    missing = []
    if shutil.which("wrk") is None:
        missing.append("wrk, the load generator: apt-get install -y wrk")
    if find_spec("gunicorn") is None:
        missing.append("gunicorn: .venv/bin/pip install -e .")
    if missing:
        sys.exit("Missing, and not installed by this script:\n  " + "\n  ".join(missing))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with ``workers`` sync workers on a loopback port."""

    def __init__(self, target: str, env: dict, workers: int, chdir: Path, probe: str):
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b",
             f"127.0.0.1:{self.port}", "--backlog", "2048", "--log-level", "warning",
             "--chdir", str(chdir), target], env=env, cwd=ROOT)
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}{probe}", timeout=5)
                return
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"gunicorn for {target} did not start") from None
                time.sleep(0.2)

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(line.split(":", 1) for line in status.read_text().splitlines())
            except (OSError, ValueError):
                continue
            if int(fields.get("PPid", "0")) == self.process.pid:
                sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
        return sorted(sizes)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def wrk(port: int, plan: Path, mode: str, connections: int, seconds: float) -> dict:
    env = dict(os.environ, BENCH_MODE=mode, BENCH_PLAN=str(plan),
               BENCH_THREADS=str(connections))
    out = subprocess.run(
        ["wrk", "-t", str(connections), "-c", str(connections), "-d", f"{round(seconds)}s",
         "--timeout", "30s", "-s", str(HERE / "load.lua"), f"http://127.0.0.1:{port}"],
        env=env, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    result = json.loads(line[len("BENCH "):])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def flask(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "quiz", *args], cwd=ROOT, env=env,
                   check=True, capture_output=True)


def scenario(env: dict, plans: Path, *args: str) -> None:
    subprocess.run([sys.executable, str(HERE / "scenario.py"), str(plans), *args], cwd=ROOT,
                   env=env, check=True)


def spread(values: list[float], scale: float = 1, places: int = 0) -> str:
    return (f"{statistics.median(values) * scale:.{places}f} "
            f"({min(values) * scale:.{places}f}–{max(values) * scale:.{places}f})")


def load_table(results: dict, concurrencies: list[int]) -> list[str]:
    """Each path's runs were paired with a reference run just before; ratios are per pair."""
    lines = ["| path | concurrency | req/s median (min–max) | × reference | "
             "p99 ms median (min–max) | × reference | target | errors |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |"]
    for c in concurrencies:
        references = [ref for plan in PATHS for _, ref in results[(plan[1], c)]]
        rps, p99 = [r["rps"] for r in references], [r["p99_us"] for r in references]
        errors = sum(r["socket_errors"] + r["unexpected_status"] for r in references)
        lines.append(f"| {REFERENCE[0]} | {c} | {spread(rps)} | 1 | {spread(p99, 1e-3, 1)} "
                     f"| 1 |  | {errors} |")
        for label, plan, _mode, targeted in [BARE, *PATHS]:
            if (plan, c) not in results:
                continue
            pairs = results[(plan, c)]
            runs = [run for run, _ in pairs]
            rps = [r["rps"] for r in runs]
            p99 = [r["p99_us"] for r in runs]
            rps_ratio = statistics.median(r["rps"] / ref["rps"] for r, ref in pairs)
            p99_ratio = statistics.median(r["p99_us"] / ref["p99_us"] for r, ref in pairs)
            verdict = ""
            if targeted:
                verdict = "met" if rps_ratio >= RPS_TARGET and p99_ratio <= P99_TARGET \
                    else "missed"
            errors = sum(r["socket_errors"] + r["unexpected_status"] + r["pool_exhausted"]
                         for r in runs)
            lines.append(f"| {label} | {c} | {spread(rps)} | {rps_ratio:.2f} | "
                         f"{spread(p99, 1e-3, 1)} | {p99_ratio:.2f} | {verdict} | {errors} |")
    lines.append("")
    for c in concurrencies:
        if ("quiz_page", c) in results and ("review", c) in results:
            # At a fixed concurrency a request's mean time is the concurrency over req/s.
            page = statistics.median(r["rps"] for r, _ in results[("quiz_page", c)])
            review = statistics.median(r["rps"] for r, _ in results[("review", c)])
            verdict = "met" if page / review <= REVIEW_TARGET else "missed"
            lines.append(f"Review time / question page time at {c} connections: "
                         f"{page / review:.2f} (target at most {REVIEW_TARGET:g}: {verdict}).")
    return lines


def errors_said(result: dict) -> str:
    kinds = {"socket errors": result["socket_errors"],
             "unexpected statuses": result["unexpected_status"],
             "requests after the submit pool ran dry": result["pool_exhausted"]}
    said = ", ".join(f"{count} {kind}" for kind, count in kinds.items() if count)
    return f"; {said}" if said else ""


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    return (f"{os.cpu_count()} cores ({model}), {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def load_average() -> str:
    """Other work on the machine skews every figure; the report says how much there was."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (3)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run (5)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--learners", type=int, default=300, help="demo learners (300)")
    parser.add_argument("--scale", type=int, nargs="*", default=[1000, 10000],
                        help="learner counts for the report timings (1000 10000)")
    parser.add_argument("--skip", nargs="*", default=[], choices=["load", "scale", "startup"])
    parser.add_argument("--paths", nargs="*", choices=[plan for _, plan, _, _ in PATHS],
                        help="only these paths of the load phase (all)")
    args = parser.parse_args()
    if args.paths:
        PATHS[:] = [p for p in PATHS if p[1] in args.paths]
    check_tools()
    started_load = load_average()
    scratch = Path(tempfile.mkdtemp(prefix="quiz-bench-"))
    print(f"Machine: {machine()}; gunicorn {args.workers} sync workers; scratch {scratch}",
          flush=True)
    report = [f"Machine: {machine()}.", f"gunicorn: {args.workers} sync workers; wrk: one "
              f"thread per connection, {args.duration:g} s per run, median of {args.runs} runs "
              f"(min–max); {args.learners} demo learners.", ""]
    try:
        if "load" not in args.skip:
            report += load_phase(args, scratch)
        if "scale" not in args.skip and args.scale:
            report += scale_phase(args, scratch)
        if "startup" not in args.skip:
            report += startup_phase(scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    report.append(f"Load average (1, 5, 15 min) before: {started_load}; after: {load_average()}.")
    print("\n" + "\n".join(report))


def load_phase(args, scratch: Path) -> list[str]:
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{scratch / 'quiz.sqlite3'}",
               SECRET_KEY=secrets.token_hex(32))
    env.pop("QUESTIONS_DIR", None)
    plans = scratch / "plans"
    plans.mkdir()
    print("Seeding the scratch database...", flush=True)
    flask(env, "init")
    flask(env, "demo", "seed", "--learners", str(args.learners), "--seed", "1")
    scenario(env, plans, "--clients", str(max(args.concurrency)))
    sys.path.insert(0, str(HERE))
    from reference import fill
    reference_url = f"sqlite:///{scratch / 'reference.sqlite3'}"
    fill(reference_url)
    app = Server("wsgi:app", env, args.workers, ROOT, "/")
    reference = Server("reference:app", dict(env, REFERENCE_DATABASE_URL=reference_url),
                       args.workers, HERE, "/fortunes")
    results: dict = {}
    try:
        wrk(reference.port, plans / "reference.tsv", "get", 4, 1)
        wrk(reference.port, plans / "reference-logged-in.tsv", "get", 4, 1)
        for _label, plan, mode, _ in PATHS:  # warm-up: templates compiled, caches filled
            if mode != "submit":
                wrk(app.port, plans / f"{plan}.tsv", mode, 4, 1)
        # Other work on the machine comes and goes: each run of a path is paired with a
        # run of the reference just before it, and compared with that one.
        for run in range(args.runs):
            for c in args.concurrency:
                for label, plan, mode, _ in [BARE, *PATHS]:
                    if mode == "submit":
                        scenario(env, plans, "--reset-pool")
                    ref = wrk(reference.port, plans / "reference-logged-in.tsv", "get", c,
                              args.duration)
                    server = reference if plan == BARE[1] else app
                    result = wrk(server.port, plans / f"{plan}.tsv", mode, c, args.duration)
                    results.setdefault((plan, c), []).append((result, ref))
                    print(f"run {run + 1} c={c} {label}: {result['rps']:.0f} req/s "
                          f"({result['rps'] / ref['rps']:.2f} of the reference), p99 "
                          f"{result['p99_us'] / 1000:.1f} ms "
                          f"({result['p99_us'] / ref['p99_us']:.2f}), load {load_average()}"
                          + errors_said(result), flush=True)
        app_rss, reference_rss = app.worker_rss_mb(), reference.worker_rss_mb()
    finally:
        app.stop()
        reference.stop()
    return load_table(results, args.concurrency) + [
        "", f"Worker resident memory after the load run: app "
        f"{', '.join(f'{m:.0f}' for m in app_rss)} MB; reference "
        f"{', '.join(f'{m:.0f}' for m in reference_rss)} MB.", ""]


def scale_phase(args, scratch: Path) -> list[str]:
    from scale import seeded, time_reports
    lines = ["| learners | responses | gradebook s median (min–max) | "
             "item analysis s median (min–max) |", "| ---: | ---: | ---: | ---: |"]
    medians = {}
    for learners in args.scale:
        print(f"Seeding {learners} learners for the reports...", flush=True)
        url, _ = seeded(scratch, learners)
        times, responses = time_reports(url)
        medians[learners] = {k: statistics.median(v) for k, v in times.items()}
        lines.append(f"| {learners:,} | {responses:,} | {spread(times['gradebook'], 1, 3)} | "
                     f"{spread(times['item analysis'], 1, 3)} |")
        (scratch / f"scale-{learners}.sqlite3").unlink(missing_ok=True)
    if len(medians) > 1:
        low, high = min(medians), max(medians)
        lines.append("")
        lines.append(f"From {low:,} to {high:,} learners: " + ", ".join(
            f"{k} {medians[high][k] / medians[low][k]:.1f}× slower" for k in medians[low]) + ".")
    return lines + [""]


def startup_phase(scratch: Path) -> list[str]:
    from startup import time_create_app, time_init
    print("Timing init and create_app...", flush=True)
    init = time_init(scratch / "startup")
    created = time_create_app(scratch / "startup")
    return [f"`flask --app quiz init` with a generated 1,000-question bank: "
            f"{spread(init, 1, 2)} s.",
            f"`create_app()` in a fresh process: {spread(created['create_app'], 1000, 1)} ms, "
            f"most of it importing the blueprints' modules; a second call in the same process:"
            f" {spread(created['second'], 1000, 1)} ms (importing the package before the "
            f"first: {spread(created['import'], 1000, 0)} ms)."]


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
