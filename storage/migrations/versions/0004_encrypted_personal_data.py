"""personal data encrypted at rest, lookup hashes, erased_at, data_keys

The columns that hold what a citizen gave become ciphertext (bytes). This migration itself encrypts
the rows already there, with the keyring of the engine that runs it (`hotline db upgrade`, or the
start of the embedded SQLite default); it also fills the lookup hashes and records the key.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 00:40:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import storage.models
from storage.crypto import Keyring, is_ciphertext
from storage.encrypted import keyring_of

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, primary key, {column: its type before})
ENCRYPTED = (
    ("reports", "id", {
        "profile_name": sa.String(length=128), "latitude": sa.Float(), "longitude": sa.Float(),
        "place": sa.Text(), "passport_number": sa.String(length=16), "full_name": sa.String(length=256),
        "birth_date": sa.Date(), "nik": sa.String(length=16), "home_province": sa.String(length=4),
        "phone": sa.String(length=20), "family_contact": sa.Text(), "notes": sa.Text(),
    }),
    ("report_events", "id", {"detail": sa.JSON()}),
    ("conversations", "chat_id", {"data": sa.JSON()}),
    ("outbox", "id", {"payload": sa.JSON()}),
)
NOT_NULL = {"detail", "data", "payload"}
HASHES = (("nik", "nik", "nik_hash"), ("passport", "passport_number", "passport_hash"), ("phone", "phone", "phone_hash"))
BATCH = 500


def _as_text(column: str, before: sa.types.TypeEngine) -> str:
    return column if isinstance(before, (sa.String, sa.Text)) else f"{column}::text"


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table('data_keys',
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('added_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key_id')
    )
    for table, _key, columns in ENCRYPTED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, before in columns.items():
                extra = {"postgresql_using": f"convert_to({_as_text(column, before)}, 'UTF8')"} if postgres else {}
                batch_op.alter_column(
                    column, existing_type=before, type_=sa.LargeBinary(),
                    existing_nullable=column not in NOT_NULL, **extra,
                )
            if table == "reports":
                for _kind, _field, hashed in HASHES:
                    batch_op.add_column(sa.Column(hashed, sa.String(length=64), nullable=True))
                    batch_op.create_index(batch_op.f(f'ix_reports_{hashed}'), [hashed], unique=False)
                batch_op.add_column(sa.Column('erased_at', storage.models.UTCDateTime(timezone=True), nullable=True))
    _encrypt_existing()


def _encrypt_existing() -> None:
    """Encrypt the plaintext the type change left as bytes; fill the reports' lookup hashes."""
    conn = op.get_bind()
    keyring: Keyring | None = None
    for table_name, key, columns in ENCRYPTED:
        hashed = [h for _k, _f, h in HASHES] if table_name == "reports" else []
        table = sa.table(table_name, sa.column(key), *(sa.column(c, sa.LargeBinary()) for c in columns),
                         *(sa.column(h, sa.String()) for h in hashed))
        after = None
        while True:
            query = sa.select(table.c[key], *(table.c[c] for c in columns)).order_by(table.c[key]).limit(BATCH)
            if after is not None:
                query = query.where(table.c[key] > after)
            rows = conn.execute(query).all()
            for row in rows:
                values = {c: row._mapping[c] for c in columns}
                plain = {c: bytes(v) for c, v in values.items() if v is not None and not is_ciphertext(bytes(v))}
                if not plain:
                    continue
                keyring = keyring or keyring_of(conn.dialect)
                new: dict[str, object] = {c: keyring.encrypt(v) for c, v in plain.items()}
                for kind, field, column in HASHES if hashed else ():
                    if field in plain:
                        new[column] = keyring.lookup(kind, plain[field].decode("utf-8"))
                conn.execute(table.update().where(table.c[key] == row[0]).values(new))
            if len(rows) < BATCH:
                break
            after = rows[-1][0]
    if keyring is not None:
        keys = sa.table("data_keys", sa.column("key_id"), sa.column("added_at", storage.models.UTCDateTime()))
        conn.execute(keys.insert().values(key_id=keyring.primary.id, added_at=datetime.now(UTC)))


def downgrade() -> None:
    """Back to plaintext columns: the values are decrypted first (the data key is needed)."""
    conn = op.get_bind()
    postgres = conn.dialect.name == "postgresql"
    for table_name, key, columns in ENCRYPTED:
        table = sa.table(table_name, sa.column(key), *(sa.column(c, sa.LargeBinary()) for c in columns))
        rows = conn.execute(sa.select(table.c[key], *(table.c[c] for c in columns))).all()
        for row in rows:
            cipher = {c: bytes(v) for c in columns if (v := row._mapping[c]) is not None and is_ciphertext(bytes(v))}
            if cipher:
                keyring = keyring_of(conn.dialect)
                conn.execute(table.update().where(table.c[key] == row[0])
                             .values({c: keyring.decrypt(v) for c, v in cipher.items()}))
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            if table_name == "reports":
                batch_op.drop_column('erased_at')
                for _kind, _field, hashed in HASHES:
                    batch_op.drop_index(batch_op.f(f'ix_reports_{hashed}'))
                    batch_op.drop_column(hashed)
            for column, before in columns.items():
                target = before.compile(dialect=conn.dialect)
                extra = {"postgresql_using": f"convert_from({column}, 'UTF8')::{target}"} if postgres else {}
                batch_op.alter_column(
                    column, existing_type=sa.LargeBinary(), type_=before,
                    existing_nullable=column not in NOT_NULL, **extra,
                )
    op.drop_table('data_keys')
