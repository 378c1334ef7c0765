"""Shared fixtures: an app on a fresh SQLite file with the shipped banks loaded."""
from __future__ import annotations

import os
import re
import shutil
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from quiz import create_app
from quiz.accounts import create_user
from quiz.extensions import db

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "questions" / "nato-bih" / "source.txt"


# Set TEST_DATABASE_URL (postgresql+psycopg://user:password@host/db) to run the suite on
# PostgreSQL: every app then gets a database of its own, dropped when the run ends.
SERVER_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = SERVER_URL.startswith("postgresql")
_created: list[tuple[str, str]] = []  # (server URL, database name)


def postgres_database(server_url: str) -> str:
    """A new, empty database on the server; dropped when the test run ends."""
    name = f"quiz_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    _created.append((server_url, name))
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def fresh_database_url(tmp_path: Path) -> str:
    if not ON_POSTGRES:
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    return postgres_database(SERVER_URL)


def pytest_sessionfinish(session, exitstatus):
    # Our own leftover connections are ended first; a plain DROP then waits for or stops
    # the server's own (autovacuum on a busy test database), which DROP ... WITH (FORCE)
    # refuses to do for a role that is not a superuser.
    for server_url, name in _created:
        admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                    ":name AND pid <> pg_backend_pid() AND usename = current_user"),
                    {"name": name})
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        except SQLAlchemyError as error:  # a database left behind fails no test
            sys.stderr.write(f"\nCould not drop the test database {name}: {error}\n")
        finally:
            admin.dispose()


sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="checks SQLite's own settings")
_apps: list = []


@pytest.fixture(autouse=True)
def _close_databases():
    """Close every app's connections after each test, so none outlives its database."""
    yield
    while _apps:
        app = _apps.pop()
        with app.app_context():
            db.engine.dispose()


def make_app(tmp_path: Path, questions_dir: Path | None = None, **config):
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-not-for-production",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",  # tests check logins, not hash strength
        "SQLALCHEMY_DATABASE_URI": fresh_database_url(tmp_path),
        "QUESTIONS_DIR": str(questions_dir or ROOT / "questions"),
        "TASK_QUEUE_IMMEDIATE": True,  # jobs run in the request that queues them
    }
    settings.update(config)
    app = create_app(settings)
    _apps.append(app)
    return app


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory) -> str:
    """A database with the shipped banks loaded by ``flask init``, made once per run: each
    test that needs one gets a copy (a file copy on SQLite, a database made from it as a
    template on PostgreSQL) rather than loading the banks again."""
    folder = tmp_path_factory.mktemp("seeded")
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-not-for-production",
                      "SQLALCHEMY_DATABASE_URI": fresh_database_url(folder),
                      "QUESTIONS_DIR": str(ROOT / "questions")})
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        url = db.engine.url.render_as_string(hide_password=False)
        db.engine.dispose()
    return url


def copy_of(url: str, tmp_path: Path) -> str:
    """A new database holding what the database at ``url`` holds."""
    source = make_url(url)
    if not ON_POSTGRES:
        copy = tmp_path / "test.sqlite3"
        shutil.copyfile(source.database, copy)
        return f"sqlite:///{copy}"
    name = f"quiz_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source.database}"'))
    admin.dispose()
    _created.append((SERVER_URL, name))
    return source.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def app(tmp_path, seeded_database):
    """An app on a fresh database with the shipped banks loaded (as ``flask init`` does)."""
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=copy_of(seeded_database, tmp_path))
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


def without_csrf_tokens(html: str) -> str:
    """A page without its CSRF token fields: tokens are signed with the time, so two
    requests of the same page a second apart differ there and nowhere else."""
    return re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token"', html)


def add_user(app, name: str, password: str = "correct horse", role: str = "learner") -> None:
    with app.app_context():
        create_user(name, password, role)
        db.session.commit()


def log_in(client, name: str, password: str = "correct horse"):
    page = client.get("/login")
    return client.post("/login", data={"username": name, "password": password,
                                       "csrf_token": csrf_token(page.text)})


def signed_in(app, name: str, role: str = "learner"):
    """A test client logged in as a new user ``name`` with ``role``."""
    add_user(app, name, role=role)
    client = app.test_client()
    log_in(client, name)
    return client


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


@pytest.fixture
def people(typed_app):
    """Signed-in clients of the typed app: learners ann and bob, and a teacher."""
    add_user(typed_app, "ann")
    add_user(typed_app, "bob")
    add_user(typed_app, "teacher", role="instructor")
    clients = {}
    for name in ("ann", "bob", "teacher"):
        clients[name] = typed_app.test_client()
        log_in(clients[name], name)
    return clients
