"""response flags: a learner marks a question of an open attempt to come back to

Revision ID: 0804
Revises: 0803
Create Date: 2026-11-30 23:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0804'
down_revision = '0803'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('response', sa.Column('flagged', sa.Boolean(), server_default=sa.false(),
                                        nullable=False))


def downgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('flagged')
