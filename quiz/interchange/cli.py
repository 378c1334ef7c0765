"""Commands: documents add/update, bank export and bank import."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext

from ..database import upgrade_schema
from ..docparse import FORMATS
from ..editions import DocumentError, add_document, new_edition
from ..extensions import db
from ..models import Document, Question
from ..words import plural
from . import EXPORT_FORMATS, IMPORT_FORMATS, export_questions
from .documentfiles import write_folder
from .imports import ImportFailed, import_file

documents = AppGroup("documents", help="Add documents and bring in new editions.")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise click.ClickException(f"{path}:{line}: not UTF-8 text") from None


def _format(path: Path, fmt: str | None) -> str:
    return fmt or ("markdown" if path.suffix.lower() in (".md", ".markdown") else "text")


@documents.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--slug", default="", help="Short name for its address (default: from the title).")
@click.option("--title", default="", help="Title (default: its first heading).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Default: from the suffix.")
@click.option("--language", default="en")
@click.option("--origin", default="", help="Where the text comes from.")
@click.option("--attribution", default="", help="Rights and attribution.")
def add_command(file: Path, slug, title, fmt, language, origin, attribution) -> None:
    """Add a document from a UTF-8 text or Markdown FILE."""
    upgrade_schema()
    try:
        document = add_document(_read(file), title=title, slug=slug, fmt=_format(file, fmt),
                                language=language, origin=origin, attribution=attribution)
        db.session.commit()
    except DocumentError as exc:
        db.session.rollback()
        raise click.ClickException(f"{file}: {exc}") from None
    click.echo(f"Added document '{document.slug}' ({document.title}): "
               f"{len(document.paragraphs)} paragraphs.")


@documents.command("update")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Default: from the suffix.")
def update_command(slug: str, file: Path, fmt: str | None) -> None:
    """Bring in a new edition of document SLUG from FILE and re-anchor its questions."""
    document = db.session.execute(db.select(Document).filter_by(slug=slug)).scalar_one_or_none()
    if document is None:
        raise click.ClickException(f"no document '{slug}'")
    try:
        report = new_edition(document, _read(file), _format(file, fmt))
        db.session.commit()
    except DocumentError as exc:
        db.session.rollback()
        raise click.ClickException(f"{file}: {exc}") from None
    for line in report.lines():
        click.echo(line)


@documents.command("export")
@click.argument("slug")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def export_document_command(slug: str, folder: Path) -> None:
    """Write document SLUG as a questions/ folder (document.yaml and its text) in FOLDER."""
    files = write_folder(_document(slug), folder)
    click.echo("Wrote " + ", ".join(str(f) for f in files) + ".")


def _document(slug: str | None):
    if slug:
        document = db.session.execute(db.select(Document).filter_by(slug=slug)).scalar()
        if document is None:
            raise click.ClickException(f"no document '{slug}'")
        return document
    slugs = db.session.execute(db.select(Document.slug).join(
        Question, Question.document_id == Document.id).distinct()).scalars().all()
    if len(slugs) != 1:
        raise click.ClickException("choose a document with --document (documents with "
                                   f"questions: {', '.join(sorted(slugs)) or 'none'})")
    return _document(slugs[0])


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(list(EXPORT_FORMATS)), default="yaml",
              show_default=True)
@click.option("--document", "slug", help="The document whose questions to write.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write (default: standard output).")
@with_appcontext
def export_command(fmt: str, slug: str | None, output: Path | None) -> None:
    """Write a document's questions (banks' and the browser's) as YAML, GIFT or Moodle XML."""
    result = export_questions(fmt, _document(slug))
    if output is None:
        click.echo(result.text, nl=False)
    else:
        output.write_text(result.text, encoding="utf-8")
    for line in result.report_lines():
        click.echo(line, err=True)
    click.echo(f"Exported {plural(len(result.exported), 'question')} as {fmt}"
               + (f" to {output}." if output else "."), err=True)


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(list(IMPORT_FORMATS)), required=True)
@click.option("--document", "slug", required=True, help="The document they will cite.")
@click.option("--skip-duplicates", is_flag=True,
              help="Leave out questions the document already has (same prompt and answer).")
@with_appcontext
def import_command(file: Path, fmt: str, slug: str, skip_duplicates: bool) -> None:
    """Import questions from GIFT, Aiken or Moodle XML as drafts that need a source."""
    document = _document(slug)
    try:
        report = import_file(file.read_bytes(), file.name, fmt, document, skip_duplicates)
        db.session.commit()
    except ImportFailed as exc:
        db.session.rollback()
        for error in exc.errors:
            click.echo(f"{file.name}:{error}", err=True)
        click.echo(f"{plural(len(exc.errors), 'error')}; nothing was imported.", err=True)
        raise SystemExit(1) from None
    for line in report.lines():
        click.echo(line)


def init_app(app, bank: AppGroup) -> None:
    app.cli.add_command(documents)
    bank.add_command(export_command)
    bank.add_command(import_command)
