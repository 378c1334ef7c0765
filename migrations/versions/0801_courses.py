"""courses: classes with their instructors and learners; documents and quizzes in one

Every existing document and quiz moves into a default open course (code "open"), which
every existing account joins: learners as learners, instructors as its instructors. So
nothing anyone saw before the upgrade disappears, and new registrations keep joining it.

Revision ID: 0801
Revises: 0703
Create Date: 2026-11-30 23:30:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = '0801'
down_revision = '0703'
branch_labels = None
depends_on = None

DEFAULT_COURSE = "open"
user = sa.table("user", sa.column("id", sa.Integer), sa.column("role", sa.String))
course = sa.table("course", sa.column("id", sa.Integer), sa.column("code", sa.String),
                  sa.column("title", sa.String), sa.column("enrolment_code", sa.String),
                  sa.column("open", sa.Boolean), sa.column("created_at", sa.DateTime))
member = sa.table("course_member", sa.column("course_id", sa.Integer),
                  sa.column("user_id", sa.Integer), sa.column("role", sa.String),
                  sa.column("joined_at", sa.DateTime))


def _enrolment_code():
    """As quiz.courses.new_enrolment_code makes them (lower case: codes are read so)."""
    return "".join(secrets.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(10))


def upgrade():
    op.create_table(
        'course',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('enrolment_code', sa.String(length=40), nullable=False),
        sa.Column('open', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code'),
        sa.UniqueConstraint('enrolment_code'),
    )
    op.create_table(
        'course_member',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('joined_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['course_id'], ['course.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('course_id', 'user_id'),
    )
    op.create_index('ix_course_member_user_id', 'course_member', ['user_id'])
    # Plain ADD COLUMN (see 0703: a batch copy of "user" would cascade-delete sessions).
    op.add_column('user', sa.Column('display_name', sa.String(length=100), server_default='',
                                    nullable=False))

    connection = op.get_bind()
    now = sa.func.current_timestamp()
    connection.execute(course.insert().values(
        code=DEFAULT_COURSE, title="Open course", enrolment_code=_enrolment_code(),
        open=True, created_at=now))
    default_id = connection.execute(
        sa.select(course.c.id).where(course.c.code == DEFAULT_COURSE)).scalar_one()
    connection.execute(member.insert().from_select(
        ["course_id", "user_id", "role", "joined_at"],
        sa.select(sa.literal(default_id), user.c.id,
                  sa.case((user.c.role == "learner", "learner"), else_="instructor"), now)))

    # Nullable in the schema, never null in the data: SQLite adds a NOT NULL reference
    # to a table with rows only by copying the table, and dropping the original breaks
    # the foreign keys of every row that references it (paragraphs, attempts). Every
    # INSERT fills it (the models' default is the default course).
    for table in ('document', 'quiz'):
        if connection.dialect.name == "sqlite":  # (Alembic adds the reference separately)
            op.execute(f"ALTER TABLE {table} ADD COLUMN course_id INTEGER REFERENCES course (id)")
        else:
            op.add_column(table, sa.Column('course_id', sa.Integer(), nullable=True))
            op.create_foreign_key(f'fk_{table}_course_id', table, 'course', ['course_id'], ['id'])
        op.execute(sa.text(f"UPDATE {table} SET course_id = :id").bindparams(id=default_id))
        op.create_index(f'ix_{table}_course_id', table, ['course_id'])


def downgrade():
    # (On SQLite, dropping a column that references another table needs SQLite 3.35 and
    # no reference: the course columns stay there, unused.)
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in ('quiz', 'document'):
        op.drop_index(f'ix_{table}_course_id', table_name=table)
        if not sqlite:
            op.drop_constraint(f'fk_{table}_course_id', table, type_='foreignkey')
            op.drop_column(table, 'course_id')
    op.drop_column('user', 'display_name')
    op.drop_index('ix_course_member_user_id', table_name='course_member')
    op.drop_table('course_member')
    if sqlite:
        op.execute("DELETE FROM course WHERE id NOT IN (SELECT course_id FROM document "
                   "UNION SELECT course_id FROM quiz)")
    else:
        op.drop_table('course')
