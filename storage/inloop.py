"""SQLite run in the event loop's own thread: the `sqlite3` module under SQLAlchemy's asyncio layer.

aiosqlite gives each connection a thread and hands every call there and back (execute, fetch,
cursor close, commit: about sixty hand-offs for one citizen's update). SQLite answers our small
statements in microseconds, so under a surge those hand-offs cost the event loop more than the
database does. Here the calls run in place, and SQLAlchemy's asyncio layer (its greenlets) is kept,
so every `AsyncSession` works as before.

The one thing a thread gave for free is waiting: a connection that wants to write while another
holds SQLite's write lock would wait in SQLite's busy handler, inside the event loop, where the
holder can never finish. So each process takes turns *before* SQLite is asked: the first write of a
transaction waits (asynchronously) for the database's writer turn, kept until the commit or the
rollback. Only one connection of the process writes at a time, which is all SQLite allows anyway;
reads never wait (WAL). Another process writing at the same moment (a CLI command) is waited for
by SQLite itself, in the loop: those are short, and rare while the bot runs.
"""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from typing import Any, ClassVar

from sqlalchemy import pool
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL
from sqlalchemy.util import await_only
from sqlalchemy.util.concurrency import in_greenlet

READS = ("SELECT", "PRAGMA", "EXPLAIN")  # the statements that never take SQLite's write lock
WAIT_SECONDS = 30.0  # as long as SQLite's own busy wait: then "database is locked", as before


async def _at_once() -> None:
    """Awaited by a statement that waits for nothing: SQLAlchemy's asyncio layer checks that a
    statement awaited something (an async driver); this costs a greenlet switch, not a loop turn."""


async def _wait_for(lock: asyncio.Lock) -> None:
    async with asyncio.timeout(WAIT_SECONDS):
        await lock.acquire()


class InLoopCursor(sqlite3.Cursor):
    async def _async_soft_close(self) -> None:
        """What SQLAlchemy's asyncio results call on an async driver's cursor: the rows stay."""


class InLoopConnection(sqlite3.Connection):
    def cursor(self, factory: Any = InLoopCursor) -> Any:
        return super().cursor(factory)


class InLoopSQLiteDialect(SQLiteDialect_pysqlite):
    """`sqlite+inloop://` (storage.db makes every SQLite URL one): see the module notes."""

    driver = "inloop"
    is_async = True
    supports_statement_cache = True

    # The writer turns (which connection of the process may write), per event loop and database file.
    # Shared by every engine on a file in the process, as SQLite's own lock is: two engines on one
    # file (a test's and the bot's) must take turns too.
    _turns: ClassVar[weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]]] = (
        weakref.WeakKeyDictionary()
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._path = ""
        self._holding: dict[int, asyncio.Lock] = {}  # id() of a DBAPI connection -> the turn it holds

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        if cls._is_url_file_db(url):
            return pool.AsyncAdaptedQueuePool
        return pool.StaticPool

    def create_connect_args(self, url: URL) -> Any:
        self._path = url.database or ""
        cargs, cparams = super().create_connect_args(url)
        return cargs, {**cparams, "factory": InLoopConnection}

    def _take_turn(self, cursor: Any, statement: str) -> None:
        if not in_greenlet():
            return
        conn = id(cursor.connection)
        if conn in self._holding or statement.lstrip()[:7].upper().startswith(READS):
            await_only(_at_once())
            return
        turns = self._turns.setdefault(asyncio.get_running_loop(), {})
        turn = turns.get(self._path) or turns.setdefault(self._path, asyncio.Lock())
        try:
            await_only(_wait_for(turn))
        except TimeoutError:
            raise self.loaded_dbapi.OperationalError("database is locked") from None
        self._holding[conn] = turn

    def _give_back(self, dbapi_connection: Any) -> None:
        raw = getattr(dbapi_connection, "dbapi_connection", dbapi_connection)  # the pool's proxy, or itself
        turn = self._holding.pop(id(raw), None)
        if turn is not None:
            turn.release()

    def do_execute(self, cursor: Any, statement: str, parameters: Any, context: Any = None) -> None:
        self._take_turn(cursor, statement)
        cursor.execute(statement, parameters)

    def do_execute_no_params(self, cursor: Any, statement: str, context: Any = None) -> None:
        self._take_turn(cursor, statement)
        cursor.execute(statement)

    def do_executemany(self, cursor: Any, statement: str, parameters: Any, context: Any = None) -> None:
        self._take_turn(cursor, statement)
        cursor.executemany(statement, parameters)

    def do_commit(self, dbapi_connection: Any) -> None:
        try:
            super().do_commit(dbapi_connection)  # type: ignore[no-untyped-call]
        finally:
            self._give_back(dbapi_connection)

    def do_rollback(self, dbapi_connection: Any) -> None:
        try:
            super().do_rollback(dbapi_connection)  # type: ignore[no-untyped-call]
        finally:
            self._give_back(dbapi_connection)

    def do_close(self, dbapi_connection: Any) -> None:
        try:
            super().do_close(dbapi_connection)  # type: ignore[no-untyped-call]
        finally:
            self._give_back(dbapi_connection)
