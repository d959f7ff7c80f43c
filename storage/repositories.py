"""Queries. Repositories never commit: the handler's unit of work does."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Citizen, Conversation, Report, ReportEvent

_CITIZEN_BY_USER = select(Citizen).where(Citizen.telegram_user_id == bindparam("user"))  # built once: hot


async def citizen_by_user(session: AsyncSession, user_id: int) -> Citizen | None:
    result = await session.execute(_CITIZEN_BY_USER, {"user": user_id})
    return result.scalar_one_or_none()


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
