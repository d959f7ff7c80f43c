"""Where a test keeps its data: a SQLite file in its tmp_path by default, or, when
HOTLINE_TEST_DATABASE_URL names a PostgreSQL server, a fresh database of its own on that server.

`database_url(tmp_path, name)` gives the same URL for the same test and name (like the SQLite file).
On PostgreSQL the database is created on first use and its URL is written in a hidden file in
tmp_path; the autouse fixture in tests/conftest.py drops the test's databases when it ends.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import make_engine

SERVER_ENV = "HOTLINE_TEST_DATABASE_URL"
MARKER = ".database-"  # tmp_path/.database-<name> holds the URL of the PostgreSQL database made for it

T = TypeVar("T")


def server_url() -> str | None:
    """The PostgreSQL server the tests run on, or None for SQLite files."""
    return os.environ.get(SERVER_ENV) or None


def on_postgres() -> bool:
    return server_url() is not None


sqlite_only = pytest.mark.skipif(
    on_postgres(), reason="what it checks exists only in an embedded SQLite file (the demo, the default)"
)


def _blocking(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to its end from sync code, even when an event loop runs in this thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


def _on_database(server: str, database: str) -> str:
    return make_url(server).set(drivername="postgresql+asyncpg", database=database).render_as_string(False)


async def _admin(server: str, *statements: str) -> None:
    dsn = make_url(server).set(drivername="postgresql").render_as_string(False)
    conn = await asyncpg.connect(dsn)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


async def create_database(server: str, prefix: str = "hotline_test") -> str:
    """A new empty database on the PostgreSQL server at `server`; its URL."""
    database = f"{prefix}_{uuid.uuid4().hex}"
    await _admin(server, f'CREATE DATABASE "{database}"')
    return _on_database(server, database)


async def drop_database(server: str, url: str) -> None:
    """Drop the database at `url` from the server at `server` (closing what still connects to it)."""
    await _admin(server, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def database_url(tmp_path: Path, name: str) -> str:
    """The database URL of this test's database called `name` (created empty on first use)."""
    server = server_url()
    if server is None:
        return f"sqlite+aiosqlite:///{tmp_path}/{name}.db"
    marker = tmp_path / f"{MARKER}{name}"
    if not marker.exists():
        marker.write_text(_blocking(lambda: create_database(server)))
    return marker.read_text()


def drop_databases(tmp_path: Path) -> None:
    """Drop the PostgreSQL databases made for this test (closing what still connects to them)."""
    server = server_url()
    for marker in tmp_path.glob(f"{MARKER}*"):
        url = marker.read_text()
        if server is not None:
            _blocking(lambda: drop_database(server, url))  # noqa: B023 - run at once
        marker.unlink()


async def follow_ids(session: AsyncSession, *tables: str) -> None:
    """After rows were written with ids of their own: PostgreSQL's id sequences go on after them
    (SQLite takes the largest id plus one by itself)."""
    if (await session.connection()).dialect.name != "postgresql":
        return
    for table in tables:
        sequence = f"pg_get_serial_sequence('{table}', 'id')"
        await session.execute(text(f"SELECT setval({sequence}, max(id)) FROM {table} HAVING count(*) > 0"))


def table_names(url: str) -> set[str]:
    """The tables of the database at `url`, SQLite or PostgreSQL alike."""

    async def read() -> set[str]:
        engine = make_engine(url)
        try:
            async with engine.connect() as conn:
                return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
        finally:
            await engine.dispose()

    return _blocking(read)
