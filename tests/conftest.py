"""Shared fixtures: an app on a fresh SQLite file with the shipped banks loaded."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from quiz import create_app
from quiz.accounts import create_user
from quiz.extensions import db

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "questions" / "nato-bih" / "source.txt"


def make_app(tmp_path: Path, questions_dir: Path | None = None, **config):
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-not-for-production",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "QUESTIONS_DIR": str(questions_dir or ROOT / "questions"),
    }
    settings.update(config)
    return create_app(settings)


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def add_user(app, name: str, password: str = "correct horse", role: str = "learner") -> None:
    with app.app_context():
        create_user(name, password, role)
        db.session.commit()


def log_in(client, name: str, password: str = "correct horse"):
    page = client.get("/login")
    return client.post("/login", data={"username": name, "password": password,
                                       "csrf_token": csrf_token(page.text)})


FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture_library(tmp_path: Path, *banks: str) -> Path:
    """A questions folder holding the seed document and the named fixture banks."""
    folder = tmp_path / "questions" / "nato-bih"
    folder.mkdir(parents=True)
    for name in ("source.txt", "document.yaml"):
        (folder / name).write_bytes((SEED.parent / name).read_bytes())
    for bank in banks:
        (folder / bank).write_bytes((FIXTURES / bank).read_bytes())
    return tmp_path / "questions"


@pytest.fixture
def typed_app(tmp_path):
    """An app whose only bank is the one-question-per-type fixture."""
    app = make_app(tmp_path, questions_dir=fixture_library(tmp_path, "all_types.yaml"))
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        db.engine.dispose()
