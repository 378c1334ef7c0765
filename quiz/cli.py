"""Command-line tools: init, bank check/load and users create."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from .accounts import AccountError, create_user
from .bankparse import read_library
from .extensions import db
from .loader import LibraryInvalid, load_library

bank = AppGroup("bank", help="Check and load question banks.")
users = AppGroup("users", help="Manage accounts.")


def _questions_dir() -> Path:
    return Path(current_app.config["QUESTIONS_DIR"])


def _print_errors(errors) -> None:
    for error in errors:
        click.echo(str(error), err=True)
    click.echo(f"{len(errors)} error(s); nothing was loaded.", err=True)


def _load(only: Path | None) -> None:
    library = read_library(_questions_dir(), only)
    try:
        report = load_library(library)
        db.session.commit()
    except LibraryInvalid as exc:
        db.session.rollback()
        _print_errors(exc.errors)
        raise SystemExit(1) from None
    click.echo(f"Loaded {len(library.documents)} document(s), {len(library.questions)} "
               f"question(s), {len(library.quizzes)} quiz(zes): {report.summary()}.")


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create what is missing: the schema, then every bank in the questions folder."""
    db.create_all()
    _load(None)


@bank.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
def check_command(path: Path | None) -> None:
    """Check every bank (or only PATH); exit non-zero on any error."""
    library = read_library(_questions_dir(), path)
    if library.errors:
        for error in library.errors:
            click.echo(str(error), err=True)
        click.echo(f"{len(library.errors)} error(s).", err=True)
        raise SystemExit(1)
    click.echo(f"OK: {len(library.documents)} document(s), {len(library.questions)} "
               f"question(s), {len(library.quizzes)} quiz(zes).")


@bank.command("load")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
def load_command(path: Path | None) -> None:
    """Load every bank (or only PATH) into the database, all or nothing."""
    db.create_all()
    _load(path)


@users.command("create")
@click.argument("username")
@click.option("--instructor", is_flag=True, help="Give the account the instructor role.")
@click.password_option(envvar="QUIZ_PASSWORD", help="Asked for when not given "
                       "(or set QUIZ_PASSWORD).")
def create_user_command(username: str, instructor: bool, password: str) -> None:
    """Create an account (a learner unless --instructor)."""
    try:
        user = create_user(username, password, "instructor" if instructor else "learner")
        db.session.commit()
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created {user.role} '{user.username}'.")


def init_app(app: Flask) -> None:
    app.cli.add_command(init_command)
    app.cli.add_command(bank)
    app.cli.add_command(users)
