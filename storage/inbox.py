"""The inbox's queries (bot.services.inbox says when they run). Core statements: every update pays them."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.models import InboxUpdate

_INBOX = cast(Table, InboxUpdate.__table__)


async def put(conn: AsyncConnection, updates: list[tuple[int, dict[str, Any]]], at: datetime) -> None:
    """Keep these updates (id, body); one already kept (Telegram sending it again) stays as it is."""
    if not updates:
        return
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    rows = [{"update_id": uid, "body": body, "received_at": at, "attempts": 0} for uid, body in updates]
    await conn.execute(insert(_INBOX).on_conflict_do_nothing(index_elements=["update_id"]), rows)


async def drop(conn: AsyncConnection, update_ids: Collection[int]) -> None:
    if update_ids:
        await conn.execute(delete(_INBOX).where(_INBOX.c.update_id.in_(list(update_ids))))


async def failed(conn: AsyncConnection, update_id: int) -> None:
    await conn.execute(
        update(_INBOX).where(_INBOX.c.update_id == update_id).values(attempts=_INBOX.c.attempts + 1)
    )


async def kept(
    conn: AsyncConnection, received_before: datetime, exclude: Collection[int], attempts: int, limit: int
) -> list[dict[str, Any]]:
    """The bodies of the updates kept since before `received_before` whose handling failed fewer than
    `attempts` times, oldest first, but those of `exclude`."""
    query = (
        select(_INBOX.c.body)
        .where(_INBOX.c.received_at < received_before, _INBOX.c.attempts < attempts)
        .order_by(_INBOX.c.update_id)
        .limit(limit)
    )
    if exclude:
        query = query.where(_INBOX.c.update_id.not_in(list(exclude)))
    return [dict(body) for (body,) in await conn.execute(query)]
