"""`flask --app quiz db backup FILE` and `db restore FILE`: SQLite's online backup API.

The backup copies the live database in one consistent step while the app keeps
serving (readers and writers are not stopped; WAL lets them go on). PostgreSQL
has its own tools for this (pg_dump), which the command names.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask.cli import with_appcontext

from .extensions import db


def sqlite_path() -> Path:
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise click.ClickException(
            "db backup copies SQLite databases; for PostgreSQL use pg_dump "
            "(for example: pg_dump --format=custom --file=quiz.dump DATABASE).")
    return Path(url.database)


def copy_database(source: Path, target: Path) -> int:
    """Copy ``source`` to ``target`` with the backup API; return the number of pages."""
    with sqlite3.connect(source, timeout=30) as src, sqlite3.connect(target) as dst:
        src.backup(dst, pages=0)  # all pages in one step: a single consistent snapshot
        pages = dst.execute("PRAGMA page_count").fetchone()[0]
        problem = dst.execute("PRAGMA integrity_check").fetchone()[0]
    src.close()
    dst.close()
    if problem != "ok":
        raise click.ClickException(f"the copy failed its integrity check: {problem}")
    return pages


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@with_appcontext
def backup_command(file: Path, force: bool) -> None:
    """Copy the live SQLite database to FILE, consistently, while the app serves."""
    source = sqlite_path()
    if file.exists() and not force:
        raise click.ClickException(f"{file} exists; use --force to overwrite it.")
    if file.resolve() == source.resolve():
        raise click.ClickException("FILE is the live database itself.")
    file.unlink(missing_ok=True)
    pages = copy_database(source, file)
    click.echo(f"Backed up {source} to {file} ({pages} pages).")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the live database without asking.")
@with_appcontext
def restore_command(file: Path, yes: bool) -> None:
    """Replace the SQLite database with the backup FILE (stop the app servers first)."""
    target = sqlite_path()
    try:
        with sqlite3.connect(file) as check:
            problem = check.execute("PRAGMA integrity_check").fetchone()[0]
        check.close()
    except sqlite3.DatabaseError as exc:
        problem = str(exc)
    if problem != "ok":
        raise click.ClickException(f"{file} is not a sound SQLite database: {problem}")
    if not yes:
        click.confirm(f"Replace {target} with {file}?", abort=True)
    db.engine.dispose()
    pages = copy_database(file, target)
    click.echo(f"Restored {target} from {file} ({pages} pages).")
