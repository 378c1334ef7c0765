"""attempt lifecycle: deadlines follow the quiz's settings; answer fields are tokens

An attempt's deadline is now computed from its quiz's current time limit and closing
date, so the column that froze it at the start goes. Attempts still open get field
tokens in their layouts: their pages named choices, items and options by their index in
the bank, which told the answer.

Revision ID: 0701
Revises: 0601
Create Date: 2026-11-30 20:30:00

"""
import json
import secrets

import sqlalchemy as sa
from alembic import op

revision = '0701'
down_revision = '0601'
branch_labels = None
depends_on = None


def _tokens(count):
    tokens = []
    while len(tokens) < count:
        token = secrets.token_hex(5)
        if token not in tokens:
            tokens.append(token)
    return tokens


def _with_tokens(kind, data, layout):
    """The layout with the tokens the question type's pages now name their fields by
    (as the types lay out new attempts, frozen here)."""
    if kind in ("single_choice", "multiple_response"):
        return dict(layout, tokens=_tokens(len(data["choices"])))
    if kind == "ordering":
        return dict(layout, tokens=_tokens(len(data["items"])))
    if kind == "matching":
        return dict(layout, left_tokens=_tokens(len(data["lefts"])),
                    right_tokens=_tokens(len(data["rights"])))
    return layout


def upgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_column('deadline')

    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT response.id, response.layout, question_version.type, question_version.data "
        "FROM response JOIN attempt ON attempt.id = response.attempt_id "
        "JOIN question_version ON question_version.id = response.version_id "
        "WHERE attempt.state = 'in_progress'")).all()
    for response_id, layout, kind, data in rows:
        layout = json.loads(layout) if isinstance(layout, str) else layout
        data = json.loads(data) if isinstance(data, str) else data
        changed = _with_tokens(kind, data, layout or {})
        if changed != layout:
            connection.execute(sa.text("UPDATE response SET layout = :layout WHERE id = :id"),
                               {"layout": json.dumps(changed), "id": response_id})


def downgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline', sa.DateTime(), nullable=True))
