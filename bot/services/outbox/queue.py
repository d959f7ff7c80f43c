"""Rows into the outbox, in the caller's unit of work (never committing), and the statuses they go through."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.core.actions import Action
from bot.core.contact import may_write_first
from bot.core.serialize import to_payload
from storage.models import Citizen, OutboxMessage

PENDING = "pending"  # waits for its due time and its chat's turn
HELD = "held"  # waits for the citizen to write first (release_held), then pending
SENDING = "sending"  # claimed by a sender; the request to Telegram may be under way
SENT = "sent"  # Telegram accepted it (message_id when it made a message)
FAILED = "failed"  # final: refused by Telegram, out of attempts, or dropped (see DROPPED)

DROPPED = "dropped"  # the error of a failed row whose composer found nothing to send any more
BLOCKED = "blocked"  # the error prefix of rows given up because the citizen blocked the bot (403)
NOT_TO_CITIZENS = (
    "escalation",
    "broadcast_progress",
    "scrub",
)  # private-chat kinds for supervisors and staff
QUEUED = "outbox_queued"  # session.info: enqueue added a row in this unit of work


async def enqueue(
    session: AsyncSession,
    *,
    action: Action | None = None,
    chat_id: int,
    kind: str,
    payload: dict[str, Any] | None = None,
    priority: int = 5,
    report_id: int | None = None,
    dedupe_key: str | None = None,
    held: bool = False,
    due_at: datetime | None = None,
    now: datetime,
) -> OutboxMessage | None:
    """Add a row to the caller's unit of work; None (nothing added) when `dedupe_key` is already used.

    Give `action` (stored with to_payload and performed as it is), or for a kind whose composer
    builds the action at send time a raw `payload` (or none: the composer reads `report_id`).
    Within one chat, rows go in (priority, id) order: give an edit the priority of the message it
    edits (or a larger number), never a smaller one.
    After the commit, call `Sender.wake()` so that the row goes at once rather than at the next look.
    Two units of work racing on one dedupe_key: the unique constraint fails the second commit.
    """
    if action is not None and payload is not None:
        raise ValueError("enqueue takes an action or a payload, not both")
    if action is not None:
        data = to_payload(action)
        if data.get("chat_id") != chat_id:
            raise ValueError(f"the action is for chat {data.get('chat_id')}, the row for chat {chat_id}")
    else:
        data = dict(payload or {})
    if not held and chat_id > 0 and kind not in NOT_TO_CITIZENS:
        # the last guard of "wait until I write" (and of "not said"): whatever the caller thought, it waits
        prefs = await session.scalars(select(Citizen.contact_pref).where(Citizen.chat_id == chat_id))
        held = any(not may_write_first(pref) for pref in prefs.all())
    if dedupe_key is not None:
        found = await session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key))
        if found is not None:
            return None
    row = OutboxMessage(
        chat_id=chat_id,
        kind=kind,
        priority=priority,
        payload=data,
        report_id=report_id,
        status=HELD if held else PENDING,
        attempts=0,
        due_at=due_at or now,
        dedupe_key=dedupe_key,
        created_at=now,
    )
    session.add(row)
    session.info[QUEUED] = True
    return row


def queued(session: AsyncSession) -> bool:
    """Whether this unit of work added outbox rows (then the sender should be woken after the commit)."""
    return bool(session.info.get(QUEUED))


_OUTBOX = cast(Table, OutboxMessage.__table__)
# Built once (its cache key too): every citizen's message runs it. Core, not the ORM's bulk update.
_RELEASE = (
    update(_OUTBOX)
    .where(_OUTBOX.c.chat_id == bindparam("chat"), _OUTBOX.c.status == HELD)
    .values(status=PENDING, due_at=bindparam("now"))
)


async def release_held(db: AsyncSession | AsyncConnection, chat_id: int, now: datetime) -> int:
    """The citizen has just written: their held rows become pending, due now. Returns how many.
    (Given a connection, rows a session has not flushed yet are not seen.)"""
    result = await db.execute(_RELEASE, {"chat": chat_id, "now": now})
    return int(cast(CursorResult[Any], result).rowcount)
