"""Alembic migrations run from Python: `hotline db upgrade`, and the embedded default on start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str = "") -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def _upgrade(connection: Connection) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


async def upgrade(engine: AsyncEngine) -> None:
    """Bring the database to the newest schema (idempotent)."""
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade)


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
