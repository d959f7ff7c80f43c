"""Engine and session factory, built in main() and passed in; one unit of work per update."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects import registry
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from storage.crypto import Keyring
from storage.encrypted import attach
from storage.files import private_parent
from storage.keyfile import file_keyring


def make_engine(url: str, keyring: Keyring | None = None) -> AsyncEngine:
    """The engine, with the keyring its personal values are encrypted with (storage.encrypted).

    Without a keyring, the database's key file is used (made on first use: storage.keyfile)."""
    kwargs: dict[str, Any] = {}
    target: Any = url
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[-1]
        if path and path != ":memory:":
            _private_file(Path(path))
        kwargs["connect_args"] = {"timeout": 30}
        registry.register("sqlite.inloop", "storage.inloop", "InLoopSQLiteDialect")
        target = make_url(url).set(drivername="sqlite+inloop")  # in the loop's thread: storage.inloop
    engine = create_async_engine(target, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    attach(engine, keyring if keyring is not None else file_keyring(url))
    return engine


def _private_file(path: Path) -> None:
    """The database file and the folders made for it, for their owner alone (0600, 0700): who
    reported, and their status, are not for other users of the machine. (SQLite gives its -wal and
    -shm files the database file's permissions.)"""
    private_parent(path)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA secure_delete=ON")  # erased values are overwritten, not left in free pages
    cur.close()


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
