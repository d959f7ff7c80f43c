"""Queries. Repositories never commit: the handler's unit of work does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage.models import Citizen, Conversation, Report, ReportEvent, SosAlert

_CITIZEN_BY_USER = select(Citizen).where(Citizen.telegram_user_id == bindparam("user"))  # built once: hot


async def citizen_by_user(session: AsyncSession, user_id: int) -> Citizen | None:
    result = await session.execute(_CITIZEN_BY_USER, {"user": user_id})
    return result.scalar_one_or_none()


# A citizen's every message loads these three; one statement costs less than three (built once).
_CHAT_STATE = (
    select(Citizen, Conversation, Report)
    .select_from(Citizen)
    .outerjoin(Conversation, Conversation.chat_id == bindparam("chat"))
    .outerjoin(Report, Report.id == Conversation.report_id)
    .where(Citizen.telegram_user_id == bindparam("user"))
)


async def chat_state(
    session: AsyncSession, user_id: int, chat_id: int
) -> tuple[Citizen | None, Conversation | None, Report | None]:
    """The citizen, their conversation in this chat and the report it is linked to, each if there is one."""
    row = (await session.execute(_CHAT_STATE, {"user": user_id, "chat": chat_id})).one_or_none()
    if row is not None:
        return row[0], row[1], row[2]
    conv = await conversation(session, chat_id)  # not a citizen (yet, or no longer): rare
    linked = await report(session, conv.report_id) if conv is not None and conv.report_id else None
    return None, conv, linked


@dataclass(frozen=True, slots=True)
class ChatRow:
    """What a citizen's message needs to know, as plain values: the citizen's language choice, their
    conversation in the chat (step None: none yet) and the report it is linked to (linked_id None: none)."""

    citizen_id: int
    language: str | None
    step: str | None
    data: dict[str, Any] | None
    message_ids: dict[str, Any] | None
    report_id: int | None  # as the conversation has it
    linked_id: int | None
    reference: str | None
    status: str | None
    submitted: bool | None
    sos_since: bool  # the linked report has an SOS not acknowledged, or raised since `since`


_CITIZENS = cast(Table, Citizen.__table__)
_CONVERSATIONS = cast(Table, Conversation.__table__)
_REPORTS = cast(Table, Report.__table__)
_SOS = cast(Table, SosAlert.__table__)
_SOS_SINCE = (
    exists()
    .where(
        _SOS.c.report_id == _REPORTS.c.id,
        or_(
            _SOS.c.acknowledged_at.is_(None),
            _SOS.c.raised_at >= bindparam("since", type_=_SOS.c.raised_at.type),
        ),
    )
    .correlate(_REPORTS)
)
# The same as _CHAT_STATE in Core, in ChatRow's order: no objects, no session (built once: hot)
_CHAT_ROW = (
    select(
        _CITIZENS.c.id,
        _CITIZENS.c.language,
        _CONVERSATIONS.c.step,
        _CONVERSATIONS.c.data,
        _CONVERSATIONS.c.message_ids,
        _CONVERSATIONS.c.report_id,
        _REPORTS.c.id,
        _REPORTS.c.reference,
        _REPORTS.c.status,
        _REPORTS.c.submitted,
        _SOS_SINCE,
    )
    .select_from(_CITIZENS)
    .outerjoin(_CONVERSATIONS, _CONVERSATIONS.c.chat_id == bindparam("chat"))
    .outerjoin(_REPORTS, _REPORTS.c.id == _CONVERSATIONS.c.report_id)
    .where(_CITIZENS.c.telegram_user_id == bindparam("user"))
)


async def chat_row(conn: AsyncConnection, user_id: int, chat_id: int, since: datetime) -> ChatRow | None:
    """The citizen's chat as plain values; None when they are not a citizen (yet, or no longer)."""
    row = (await conn.execute(_CHAT_ROW, {"user": user_id, "chat": chat_id, "since": since})).one_or_none()
    if row is None:
        return None
    values = tuple(row)
    return ChatRow(*values[:-1], sos_since=bool(values[-1]))  # type: ignore[misc]


async def conversation(session: AsyncSession, chat_id: int) -> Conversation | None:
    return await session.get(Conversation, chat_id)


async def report(session: AsyncSession, report_id: int) -> Report | None:
    return await session.get(Report, report_id)


async def reports_of(session: AsyncSession, citizen_id: int) -> list[Report]:
    result = await session.execute(select(Report).where(Report.citizen_id == citizen_id))
    return list(result.scalars())


async def events_of(session: AsyncSession, report_id: int) -> list[ReportEvent]:
    result = await session.execute(
        select(ReportEvent).where(ReportEvent.report_id == report_id).order_by(ReportEvent.id)
    )
    return list(result.scalars())
