"""sos_alerts: every SOS of a case is an alert of its own; several answers to "how are you now"

Each SOS gets a row, posted, repeated and escalated until an officer acknowledges it. The reports'
alerted_at and escalated_at (one SOS a case) move there: an SOS report not yet acknowledged becomes
one open alert, carried by its card. `safety` grows to hold several answers, comma-separated.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sos_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('raised_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('alerted_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('escalated_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sos_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sos_alerts_acknowledged_at'), ['acknowledged_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sos_alerts_report_id'), ['report_id'], unique=False)

    # an SOS still waiting for an officer stays one: carried by its card, repeated from where it was
    op.execute(
        "INSERT INTO sos_alerts (report_id, raised_at, message_id, alerted_at, escalated_at)"
        " SELECT id, created_at, card_message_id,"
        " CASE WHEN card_message_id IS NOT NULL THEN COALESCE(alerted_at, created_at) END, escalated_at"
        " FROM reports"
        " WHERE sos AND acknowledged_at IS NULL"
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_column('alerted_at')
        batch_op.drop_column('escalated_at')
        batch_op.alter_column('safety', existing_type=sa.String(length=24), type_=sa.String(length=64),
                              existing_nullable=True)


def downgrade() -> None:
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.alter_column('safety', existing_type=sa.String(length=64), type_=sa.String(length=24),
                              existing_nullable=True)
        batch_op.add_column(sa.Column('escalated_at', storage.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('alerted_at', storage.models.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('sos_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sos_alerts_report_id'))
        batch_op.drop_index(batch_op.f('ix_sos_alerts_acknowledged_at'))
    op.drop_table('sos_alerts')
