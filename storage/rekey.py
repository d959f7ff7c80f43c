"""Which data keys a database was written with, and re-encrypting it under a new one.

`check_keys` runs at every start: a keyring that lacks a key the database holds values under stops
the start with one sentence (a wrong HOTLINE_DATA_KEY or key file), and the first key is recorded.
`reencrypt` rewrites, in batches, every value not under the first key, with its lookup hashes; it
reads and writes raw ciphertext, so it is safe to run again after an interruption, and a row the bot
changed meanwhile is simply looked at again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    LargeBinary,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    type_coerce,
)
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.elements import ColumnElement

from storage.crypto import DataKeyError, Keyring, key_id_of
from storage.encrypted import Encrypted, EncryptedText, keyring_of
from storage.keyfile import announce_key_file
from storage.models import LOOKUPS, Base, DataKeyUse

Progress = Callable[[str, str, int, int], None]  # phase, table, rows looked at, rows in the table


@dataclass(frozen=True, slots=True)
class Target:
    table: Table
    key: Column[Any]
    columns: tuple[Column[Any], ...]


def targets() -> list[Target]:
    """Every table with encrypted columns, with its (single-column) primary key."""
    found = []
    for table in Base.metadata.sorted_tables:
        columns = tuple(c for c in table.columns if isinstance(c.type, Encrypted))
        if columns:
            (key,) = table.primary_key.columns
            found.append(Target(table, key, columns))
    return found


async def check_keys(engine: AsyncEngine) -> None:
    """Stop with one sentence if the keyring cannot read this database; record its first key."""
    keyring = keyring_of(engine.sync_engine.dialect)
    async with engine.begin() as conn:
        held = set((await conn.scalars(select(DataKeyUse.key_id))).all())
        missing = sorted(held - set(keyring.ids))
        if missing and keyring.made_file is not None:
            keyring.made_file.unlink(missing_ok=True)  # made for nothing: leave no key that reads nothing
            raise DataKeyError(
                f"The key file {keyring.made_file} is missing, and this database holds values under key "
                f"{missing[0]}: put the key file back from your backup (or set HOTLINE_DATA_KEY). "
                "Nothing was changed."
            )
        if keyring.made_file is not None:  # a new key for a new database: now it must be kept safe
            announce_key_file(keyring.made_file)
            keyring.made_file = None
        if missing:
            raise DataKeyError(
                f"The data key is wrong: this database holds values under key {missing[0]}, "
                f"which {keyring.source} does not hold; give the key it was written with."
            )
        if keyring.primary.id not in held:
            await conn.execute(
                insert(DataKeyUse).values(key_id=keyring.primary.id, added_at=datetime.now(UTC))
            )


def _raw(column: Column[Any]) -> ColumnElement[Any]:
    """The column's stored bytes, not decrypted."""
    return type_coerce(column, LargeBinary())


def _rewrite(keyring: Keyring, target: Target, row: Any) -> dict[str, Any] | None:
    """The new raw values of a row not wholly under the first key, with its hashes; else None."""
    first = keyring.primary.id
    old = {c.name: row._mapping[c.name] for c in target.columns}
    if all(v is None or key_id_of(bytes(v)) == first for v in old.values()):
        return None
    new: dict[str, Any] = {}
    plain: dict[str, bytes | None] = {}
    for name, value in old.items():
        if value is None:
            new[name] = plain[name] = None
            continue
        plain[name] = keyring.decrypt(bytes(value))
        new[name] = keyring.encrypt(plain[name] or b"")
    if target.table.name == "reports":
        text = EncryptedText()
        for kind, field, column in LOOKUPS:
            value = plain.get(field)
            new[column] = keyring.lookup(kind, text.decode(value) if value is not None else None)
    return new


async def reencrypt(
    engine: AsyncEngine, batch: int = 500, progress: Progress | None = None, passes: int = 4
) -> int:
    """Put every encrypted value under the keyring's first key; returns how many rows were rewritten.

    Passes go on until one finds nothing left under another key (the second pass normally only
    checks); then the other keys are forgotten by the database. A bot still writing under an old
    key keeps the passes from settling: that ends with one sentence, nothing is lost."""
    await check_keys(engine)
    rewritten = 0
    for number in range(passes):
        phase = "re-encrypting" if number == 0 else "checking"
        left = 0
        for target in targets():
            done, found = await _table(engine, target, batch, phase, progress)
            rewritten += done
            left += found
        if left == 0:
            keyring = keyring_of(engine.sync_engine.dialect)
            async with engine.begin() as conn:
                await conn.execute(delete(DataKeyUse).where(DataKeyUse.key_id != keyring.primary.id))
            return rewritten
    raise DataKeyError(
        "Values are still being written under an old key: stop the bot, or start it with the new key "
        "first, then run the rotation again (nothing is lost)."
    )


async def _table(
    engine: AsyncEngine, target: Target, batch: int, phase: str, progress: Progress | None
) -> tuple[int, int]:
    """One pass over a table: (rows rewritten, rows found not under the first key)."""
    keyring = keyring_of(engine.sync_engine.dialect)
    async with engine.connect() as conn:
        total = int(await conn.scalar(select(func.count()).select_from(target.table)) or 0)
    seen, after, rewritten, found = 0, None, 0, 0
    while True:
        async with engine.begin() as conn:
            done, needed, after, count = await conn.run_sync(_batch, keyring, target, after, batch)
        rewritten, found, seen = rewritten + done, found + needed, seen + count
        if progress is not None:
            progress(phase, target.table.name, min(seen, total), total)
        if count < batch:
            return rewritten, found


def _batch(
    conn: Connection, keyring: Keyring, target: Target, after: Any, size: int
) -> tuple[int, int, Any, int]:
    """Rows after primary key `after`: (rewritten, found not under the first key, the last key, read).

    A row is only written if its ciphertexts are still those read: what the bot wrote meanwhile is
    not overwritten (it is under the first key already, or the next run takes it)."""
    query = select(target.key, *(_raw(c).label(c.name) for c in target.columns))
    if after is not None:
        query = query.where(target.key > after)
    rows = conn.execute(query.order_by(target.key).limit(size)).all()
    done = needed = 0
    for row in rows:
        new = _rewrite(keyring, target, row)
        if new is None:
            continue
        needed += 1
        same = [
            _raw(c).is_not_distinct_from(bindparam(f"old_{c.name}", row._mapping[c.name], LargeBinary()))
            for c in target.columns
        ]
        values = {name: bindparam(f"new_{name}", value, _type(target, name)) for name, value in new.items()}
        result = conn.execute(target.table.update().where(target.key == row[0], *same).values(values))
        done += result.rowcount
    return done, needed, (rows[-1][0] if rows else after), len(rows)


def _type(target: Target, name: str) -> Any:
    column = target.table.columns[name]
    return LargeBinary() if isinstance(column.type, Encrypted) else column.type
