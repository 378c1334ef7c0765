"""Command-line tools: init, bank, users, export and stats."""
from __future__ import annotations

import contextlib
import dataclasses
import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate.cli import db as db_group

from .accounts import AccountError, create_user
from .attempts import close_overdue
from .backup import backup_command, restore_command
from .banklint.commands import lint_command
from .bankparse import NotALibrary, read_library, read_path
from .courses import CourseError, course_by_code
from .coverage import coverage_command
from .database import upgrade_schema
from .demo import seed_command
from .exports import gradebook_rows, response_rows, write_csv
from .extensions import db
from .interchange import cli as interchange_cli
from .loader import LibraryInvalid, load_library
from .models import Quiz, utcnow
from .scores import item_report
from .words import plural

bank = AppGroup("bank", help="Check and load question banks.")
users = AppGroup("users", help="Manage accounts.")
demo = AppGroup("demo", help="Demonstration data.")


def _questions_dir() -> Path:
    return Path(current_app.config["QUESTIONS_DIR"])


def _print_errors(errors) -> None:
    for error in errors:
        click.echo(str(error), err=True)
    click.echo(f"{plural(len(errors), 'error')}; nothing was loaded.", err=True)


def _load(only: Path | None) -> None:
    root = _questions_dir()
    if only is not None and root.resolve() != only.resolve() \
            and root.resolve() not in only.resolve().parents:
        raise click.ClickException(
            f"{only} is outside the questions folder {root}, and banks load from there. "
            f"Check it where it is with 'bank check {only}', then copy it into the questions "
            "folder (or set QUESTIONS_DIR to its library).")
    try:
        library = read_library(root) if only is None else read_path(root, only)
    except NotALibrary as exc:
        raise click.ClickException(str(exc)) from None
    try:
        with progress(library.questions, label="Loading questions") as questions:
            report = load_library(library, questions)
        db.session.commit()
    except LibraryInvalid as exc:
        db.session.rollback()
        _print_errors(exc.errors)
        raise SystemExit(1) from None
    except CourseError as exc:  # a document.yaml naming a course that does not exist
        db.session.rollback()
        _print_errors([exc])
        raise SystemExit(1) from None
    click.echo(f"Loaded {plural(len(library.documents), 'document')}, "
               f"{plural(len(library.questions), 'question')}, "
               f"{plural(len(library.quizzes), 'quiz')}: {report.summary()}.")
    for note in report.notes:
        click.echo(note)


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create what is missing: the schema, then every bank in the questions folder."""
    upgrade_schema()
    _load(None)


@bank.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
def check_command(path: Path | None) -> None:
    """Check every bank, or the library at PATH: a bank file, one document's folder, or a
    questions folder (inside the configured one or not). Exit non-zero on any error."""
    try:
        library = read_library(_questions_dir()) if path is None \
            else read_path(_questions_dir(), path)
    except NotALibrary as exc:
        raise click.ClickException(str(exc)) from None
    if library.errors:
        for error in library.errors:
            click.echo(str(error), err=True)
        click.echo(f"{plural(len(library.errors), 'error')}.", err=True)
        raise SystemExit(1)
    click.echo(f"OK: {plural(len(library.documents), 'document')}, "
               f"{plural(len(library.questions), 'question')}, "
               f"{plural(len(library.quizzes), 'quiz')}.")


@bank.command("load")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
def load_command(path: Path | None) -> None:
    """Load every bank (or only PATH) into the database, all or nothing."""
    upgrade_schema()
    _load(path)



@users.command("create")
@click.argument("username")
@click.option("--instructor", is_flag=True, help="Give the account the instructor role.")
@click.option("--admin", is_flag=True, help="Make the account an administrator: an "
              "instructor of every course, who manages the instructors.")
@click.password_option(envvar="QUIZ_PASSWORD", help="Asked for when not given "
                       "(or set QUIZ_PASSWORD).")
def create_user_command(username: str, instructor: bool, admin: bool, password: str) -> None:
    """Create an account (a learner unless --instructor or --admin)."""
    role = "admin" if admin else "instructor" if instructor else "learner"
    try:
        user = create_user(username, password, role)
        db.session.commit()
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created {user.role} '{user.username}'.")




export = AppGroup("export", help="Export scores as CSV.")
stats_group = AppGroup("stats", help="Quiz statistics.")
attempts_group = AppGroup("attempts", help="Learners' attempts.")


def close_overdue_now() -> int:
    """Close the attempts whose time is up, so what is read next counts them."""
    closed = close_overdue(utcnow())
    db.session.commit()
    return closed


@attempts_group.command("close-overdue")
def close_overdue_command() -> None:
    """Close every open attempt whose time is up, with the answers saved before then.

    Idempotent: safe to run from cron (every minute, say) on any number of servers.
    Reports, exports and statistics do it too before they read.
    """
    closed = close_overdue_now()
    click.echo(f"Closed {plural(closed, 'overdue attempt')}.")


def progress(iterable, length: int | None = None, label: str = ""):
    """A progress bar on a terminal; silence when output is piped or redirected."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext(iterable)
    return click.progressbar(iterable, length=length, label=label, file=sys.stderr)


def _export(rows, output: Path | None, label: str) -> None:
    if output is None:
        write_csv(rows, sys.stdout)
        return
    with open(output, "w", encoding="utf-8", newline="") as stream, \
            progress(rows, label=label) as bar:
        count = write_csv(bar, stream)
    click.echo(f"Wrote {plural(count, 'row')} to {output}.", err=True)


def _course_quizzes(code: str | None):
    """The condition on Quiz for the course coded ``code`` (None: every course)."""
    if code is None:
        return None
    course = course_by_code(code)
    if course is None:
        raise click.ClickException(f"No course '{code}'.")
    return Quiz.course_id == course.id


course_option = click.option("--course", "course_code", metavar="CODE",
                             help="Only this course's quizzes (default: every course).")


@export.command("gradebook")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The CSV file to write (default: standard output).")
@course_option
def export_gradebook(output: Path | None, course_code: str | None) -> None:
    """The gradebook: learners by quizzes, graded by each quiz's method."""
    quizzes_of = _course_quizzes(course_code)
    close_overdue_now()
    _export(gradebook_rows(quizzes_of), output, "Gradebook")


@export.command("responses")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The CSV file to write (default: standard output).")
@course_option
def export_responses(output: Path | None, course_code: str | None) -> None:
    """Every response of every finished attempt, one row each."""
    quizzes_of = _course_quizzes(course_code)
    close_overdue_now()
    _export(response_rows(quizzes_of), output, "Responses")


@stats_group.command("items")
@click.argument("quiz_key")
@click.option("--attempts", "which", type=click.Choice(["graded", "all", "first"]),
              default="graded", show_default=True,
              help="Which attempts count: those that make each learner's grade (by the "
                   "quiz's grading method), all finished attempts, or each learner's first.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@course_option
def stats_items(quiz_key: str, which: str, as_json: bool, course_code: str | None) -> None:
    """Item analysis of QUIZ (Moodle's definitions); with --course, a quiz of that course."""
    quizzes_of = _course_quizzes(course_code)
    statement = db.select(Quiz).filter_by(key=quiz_key)
    if quizzes_of is not None:
        statement = statement.where(quizzes_of)
    quiz = db.session.execute(statement).scalar_one_or_none()
    if quiz is None:
        raise click.ClickException(f"No quiz '{quiz_key}'"
                                   + (f" in course '{course_code}'." if course_code else "."))
    close_overdue_now()
    report = item_report(quiz, which)
    items, test, summary = report.items, report.test, report.summary
    if as_json:
        payload = {
            "quiz": quiz.key,
            "attempts": which,
            "scores": dataclasses.asdict(summary),
            "test": dataclasses.asdict(test),
            "items": [dict(dataclasses.asdict(i.stats), prompt=i.prompt, type=i.type,
                           paragraph=i.paragraph.anchor if i.paragraph else None,
                           choices=i.choices) for i in items],
        }
        click.echo(json.dumps(payload, indent=2))
        return
    click.echo(f"{quiz.title}: {plural(test.attempts, 'attempt')} ({which}), "
               f"{plural(len(items), 'item')}")
    click.echo(f"  alpha {_pct(test.alpha, 1)}  error ratio {_pct(test.error_ratio, 1)}  "
               f"skewness {_num(summary.skewness)}  kurtosis {_num(summary.kurtosis)}"
               + (f"  ({test.note})" if test.note else "")
               + (f"  alpha by {test.by}" if test.alpha is not None else ""))
    for reason in test.flags:
        click.echo(f"  {reason}")
    for i in items:
        s = i.stats
        click.echo(f"  {s.key:40} facility {_pct(s.facility)}  discrimination "
                   f"{_pct(s.discrimination, 1)}  {'; '.join(s.flags)}")


def _num(value) -> str:
    return "-" if value is None else f"{value:.2f}"


def _pct(value, scale: float = 100) -> str:
    return "   -" if value is None else f"{value * scale:4.0f}%"


def init_app(app: Flask) -> None:
    app.cli.add_command(init_command)
    app.cli.add_command(bank)
    app.cli.add_command(users)
    app.cli.add_command(export)
    app.cli.add_command(stats_group)
    app.cli.add_command(attempts_group)
    app.cli.add_command(demo)
    bank.add_command(coverage_command, "coverage")
    bank.add_command(lint_command, "lint")
    demo.add_command(seed_command, "seed")
    db_group.add_command(backup_command)  # Flask-Migrate's db group: db backup, db restore
    db_group.add_command(restore_command)
    interchange_cli.init_app(app, bank)
