"""Alembic migrations run from Python: `hotline db upgrade`, and the embedded default on start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.rekey import check_keys

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str = "") -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def _upgrade(connection: Connection) -> bool:
    """Upgrade to the newest schema; True when some migration ran."""
    from alembic.runtime.migration import MigrationContext

    before = MigrationContext.configure(connection).get_current_revision()
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")
    return MigrationContext.configure(connection).get_current_revision() != before


async def upgrade(engine: AsyncEngine) -> None:
    """Bring the database to the newest schema (idempotent), and check the data key opens it.

    On SQLite, foreign keys are off while migrating: a migration that rebuilds a table others refer
    to (batch mode) could not drop the old one otherwise; the pragma only acts outside a transaction.
    After a migration, the write-ahead log is emptied into the file: the rows a migration rewrote
    (plaintext encrypted by 0004) do not stay behind in it."""
    async with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        migrated = False
        if sqlite:
            await conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            await conn.commit()
        try:
            async with conn.begin():
                migrated = await conn.run_sync(_upgrade)
        finally:
            if sqlite:
                await conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                await conn.commit()
        if sqlite and migrated:
            await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            await conn.commit()
    await check_keys(engine)


def _current(connection: Connection) -> tuple[str | None, str | None]:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    return MigrationContext.configure(connection).get_current_revision(), head


class SchemaOutdated(Exception):
    pass


async def ensure_schema(engine: AsyncEngine, embedded: bool) -> None:
    """The embedded SQLite default upgrades itself; a server database must be upgraded on purpose."""
    if embedded:
        await upgrade(engine)
        return
    async with engine.connect() as conn:
        current, head = await conn.run_sync(_current)
    if current != head:
        raise SchemaOutdated(f"The database schema is at {current}, not {head}: run `hotline db upgrade`.")
    await check_keys(engine)
