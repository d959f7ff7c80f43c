"""The migrations build exactly the schema the models describe, and run twice without harm."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from storage.db import make_engine
from storage.migrate import ensure_schema, upgrade
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
