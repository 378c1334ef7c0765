"""The schema comes from migrations: an old database upgrades to the latest, data intact."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect, text

from quiz.database import MIGRATIONS, upgrade_schema
from quiz.extensions import db
from tests.conftest import make_app

ADD_USER = text('INSERT INTO "user" (username, password_hash, role, demo, created_at) '
                "VALUES (:name, 'x', 'learner', false, '2026-01-01')")
USERNAMES = text('SELECT username FROM "user"')


def test_a_database_from_the_first_migration_upgrades_to_the_models(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0001")
        with db.engine.begin() as connection:
            connection.execute(ADD_USER, {"name": "old"})
        upgrade_schema()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
            assert differences == []
            assert connection.execute(USERNAMES).scalar_one() == "old"
        db.engine.dispose()


def test_a_database_made_before_migrations_is_adopted_not_recreated(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0001")
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE alembic_version"))
            connection.execute(ADD_USER, {"name": "kept"})
        upgrade_schema()
        assert "alembic_version" in inspect(db.engine).get_table_names()
        with db.engine.connect() as connection:
            assert connection.execute(USERNAMES).scalar_one() == "kept"
        db.engine.dispose()
