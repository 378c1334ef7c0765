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


def test_existing_data_moves_into_the_default_open_course(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0703")
        with db.engine.begin() as connection:
            connection.execute(ADD_USER, {"name": "learner1"})
            connection.execute(text(
                'INSERT INTO "user" (username, password_hash, role, demo, created_at) '
                "VALUES ('teacher1', 'x', 'instructor', false, '2026-01-01')"))
            connection.execute(text(
                "INSERT INTO document (slug, title, language, origin, attribution, format, "
                "source_hash, source_text, edition) VALUES "
                "('doc', 'Doc', 'en', '', '', 'text', 'h', '', 1)"))
            connection.execute(text(
                'INSERT INTO quiz (key, document_id, title, description, "select", '
                "shuffle_questions, shuffle_choices, grading_method, time_limit, "
                "attempts_allowed, review) VALUES ('q1', 1, 'Q', '', '{}', true, true, "
                "'highest', 0, 0, 'immediately')"))
            connection.execute(text(
                "INSERT INTO attempt (user_id, quiz_id, seed, state, started_at, max_marks) "
                "VALUES (1, 1, 7, 'in_progress', '2026-01-02', 0)"))
        upgrade_schema()
        with db.engine.connect() as connection:
            course = connection.execute(text(
                "SELECT id, code, open FROM course")).one()
            assert course.code == "open" and course.open
            assert connection.execute(text("SELECT course_id FROM document")).scalar_one() \
                == course.id
            assert connection.execute(text("SELECT course_id FROM quiz")).scalar_one() \
                == course.id
            members = connection.execute(text(
                'SELECT "user".username, course_member.role FROM course_member JOIN "user" '
                'ON "user".id = course_member.user_id WHERE course_member.course_id = :id '
                'ORDER BY "user".username'), {"id": course.id}).all()
            assert [tuple(m) for m in members] == [("learner1", "learner"),
                                                   ("teacher1", "instructor")]
            assert connection.execute(text("SELECT count(*) FROM attempt")).scalar_one() == 1
        db.engine.dispose()


OLD_ROWS = [
    'INSERT INTO "user" (id, username, password_hash, role, demo, created_at, '
    "must_change_password) VALUES (1, 'ann', 'x', 'learner', false, '2026-01-01', false), "
    "(2, 'ines', 'x', 'instructor', false, '2026-01-01', false)",
    "INSERT INTO document (id, slug, title, language, origin, attribution, format, "
    "source_hash, source_text, edition) VALUES (1, 'd', 'D', 'en', '', '', 'text', 'h', '', 1)",
    'INSERT INTO quiz (id, key, document_id, title, description, "select", shuffle_questions, '
    "shuffle_choices, grading_method, time_limit, attempts_allowed, review) VALUES "
    "(1, 'q', 1, 'Q', '', '{\"all\": true}', true, true, 'highest', 0, 0, 'immediately')",
    "INSERT INTO question (id, key, document_id, status, note, position) VALUES "
    "(1, 'a', 1, 'active', '', 1), (2, 'b', 1, 'draft', 'Imported: needs a source.', 2), "
    "(3, 'c', 1, 'retired', '', 3), (4, 'e', 1, 'needs_review', '', 4)",
    "INSERT INTO attempt (id, user_id, quiz_id, seed, state, started_at, max_marks) VALUES "
    "(1, 1, 1, 7, 'finished', '2026-01-02', 1), (2, 2, 1, 8, 'finished', '2026-01-02', 1)",
]


def test_states_migration_publishes_quizzes_keeps_question_status_marks_previews(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0703")
        with db.engine.begin() as connection:
            for statement in OLD_ROWS:
                connection.execute(text(statement))
        upgrade_schema()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT state FROM quiz")).scalar_one() == "published"
            questions = connection.execute(text(
                "SELECT key, status, note, exam_only FROM question ORDER BY id")).all()
            assert [tuple(row) for row in questions] == [
                ("a", "active", "", False), ("b", "draft", "Imported: needs a source.", False),
                ("c", "retired", "", False), ("e", "needs_review", "", False)]
            previews = connection.execute(text(
                "SELECT user_id, preview FROM attempt ORDER BY id")).all()
            assert [tuple(row) for row in previews] == [(1, False), (2, True)]
        db.engine.dispose()
