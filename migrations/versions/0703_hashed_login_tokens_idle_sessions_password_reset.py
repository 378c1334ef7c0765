"""accounts: login tokens stored hashed, idle sessions, passwords changed at next login

Revision ID: 0703
Revises: 0702
Create Date: 2026-11-30 20:30:00

"""
import hashlib

import sqlalchemy as sa
from alembic import op

revision = '0703'
down_revision = '0702'
branch_labels = None
depends_on = None

login_session = sa.table("login_session", sa.column("token", sa.String))


def upgrade():
    # Plain ADD COLUMN, not a batch copy: on SQLite a batch copy of "user" drops the old
    # table, and with foreign keys on that deletes every login session by cascade.
    op.add_column('user', sa.Column('must_change_password', sa.Boolean(),
                                    server_default=sa.false(), nullable=False))
    op.add_column('login_session', sa.Column('last_seen_at', sa.DateTime(), nullable=True))
    op.execute("UPDATE login_session SET last_seen_at = created_at")
    # Tokens were stored as the cookies carry them; now only their SHA-256 is. Browsers
    # keep their cookies: the app hashes what they send.
    connection = op.get_bind()
    for (token,) in connection.execute(sa.select(login_session.c.token)).all():
        connection.execute(
            login_session.update().where(login_session.c.token == token)
            .values(token=hashlib.sha256(token.encode()).hexdigest()))


def downgrade():
    # A hash cannot be turned back into a token: every login ends.
    op.execute("DELETE FROM login_session")
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.drop_column('last_seen_at')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
