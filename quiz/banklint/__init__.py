"""The bank lint: what makes questions poor assessment, though the checker finds them valid.

Giveaways (one question, or a quiz's description, shows another's keyed answer where both
can be drawn into one attempt), duplicates (two questions asking the same fact), cues (a
keyed option that stands out, "all of the above", absolute words in true/false, a prompt
spelling out its own acronym answer) and quiz shape (too many questions for one sitting, a
description naming what the pool lacks). Pure: questions and quizzes in, findings out.
docs/lint.md lists every rule.
"""
from __future__ import annotations

from collections.abc import Iterable

from ..drawing import Candidate, pool
from . import cues, giveaways
from .findings import ERROR, MAX_SITTING, WARNING, Finding, Item, QuizItem


def items_of(library) -> tuple[list[Item], list[QuizItem]]:
    """The lint's view of a checked library (bankparse.Library)."""
    sections = {slug: {b.number: b.section for b in doc.blocks}
                for slug, doc in library.documents.items()}
    items = [Item(q.id, q.type, q.prompt, q.data, list(q.tags),
                  sections[q.document].get(q.citations[0].paragraph, "") if q.citations else "",
                  q.path, q.line, q.exam_only) for q in library.questions]
    quizzes = [QuizItem(z.id, z.description, dict(z.select), z.path, z.line)
               for z in library.quizzes]
    return items, quizzes


def pools(items: list[Item], quizzes: list[QuizItem]) -> dict[str, list[Item]]:
    """Each quiz's pool: the questions its selection admits."""
    by_id = {i.id: i for i in items}
    candidates = [Candidate(i.id, i.tags, i.section, i.exam_only) for i in items]
    return {z.id: [by_id[c.key] for c in pool(z.select, candidates)] for z in quizzes}


def drawn_together(quizzes: list[QuizItem], pooled: dict[str, list[Item]]
                   ) -> dict[str, set[str]]:
    """For each question, the others some attempt of some quiz can hold beside it."""
    together: dict[str, set[str]] = {}
    for z in quizzes:
        count = z.select.get("count")
        if count is not None and count < 2:
            continue
        ids = {i.id for i in pooled[z.id]}
        for i in ids:
            together.setdefault(i, set()).update(ids - {i})
    return together


def lint(items: list[Item], quizzes: list[QuizItem]) -> list[Finding]:
    """Every finding for these questions and quizzes, errors first, then by place."""
    pooled = pools(items, quizzes)
    found = giveaways.giveaways(items, quizzes, pooled, drawn_together(quizzes, pooled))
    found += giveaways.duplicates(items)
    found += cues.cues(items)
    found += cues.quiz_shape(quizzes, pooled)
    return sorted(set(found), key=lambda f: (f.severity != ERROR, f.path, f.line, f.message))


def counts(findings: Iterable[Finding]) -> tuple[int, int]:
    findings = list(findings)
    errors = sum(1 for f in findings if f.severity == ERROR)
    return errors, len(findings) - errors


__all__ = ["ERROR", "MAX_SITTING", "WARNING", "Finding", "Item", "QuizItem", "counts",
           "items_of", "lint"]
