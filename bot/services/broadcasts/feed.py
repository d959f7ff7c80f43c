"""Recipients into the outbox, batch by batch, each batch in its own unit of work.

A batch adds the recipients' rows and moves the broadcast's cursor in one commit: a restart goes on
after the last committed batch, so no one is queued twice and no one is skipped. Small batches keep
each write short, so citizens' own updates are never held up behind a 10,000-recipient broadcast.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.broadcasts import audience
from bot.services.broadcasts.filters import Filters
from bot.services.broadcasts.states import BLOCKED_SKIP, ENQUEUING, KIND, PRIORITY, SENDING
from bot.services.outbox import enqueue
from storage.models import Broadcast, BroadcastRecipient, OutboxMessage

BATCH = 200  # a short write each: citizens never wait long for the database


async def feed_batch(session: AsyncSession, broadcast_id: int, now: datetime, size: int = BATCH) -> bool:
    """Enqueue the next batch of an enqueuing broadcast; True while more may follow."""
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is None or broadcast.status != ENQUEUING:
        return False
    filters, cursor = Filters.from_json(broadcast.audience), broadcast.cursor
    members = await audience.batch(session, filters, cursor, broadcast.last_citizen_id, size)
    # The reads above take no lock (SQLite begins the write transaction at the first write). This
    # update takes it, and checks nothing moved meanwhile: a stop that came first wins, and a stop
    # that comes later waits for this batch, whose rows it then cancels.
    result = await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status == ENQUEUING, Broadcast.cursor == cursor)
        .values(cursor=cursor)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], result).rowcount != 1:
        return False
    queued: list[tuple[audience.Member, OutboxMessage | None]] = []
    for member in members:
        row = None
        if not member.blocked:
            payload = {"b": broadcast_id, "c": member.citizen_id, "l": member.language}
            row = await enqueue(
                session, chat_id=member.chat_id, kind=KIND, payload=payload, priority=PRIORITY,
                held=member.held, now=now,
            )  # fmt: skip
        queued.append((member, row))
    await session.flush()
    session.add_all(
        BroadcastRecipient(
            broadcast_id=broadcast_id,
            citizen_id=member.citizen_id,
            language=member.language,
            outbox_id=row.id if row is not None else None,
            skipped=BLOCKED_SKIP if row is None else None,
        )
        for member, row in queued
    )
    if members:
        broadcast.cursor = members[-1].citizen_id
    if len(members) < size:
        await session.flush()
        broadcast.status = SENDING
        broadcast.total = await recipients(session, broadcast_id)
        return False
    return True


async def recipients(session: AsyncSession, broadcast_id: int) -> int:
    query = select(func.count()).where(BroadcastRecipient.broadcast_id == broadcast_id)
    return int(await session.scalar(query) or 0)
