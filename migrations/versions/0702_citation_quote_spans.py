"""citation quote spans: where each quote is in the paragraph text it was checked against

A review marks a quote by slicing the paragraph's text at the span stored with the
citation, found once when the citation is written; this fills the span of every
citation written before.

Revision ID: 0702
Revises: 0701
Create Date: 2026-11-30 21:00:00

"""
import sqlalchemy as sa
from alembic import op

from quiz.textmatch import find_quote

revision = '0702'
down_revision = '0701'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('citation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quote_start', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('quote_end', sa.Integer(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT citation.id, citation.quote, citation.paragraph_text, paragraph.text "
        "FROM citation JOIN paragraph ON paragraph.id = citation.paragraph_id")).all()
    spans = []
    for citation_id, quote, snapshot, current in rows:
        span = find_quote(snapshot or current, quote)
        if span is not None:
            spans.append({"id": citation_id, "start": span[0], "end": span[1]})
    if spans:
        connection.execute(sa.text("UPDATE citation SET quote_start = :start, "
                                   "quote_end = :end WHERE id = :id"), spans)


def downgrade():
    with op.batch_alter_table('citation', schema=None) as batch_op:
        batch_op.drop_column('quote_end')
        batch_op.drop_column('quote_start')
