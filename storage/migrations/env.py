"""Alembic environment: run with the connection `storage.migrate` hands in, or a URL for autogenerate."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from storage.models import Base

config = context.config
target_metadata = Base.metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_on(url: str) -> None:
    """The bot's own async drivers (sqlite+aiosqlite://, postgresql+asyncpg://): no other is installed."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(run)
    finally:
        await engine.dispose()


given = config.attributes.get("connection")
if given is not None:
    run(given)
else:
    asyncio.run(run_on(config.get_main_option("sqlalchemy.url") or ""))
