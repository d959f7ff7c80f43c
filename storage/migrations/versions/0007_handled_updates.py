"""conversations.handled_updates: the update ids a chat has handled, out of message_ids["seen"]

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 22:10:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONVERSATIONS = sa.table(
    'conversations',
    sa.column('chat_id', sa.BigInteger()),
    sa.column('message_ids', sa.JSON()),
    sa.column('handled_updates', sa.JSON()),
)


def upgrade() -> None:
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handled_updates', sa.JSON(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.select(CONVERSATIONS.c.chat_id, CONVERSATIONS.c.message_ids)).all()
    for chat_id, message_ids in rows:
        ids: dict[str, Any] = dict(message_ids or {})
        handled = [i for i in ids.pop('seen', []) if isinstance(i, int)]
        conn.execute(
            sa.update(CONVERSATIONS)
            .where(CONVERSATIONS.c.chat_id == chat_id)
            .values(handled_updates=handled, message_ids=ids)
        )
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.alter_column('handled_updates', existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(CONVERSATIONS.c.chat_id, CONVERSATIONS.c.message_ids, CONVERSATIONS.c.handled_updates)
    ).all()
    for chat_id, message_ids, handled in rows:
        conn.execute(
            sa.update(CONVERSATIONS)
            .where(CONVERSATIONS.c.chat_id == chat_id)
            .values(message_ids={**(message_ids or {}), 'seen': list(handled or [])})
        )
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_column('handled_updates')
