"""job progress time: a running job whose worker stopped is recognised and marked failed

Revision ID: 0805
Revises: 0804
Create Date: 2026-12-01 03:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0805'
down_revision = '0804'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('job', sa.Column('progressed_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_column('progressed_at')
