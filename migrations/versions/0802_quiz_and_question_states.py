"""quiz states (draft, published, closed, archived), preview attempts, exam-only questions

Revision ID: 0802
Revises: 0801
Create Date: 2026-11-30 23:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0802'
down_revision = '0801'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN with a server default: every existing quiz is published (learners
    # kept taking it), every question keeps its status and is not exam only.
    op.add_column('quiz', sa.Column('state', sa.String(length=20),
                                    server_default='published', nullable=False))
    op.add_column('attempt', sa.Column('preview', sa.Boolean(), server_default=sa.false(),
                                       nullable=False))
    op.add_column('question', sa.Column('exam_only', sa.Boolean(), server_default=sa.false(),
                                        nullable=False))
    # An instructor's attempt was always a trial of the quiz, never a learner's grade.
    op.execute("UPDATE attempt SET preview = true WHERE user_id IN "
               "(SELECT id FROM \"user\" WHERE role = 'instructor')")


def downgrade():
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_column('exam_only')
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_column('preview')
    with op.batch_alter_table('quiz', schema=None) as batch_op:
        batch_op.drop_column('state')
