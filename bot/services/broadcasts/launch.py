"""Starting and stopping a broadcast, inside the caller's unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.broadcasts import audience
from bot.services.broadcasts.filters import Filters
from bot.services.broadcasts.states import ACTIVE, SCHEDULED, STOPPED, STOPPED_ERROR
from bot.services.outbox import FAILED, HELD, PENDING
from storage.models import Broadcast, BroadcastRecipient, OutboxMessage


@dataclass(frozen=True, slots=True)
class Plan:
    """What a staff member confirmed."""

    filters: Filters
    text_id: str | None
    text_en: str | None
    buttons: str
    send_at: datetime | None  # None: now


async def launch(
    session: AsyncSession, plan: Plan, user_id: int, chat_id: int, progress_message_id: int | None,
    now: datetime,
) -> Broadcast:  # fmt: skip
    """The broadcast, scheduled; the worker enqueues its recipients when it is due. The audience is the
    citizens known now who match the filters when their batch is enqueued."""
    counts = await audience.count(session, plan.filters)
    broadcast = Broadcast(
        created_by=user_id,
        chat_id=chat_id,
        audience=plan.filters.to_json(),
        text_id=plan.text_id,
        text_en=plan.text_en,
        buttons=plan.buttons,
        status=SCHEDULED,
        send_at=plan.send_at or now,
        last_citizen_id=await audience.last_citizen_id(session),
        cursor=0,
        total=counts.total,
        progress_message_id=progress_message_id,
        created_at=now,
    )
    session.add(broadcast)
    await session.flush()
    return broadcast


async def stop(session: AsyncSession, broadcast_id: int, now: datetime) -> bool:
    """Nothing more of it goes (rows being sent this instant still arrive). False if it was not active.

    The update of the broadcast comes first: it takes the write lock, so a batch being enqueued
    either committed before (its rows are cancelled here) or sees the broadcast stopped.
    """
    result = await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status.in_(ACTIVE))
        .values(status=STOPPED, finished_at=now)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], result).rowcount != 1:
        return False
    rows = select(BroadcastRecipient.outbox_id).where(BroadcastRecipient.broadcast_id == broadcast_id)
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(rows), OutboxMessage.status.in_((PENDING, HELD)))
        .values(status=FAILED, error=STOPPED_ERROR)
        .execution_options(synchronize_session=False)
    )
    return True
