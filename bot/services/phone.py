"""What the bot left on a citizen's phone: the ids of the messages in their chat, with when each was
sent, so that /hide can delete every one Telegram still allows (under 48 hours old).

The conversation's answers and questions are kept by the citizen's handler; what goes through the
outbox (officers' answers, broadcasts, notices) is kept here when it is sent (`remember_sent_row`).
They live in `conversations.message_ids["ids"]` as [id, unix seconds] pairs.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Conversation, OutboxMessage

KEEP_MESSAGE_IDS = 300
# Telegram deletes messages younger than 48 hours; a small margin for the clocks and the way there
DELETE_WINDOW = timedelta(hours=48) - timedelta(minutes=5)

_CONVERSATIONS = cast(Table, Conversation.__table__)


def with_ids(message_ids: dict[str, Any], ids: list[int], at: datetime) -> dict[str, Any]:
    """`message_ids` with these ids kept, the oldest dropped past KEEP_MESSAGE_IDS."""
    known = list(message_ids.get("ids", []))
    stamp = int(at.timestamp())
    return {**message_ids, "ids": (known + [[i, stamp] for i in ids])[-KEEP_MESSAGE_IDS:]}


def deletable(message_ids: dict[str, Any], now: datetime) -> tuple[dict[str, Any], list[int]]:
    """The remembered ids Telegram still lets the bot delete (under 48 hours old), and `message_ids`
    with all of them forgotten."""
    oldest = (now - DELETE_WINDOW).timestamp()
    young: list[int] = []
    for item in message_ids.get("ids", []):
        if isinstance(item, list) and len(item) == 2 and item[1] >= oldest:
            young.append(int(item[0]))
    return {**message_ids, "ids": []}, sorted(set(young))


async def remember_sent_row(session: AsyncSession, row: OutboxMessage, message_id: int | None) -> None:
    """An outbox row reached a private chat that has a conversation (a citizen's): keep its id there.

    The conversation's updated_at moves by one microsecond only: enough for a handler that read the
    conversation before to see it changed (its write-back compares updated_at, and reads again), while
    a message from the embassy does not count as the citizen touching their draft (drafts left alone
    expire: services.drafts)."""
    if message_id is None or row.chat_id <= 0:
        return
    found = await session.execute(
        select(_CONVERSATIONS.c.message_ids, _CONVERSATIONS.c.updated_at)
        .where(_CONVERSATIONS.c.chat_id == row.chat_id)
        .with_for_update()
    )
    current = found.first()
    if current is None:
        return
    ids = with_ids(dict(current[0] or {}), [message_id], row.sent_at or current[1])
    await session.execute(
        update(_CONVERSATIONS)
        .where(_CONVERSATIONS.c.chat_id == row.chat_id)
        .values(message_ids=ids, updated_at=current[1] + timedelta(microseconds=1))
    )
