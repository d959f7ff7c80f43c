"""The migrations build exactly the schema the models describe, and run twice without harm."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from storage.db import make_engine
from storage.migrate import alembic_config, ensure_schema, upgrade
from storage.models import Base
from tests.support.databases import database_url


def differences(connection: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


async def test_migrations_match_the_models(tmp_path: Path) -> None:
    engine = make_engine(database_url(tmp_path, "m"))
    try:
        await upgrade(engine)
        await upgrade(engine)
        await ensure_schema(engine, embedded=False)  # at head: no complaint
        async with engine.connect() as conn:
            assert await conn.run_sync(differences) == []
    finally:
        await engine.dispose()


def _to(connection: Connection, revision: str, down: bool = False) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    (command.downgrade if down else command.upgrade)(cfg, revision)


async def test_the_handled_update_ids_move_out_of_message_ids_and_back(tmp_path: Path) -> None:
    """0007: a chat's handled update ids leave `message_ids` for a column of their own; nothing is
    lost either way, so a retry after the upgrade is still taken for one."""
    engine = make_engine(database_url(tmp_path, "seen"))
    columns = ("chat_id", "step", "data", "message_ids", "updated_at")
    chats = sa.table(
        "conversations", *(sa.column(c, sa.JSON() if c == "message_ids" else None) for c in columns)
    )
    old = {"ids": [[7, 1764720000]], "seen": [40, 41]}
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_to, "0006")
            at = datetime(2026, 12, 3, tzinfo=UTC)
            chat = {"chat_id": 5, "step": "new", "data": b"", "message_ids": old, "updated_at": at}
            await conn.execute(sa.insert(chats), [chat])
            await conn.run_sync(_to, "0007")
            moved = sa.text("SELECT message_ids, handled_updates FROM conversations")
            row = (await conn.execute(moved)).one()
            assert [json_of(v) for v in row] == [{"ids": [[7, 1764720000]]}, [40, 41]]
            await conn.run_sync(_to, "0006", True)
            assert (await conn.execute(sa.select(chats.c.message_ids))).scalar_one() == old
    finally:
        await engine.dispose()


def json_of(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value
