"""Time a new edition of a long document: re-anchoring should grow about linearly.

    .venv/bin/python benchmarks/editions.py [--paragraphs 350 1000 2000]

For each size, a document of that many paragraphs with one question citing each fifth
paragraph gets an edition in which every tenth paragraph is reworded, every
twentieth is removed, a paragraph is inserted every fifteen, and the quotes of a few
questions move to a neighbouring paragraph. Prints the seconds the edition took in
all, the plan (read without the write lock) and the switch (the one transaction that
renumbers the paragraphs, with its commit).
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quiz import create_app  # noqa: E402
from quiz.editions import add_document, plan_edition, write_edition  # noqa: E402
from quiz.entries import check_entry, document_spec  # noqa: E402
from quiz.extensions import db  # noqa: E402
from quiz.models import Question  # noqa: E402
from quiz.versions import write_version  # noqa: E402

WORDS = ("treaty alliance member partner forces mission reform defence council summit "
         "security training support operation country programme plan review").split()


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + f" ({n})."


def paragraphs(size: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    return [f"Paragraph {i} says {sentence(rng, 14)} {sentence(rng, 10)}" for i in range(size)]


def edition(texts: list[str], seed: int = 2) -> list[str]:
    rng, out = random.Random(seed), []
    for i, text in enumerate(texts):
        if i % 20 == 7:
            continue  # removed
        if i % 15 == 3:
            out.append(f"An inserted paragraph {i}: {sentence(rng, 12)}")
        if i % 10 == 5:
            text = text.replace(" says ", " now says, reworded, ")
        if i % 50 == 10 and out:  # its quote moves to the paragraph before
            out[-1] += f" Paragraph {i} says"
            text = "Rewritten entirely: " + sentence(rng, 16)
        out.append(text)
    return out


def run(size: int) -> float:
    folder = Path(tempfile.mkdtemp())
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
                      "SECRET_KEY": "benchmark", "QUESTIONS_DIR": str(folder)})
    texts = paragraphs(size)
    with app.app_context():
        from quiz.database import upgrade_schema
        upgrade_schema()
        document = add_document("# Long document\n\n" + "\n\n".join(texts), slug="long",
                                fmt="markdown")
        spec = document_spec(document)
        for i in range(0, size, 5):
            entry = {"id": f"q{i}", "type": "true_false", "prompt": f"Q{i}?", "answer": True,
                     "explanation": "So it says.",
                     "source": {"paragraph": i + 2, "quote": f"Paragraph {i} says"}}
            checked = check_entry(entry, spec)
            question = Question(key=f"q{i}", document_id=document.id, position=i)
            db.session.add(question)
            db.session.flush()
            write_version(question, checked.spec, "benchmark")
        db.session.commit()
        text = "# Long document\n\n" + "\n\n".join(edition(texts))
        started = time.perf_counter()
        plan = plan_edition(document, text, "markdown")
        db.session.rollback()  # as the job does: the plan is read without the write lock
        planned = time.perf_counter()
        switched = []

        def written(n: int) -> None:
            if n == 0:  # the switch: paragraphs, edition, flags and holds, then its commit
                db.session.commit()
                switched.append(time.perf_counter())

        write_edition(plan, written)
        db.session.commit()
        took = time.perf_counter() - started
        print(f"{size:>6} paragraphs: {took:6.2f} s in all; plan {planned - started:5.2f} s, "
              f"switch {(switched[0] - planned) * 1000:5.0f} ms  ({plan.report.summary()})")
        db.engine.dispose()
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paragraphs", type=int, nargs="+", default=[350, 1000, 2000])
    for size in parser.parse_args().paragraphs:
        run(size)


if __name__ == "__main__":
    main()
