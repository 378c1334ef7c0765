"""Start-up costs: `flask --app quiz init` with a 1,000-question bank, and create_app()."""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

from quiz.docparse import HEADING, parse_document

ROOT = Path(__file__).resolve().parent.parent
SEED_DOCUMENT = ROOT / "questions" / "nato-bih"
TYPES = ("single_choice", "true_false", "short_answer", "multiple_response")


def generated_bank(count: int) -> dict:
    """``count`` questions of four types, each citing a paragraph with its opening words."""
    meta = yaml.safe_load((SEED_DOCUMENT / "document.yaml").read_text())
    blocks = [b for b in parse_document((SEED_DOCUMENT / meta["source"]).read_text(),
                                        meta["format"], meta.get("heading_levels"))
              if b.kind != HEADING and len(b.text.split()) >= 8]
    questions = []
    for n in range(count):
        block = blocks[n % len(blocks)]
        quote = " ".join(block.text.split()[:6])
        entry = {"id": f"gen-{n:04d}", "type": TYPES[n % len(TYPES)],
                 "prompt": f"Question {n}: what does paragraph {block.number} begin with?",
                 "explanation": f"Paragraph {block.number} begins: {quote}.",
                 "tags": [f"tag-{n % 7}"],
                 "source": {"paragraph": block.number, "quote": quote}}
        if entry["type"] == "single_choice":
            entry.update(choices=[quote, "Something else", "Nothing at all"], answer=quote)
        elif entry["type"] == "multiple_response":
            entry.update(choices=[quote, f"p{block.number}", "Neither", "Both"],
                         answers=[quote, f"p{block.number}"])
        elif entry["type"] == "true_false":
            entry.update(answer=n % 2 == 0)
        else:
            entry.update(answers=[quote])
        questions.append(entry)
    return {"document": "nato-bih", "questions": questions,
            "quizzes": [{"id": "generated", "title": "Generated",
                         "select": {"all": True, "count": 20}}]}


def questions_folder(base: Path, count: int) -> Path:
    folder = base / "questions" / "nato-bih"
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("document.yaml", "source.txt"):
        shutil.copyfile(SEED_DOCUMENT / name, folder / name)
    (folder / "generated.yaml").write_text(yaml.safe_dump(generated_bank(count), sort_keys=False))
    return base / "questions"


def time_init(base: Path, count: int = 1000, runs: int = 3) -> list[float]:
    """Seconds for `flask --app quiz init` on an empty database, once per run."""
    questions = questions_folder(base, count)
    seconds = []
    for run in range(runs):
        database = base / f"init-{run}.sqlite3"
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{database}",
                   QUESTIONS_DIR=str(questions), SECRET_KEY="bench")
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "flask", "--app", "quiz", "init"],
                                cwd=ROOT, env=env, capture_output=True, text=True)
        seconds.append(time.perf_counter() - start)
        if result.returncode != 0 or f"{count} question(s)" not in result.stdout:
            raise RuntimeError(f"init failed:\n{result.stdout}\n{result.stderr}")
    return seconds


CREATE_APP = """
import json, time
start = time.perf_counter()
from quiz import create_app
imported = time.perf_counter()
create_app()
done = time.perf_counter()
create_app()
again = time.perf_counter()
print(json.dumps({"import": imported - start, "create_app": done - imported,
                  "second": again - done}))
"""


def time_create_app(base: Path, runs: int = 5) -> dict[str, list[float]]:
    """Seconds to import the package, to call create_app() (which imports the blueprints'
    modules), and to call it a second time in the same process; a fresh process each run."""
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{base / 'create.sqlite3'}",
               SECRET_KEY="bench")
    result: dict[str, list[float]] = {"import": [], "create_app": [], "second": []}
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", CREATE_APP], cwd=ROOT, env=env,
                             capture_output=True, text=True, check=True).stdout
        for key, value in json.loads(out.strip().splitlines()[-1]).items():
            result[key].append(value)
    return result


if __name__ == "__main__":
    import tempfile
    with tempfile.TemporaryDirectory(prefix="quiz-bench-") as scratch:
        init = time_init(Path(scratch))
        print(f"init, 1,000 questions: median {statistics.median(init):.2f} s {init}")
        created = time_create_app(Path(scratch))
        for key, values in created.items():
            print(f"{key}: median {1000 * statistics.median(values):.1f} ms")
