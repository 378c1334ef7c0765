"""`flask bank lint`, and the lint of one question being written in the browser."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..bankparse import read_library
from ..extensions import db
from ..models import ACTIVE, Question, QuestionVersion, Quiz
from ..words import plural
from . import ERROR, Finding, Item, QuizItem, counts, items_of, lint


def _under(path: str, only: Path) -> bool:
    where = Path(path).resolve()
    return where == only or only in where.parents


def library_findings(root: Path, only: Path | None = None) -> list[Finding]:
    """The checker's errors and the lint's findings for every bank under ``root``, or only
    those in the file or folder ``only``. Pools are always those of every bank: a question
    in one file is drawn with questions of the others."""
    library = read_library(root)
    items, quizzes = items_of(library)
    found = [Finding(ERROR, "check", e.message, e.path, e.line, e.question)
             for e in library.errors] + lint(items, quizzes)
    if only is not None:
        only = only.resolve()
        found = [f for f in found if f.path and _under(f.path, only)]
    return found


@click.command("lint")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@with_appcontext
def lint_command(path: Path | None, as_json: bool) -> None:
    """Find giveaways, duplicates, cues and quiz-shape problems in every bank (or only
    PATH); exit non-zero on any error."""
    findings = library_findings(Path(current_app.config["QUESTIONS_DIR"]), path)
    errors, warnings = counts(findings)
    if as_json:
        click.echo(json.dumps({"errors": errors, "warnings": warnings,
                               "findings": [f.as_dict() for f in findings]}, indent=2))
    else:
        for finding in findings:
            click.echo(str(finding))
        click.echo(f"{plural(errors, 'error')}, {plural(warnings, 'warning')}.")
    if errors:
        raise SystemExit(1)


def lint_question(spec, document, paragraphs) -> list[Finding]:
    """The findings about ``spec`` (a checked question of ``document``, not yet saved) among
    the document's other active questions and its quizzes, as they are stored."""
    section_of = {p.number: p.section for p in paragraphs}
    rows = db.session.execute(
        db.select(Question.key, QuestionVersion)
        .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
        .where(Question.document_id == document.id, Question.status == ACTIVE,
               Question.key != spec.id)).all()
    items = [Item(key, v.type, v.prompt, v.data, list(v.tags or []), v.section)
             for key, v in rows]
    items.append(Item(spec.id, spec.type, spec.prompt, spec.data, list(spec.tags),
                      section_of.get(spec.citations[0].paragraph, "") if spec.citations
                      else "", "this question"))
    quizzes = [QuizItem(z.key, z.description, dict(z.select or {}))
               for z in db.session.execute(
                   db.select(Quiz).filter_by(document_id=document.id)).scalars()]
    return [f for f in lint(items, quizzes) if spec.id in (f.question, f.about)]
