"""The sender's queries. Each runs inside a unit of work the sender owns; none commits.

They are written for SQLite and PostgreSQL alike. The claim already asks for FOR UPDATE SKIP LOCKED
(SQLite ignores it): with several senders on PostgreSQL, two of them never claim one row.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    CursorResult,
    Table,
    and_,
    bindparam,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.services.outbox.queue import BLOCKED, FAILED, PENDING, SENDING, SENT
from storage.models import Citizen, OutboxMessage

ERROR_LENGTH = 256  # the error column's size (PostgreSQL enforces it)


def clip(text: str) -> str:
    return text if len(text) <= ERROR_LENGTH else text[: ERROR_LENGTH - 1] + "…"


def _rowcount(result: Any) -> int:
    return int(cast(CursorResult[Any], result).rowcount)


async def recover(session: AsyncSession, now: datetime, ids: Collection[int] | None = None) -> int:
    """Rows a stopped sender left in "sending" (all, or those of `ids`) go back to pending, due now."""
    query = update(OutboxMessage).where(OutboxMessage.status == SENDING)
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(list(ids)))
    result = await session.execute(query.values(status=PENDING, due_at=now))
    return _rowcount(result)


async def sending(session: AsyncSession) -> list[int]:
    """The ids of the rows "sending" now."""
    return list(await session.scalars(select(OutboxMessage.id).where(OutboxMessage.status == SENDING)))


# Built once: an alias made per query costs more than the query itself (SQLAlchemy proxies every
# column anew and recomputes the statement's cache key), and the claim runs once per message.
_OTHER = aliased(OutboxMessage, name="other")
_MINE = aliased(OutboxMessage, name="mine")  # not correlated with the claim's updated table
_CLAIM = (
    update(OutboxMessage)
    .where(
        OutboxMessage.id
        == select(_MINE.id)
        .where(_MINE.id == bindparam("row_id"), _MINE.status == PENDING)
        .with_for_update(skip_locked=True)
        .scalar_subquery(),
        OutboxMessage.status == PENDING,
    )
    .values(status=SENDING, attempts=OutboxMessage.attempts + 1)
    .execution_options(synchronize_session=False)
)


def _ahead_of(row: Any, status: str, *more: Any) -> Any:
    """Another row of the same chat in `status` (and `more`). One EXISTS per status, so that it looks
    up (chat_id, status) in its index instead of reading every row the chat was ever sent."""
    other = _OTHER
    return exists().where(other.chat_id == row.chat_id, other.status == status, other.id != row.id, *more)


def _candidates_query() -> Any:
    """(id, chat_id) of the due rows that head their chats: no row of the chat is being sent, and none
    that goes first waits. Within a chat rows go in (priority, id) order. A row that goes first and
    is due, or failed and waits for its retry, keeps the rows after it waiting (an edit never
    overtakes the message it edits); a row that goes first but is merely scheduled for later (never
    tried) does not. Built once, with parameters: the sender runs it at every look."""
    row, other = OutboxMessage, _OTHER
    now: BindParameter[datetime] = bindparam("now", type_=OutboxMessage.due_at.type)
    goes_first = or_(other.priority < row.priority, and_(other.priority == row.priority, other.id < row.id))
    return (
        select(row.id, row.chat_id)
        .where(
            row.status == PENDING,
            row.due_at <= now,
            row.chat_id.not_in(bindparam("exclude", expanding=True)),
            ~_ahead_of(row, SENDING),
            ~_ahead_of(row, PENDING, goes_first, or_(other.due_at <= now, other.attempts > 0)),
        )
        .order_by(row.priority, row.id)
        .limit(bindparam("limit"))
    )


_CANDIDATES = _candidates_query()


async def candidates(
    session: AsyncSession, now: datetime, exclude: Collection[int], limit: int
) -> list[tuple[int, int]]:
    """(id, chat_id) of the due rows that head their chats, in (priority, id) order: one a chat.

    For several senders on PostgreSQL, this is where to add FOR UPDATE SKIP LOCKED (and claim in
    the same unit of work); one sender needs no lock here: `claim` checks the row is still pending.
    """
    seen: set[int] = set()
    found: list[tuple[int, int]] = []
    params = {"now": now, "exclude": list(exclude), "limit": limit}
    for row_id, chat_id in await session.execute(_CANDIDATES, params):
        if chat_id not in seen:
            seen.add(chat_id)
            found.append((row_id, chat_id))
    return found


_NEXT_DUE = select(func.min(OutboxMessage.due_at)).where(
    OutboxMessage.status == PENDING, OutboxMessage.due_at > bindparam("now")
)


async def next_due(session: AsyncSession, now: datetime) -> datetime | None:
    """When the first pending row that is not due yet becomes due."""
    value: datetime | None = await session.scalar(_NEXT_DUE, {"now": now})
    return value


async def due_count(session: AsyncSession, now: datetime) -> int:
    query = select(func.count()).where(OutboxMessage.status == PENDING, OutboxMessage.due_at <= now)
    return int(await session.scalar(query) or 0)


async def claim(session: AsyncSession, row_id: int) -> OutboxMessage | None:
    """Mark the row "sending" (one attempt more) if it is still pending; the row, else None.

    The update comes first, so that SQLite takes its write lock at once.
    """
    result = await session.execute(_CLAIM, {"row_id": row_id})
    if _rowcount(result) != 1:
        return None
    return await session.get(OutboxMessage, row_id, populate_existing=True)


_OUTBOX = cast(Table, OutboxMessage.__table__)
# Built once, in Core (not the ORM's bulk update): every message sent runs it
_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("row_id"))
    .values(status=SENT, sent_at=bindparam("now"), message_id=bindparam("message_id"), error=None)
)


async def sent(session: AsyncSession, row_id: int, message_id: int | None, now: datetime) -> None:
    """Mark the row "sent" without reading it; LookupError when it is gone."""
    conn = await session.connection()
    result = await conn.execute(_SENT, {"row_id": row_id, "now": now, "message_id": message_id})
    if _rowcount(result) != 1:
        raise LookupError(f"outbox row {row_id} is gone")


def mark_sent(row: OutboxMessage, message_id: int | None, now: datetime) -> None:
    row.status, row.sent_at, row.message_id, row.error = SENT, now, message_id, None


def mark_failed(row: OutboxMessage, error: str) -> None:
    row.status, row.error = FAILED, clip(error)


def retry_later(row: OutboxMessage, due_at: datetime, error: str) -> None:
    row.status, row.due_at, row.error = PENDING, due_at, clip(error)


async def citizen_blocked(session: AsyncSession, row: OutboxMessage, now: datetime, error: str) -> int:
    """The citizen of this private chat blocked the bot: mark them unreachable and give up the chat's
    other pending rows (they would only fail one by one). Returns how many other rows were given up."""
    await session.execute(
        update(Citizen)
        .where(Citizen.chat_id == row.chat_id, Citizen.unreachable_at.is_(None))
        .values(unreachable_at=now)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.chat_id == row.chat_id, OutboxMessage.status == PENDING, OutboxMessage.id != row.id
        )
        .values(status=FAILED, error=clip(f"{BLOCKED}: {error}"))
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result)
