"""The way home: the questions after a report, stages, flights, passengers, daily sitreps

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 03:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.encrypted
import storage.models

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('flights',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('departs_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('carrier', sa.String(length=64), nullable=False),
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('origin', sa.String(length=64), nullable=False),
    sa.Column('destination', sa.String(length=64), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('meet_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('meet_place', sa.Text(), nullable=True),
    sa.Column('bring', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_by', sa.BigInteger(), nullable=False),
    sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('departed_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('flights', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flights_departs_at'), ['departs_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_flights_status'), ['status'], unique=False)

    op.create_table('sitreps',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('made_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('posted_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('day')
    )
    op.create_table('flight_passengers',
    sa.Column('flight_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('added_by', sa.BigInteger(), nullable=False),
    sa.Column('added_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('removed_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('told_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answer', sa.String(length=12), nullable=True),
    sa.Column('answered_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('token_nonce', sa.String(length=32), nullable=True),
    sa.Column('boarded_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('boarded_by', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['flight_id'], ['flights.id'], ),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], ),
    sa.PrimaryKeyConstraint('flight_id', 'report_id')
    )
    with op.batch_alter_table('flight_passengers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flight_passengers_report_id'), ['report_id'], unique=False)

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('going_home', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('home_city', storage.encrypted.EncryptedText(), nullable=True))
        batch_op.add_column(sa.Column('medical', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('documents_held', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('sex', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('children', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('stage', sa.String(length=24), nullable=False, server_default='reported'))
        batch_op.add_column(sa.Column('stage_at', storage.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('journey', storage.encrypted.EncryptedJSON(), nullable=True))
        batch_op.add_column(sa.Column('flight_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_reports_flight_id'), ['flight_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_stage'), ['stage'], unique=False)
        batch_op.create_foreign_key('fk_reports_flight_id_flights', 'flights', ['flight_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint('fk_reports_flight_id_flights', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_reports_stage'))
        batch_op.drop_index(batch_op.f('ix_reports_flight_id'))
        batch_op.drop_column('flight_id')
        batch_op.drop_column('journey')
        batch_op.drop_column('stage_at')
        batch_op.drop_column('stage')
        batch_op.drop_column('children')
        batch_op.drop_column('sex')
        batch_op.drop_column('documents_held')
        batch_op.drop_column('medical')
        batch_op.drop_column('home_city')
        batch_op.drop_column('going_home')

    with op.batch_alter_table('flight_passengers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flight_passengers_report_id'))

    op.drop_table('flight_passengers')
    op.drop_table('sitreps')
    with op.batch_alter_table('flights', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flights_status'))
        batch_op.drop_index(batch_op.f('ix_flights_departs_at'))

    op.drop_table('flights')
