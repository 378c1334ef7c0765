"""`flask --app quiz bank load`: the seed bank and a generated 2,000-question bank.

    .venv/bin/python benchmarks/bankload.py [--runs 5] [--count 2000]

For each bank, each run loads it into an empty SQLite database (every question new), then
loads it again with every prompt changed (every question gets a second version). Prints
the median and the range of each, in seconds, a fresh process per load; then the same
loads in one process, load_library and its commit alone (no start-up, no bank reading).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from startup import SEED_DOCUMENT, generated_bank  # benchmarks/ is on the path

from quiz import create_app
from quiz.bankparse import read_library
from quiz.database import upgrade_schema
from quiz.extensions import db
from quiz.loader import load_library

ROOT = Path(__file__).resolve().parent.parent


def seed_folder(base: Path, changed: bool) -> Path:
    folder = base / ("seed-changed" if changed else "seed") / "nato-bih"
    shutil.copytree(SEED_DOCUMENT, folder)
    if changed:
        for path in folder.glob("*.yaml"):
            if path.name != "document.yaml":
                bank = yaml.safe_load(path.read_text(encoding="utf-8"))
                for entry in bank.get("questions") or []:
                    entry["prompt"] = "Changed: " + entry["prompt"]
                path.write_text(yaml.safe_dump(bank, sort_keys=False, allow_unicode=True),
                                encoding="utf-8")
    return folder.parent


def generated_folder(base: Path, count: int, changed: bool) -> Path:
    folder = base / f"generated-{count}{'-changed' if changed else ''}" / "nato-bih"
    folder.mkdir(parents=True)
    for name in ("document.yaml", "source.txt"):
        shutil.copyfile(SEED_DOCUMENT / name, folder / name)
    bank = generated_bank(count)
    if changed:
        for entry in bank["questions"]:
            entry["prompt"] = "Changed: " + entry["prompt"]
    (folder / "generated.yaml").write_text(yaml.safe_dump(bank, sort_keys=False))
    return folder.parent


def load(database: Path, questions: Path) -> float:
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{database}", QUESTIONS_DIR=str(questions),
               SECRET_KEY="bench")
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "quiz", "bank", "load"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"bank load failed:\n{result.stdout}\n{result.stderr}")
    return seconds


def measure(base: Path, name: str, first: Path, second: Path, runs: int) -> None:
    fresh, again = [], []
    for run in range(runs):
        database = base / f"{name}-{run}.sqlite3"
        fresh.append(load(database, first))
        again.append(load(database, second))
    for label, values in (("into an empty database", fresh),
                          ("again, every question changed", again)):
        print(f"{name}, {label}: median {statistics.median(values):.2f} s "
              f"({min(values):.2f}-{max(values):.2f}) over {runs}")


def in_process(base: Path, name: str, first: Path, second: Path, runs: int) -> None:
    """The same loads without process start-up and bank reading: load_library and its
    commit alone, each into a fresh database."""
    libraries = (read_library(first), read_library(second))
    # Wall-clock seconds, and the process's CPU seconds, which other work on a shared
    # machine skews less.
    times: dict[str, list[tuple[float, float]]] = {"into an empty database": [],
                                                   "again, every question changed": []}
    for run in range(runs):
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{base / f'{name}-in-{run}.db'}",
                          "SECRET_KEY": "bench"})
        with app.app_context():
            upgrade_schema()
            for library, label in zip(libraries, times, strict=True):
                wall, cpu = time.perf_counter(), time.process_time()
                load_library(library)
                db.session.commit()
                times[label].append((time.perf_counter() - wall, time.process_time() - cpu))
            db.engine.dispose()
    for label, values in times.items():
        walls, cpus = [w for w, _ in values], [c for _, c in values]
        print(f"{name}, load_library alone, {label}: median {statistics.median(walls):.3f} s "
              f"({min(walls):.3f}-{max(walls):.3f}), CPU {statistics.median(cpus):.3f} s "
              f"({min(cpus):.3f}-{max(cpus):.3f}) over {runs}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--in-process-only", action="store_true",
                        help="time load_library alone, not the command")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="quiz-bench-") as scratch:
        base = Path(scratch)
        banks = {"seed bank": (seed_folder(base, False), seed_folder(base, True)),
                 f"generated {args.count:,}-question bank": (
                     generated_folder(base, args.count, False),
                     generated_folder(base, args.count, True))}
        for name, (first, second) in banks.items():
            if not args.in_process_only:
                measure(base, name, first, second, args.runs)
        for name, (first, second) in banks.items():
            in_process(base, name, first, second, args.runs)


if __name__ == "__main__":
    main()
