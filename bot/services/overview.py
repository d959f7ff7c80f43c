"""The figures of the console's Today beyond the open SOS: the open cases by city, passport and safety,
the new reports of each recent day (in the mission's time zone), the outbox's health, and the
broadcasts under way. Counted in the database; nothing personal is read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from bot.core.case import OPEN_STATUSES
from bot.services.broadcasts.plans import running
from bot.services.broadcasts.states import STOPPED_ERROR
from bot.services.outbox import FAILED, HELD, PENDING, SENDING
from storage.models import Citizen, OutboxMessage, Report

DAYS = 14


@dataclass(frozen=True, slots=True)
class Overview:
    by_city: dict[str, int] = field(default_factory=dict)  # open cases; "" for no city
    by_passport: dict[str, int] = field(default_factory=dict)
    by_safety: dict[str, int] = field(default_factory=dict)
    per_day: list[tuple[date, int]] = field(default_factory=list)  # new reports, oldest day first
    queued: int = 0  # messages waiting to go (or going)
    held: int = 0  # waiting for the citizen to write first
    failed: int = 0  # given up, the last day
    blocked: int = 0  # citizens who blocked the bot
    broadcasts: int = 0  # scheduled or being sent

    @property
    def busiest(self) -> int:
        return max((n for _, n in self.per_day), default=0)


async def _open_by(session: AsyncSession, column: QueryableAttribute[str | None]) -> dict[str, int]:
    query = (
        select(column, func.count())
        .where(Report.status.in_(OPEN_STATUSES), Report.merged_into_id.is_(None))  # one person, counted once
        .group_by(column)
    )
    return {str(value or ""): int(n) for value, n in await session.execute(query)}


async def _per_day(session: AsyncSession, now: datetime, zone: ZoneInfo, days: int) -> list[tuple[date, int]]:
    today = now.astimezone(zone).date()
    firsts = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    starts = [datetime.combine(d, time(0), zone).astimezone(UTC) for d in firsts]
    # one query: each report falls in the last day whose midnight it is past
    bucket = case(*((Report.created_at >= start, n) for n, start in reversed(list(enumerate(starts)))))
    query = (
        select(bucket, func.count())
        .where(Report.created_at >= starts[0], Report.reference.is_not(None))
        .group_by(bucket)
    )
    counted = {int(n): int(c) for n, c in await session.execute(query) if n is not None}
    return [(day, counted.get(n, 0)) for n, day in enumerate(firsts)]


async def overview(session: AsyncSession, now: datetime, zone: ZoneInfo, days: int = DAYS) -> Overview:
    outbox = dict(
        (str(status), int(n))
        for status, n in await session.execute(
            select(OutboxMessage.status, func.count())
            .where(  # failures of the last day, not the rows a broadcast's stop cancelled
                (OutboxMessage.status != FAILED)
                | (
                    (OutboxMessage.created_at >= now - timedelta(days=1))
                    & (func.coalesce(OutboxMessage.error, "") != STOPPED_ERROR)
                )
            )
            .where(OutboxMessage.status.in_((PENDING, SENDING, HELD, FAILED)))
            .group_by(OutboxMessage.status)
        )
    )
    blocked = await session.scalar(select(func.count()).where(Citizen.unreachable_at.is_not(None)))
    return Overview(
        by_city=await _open_by(session, Report.city),
        by_passport=await _open_by(session, Report.passport_status),
        by_safety=await _open_by(session, Report.safety),
        per_day=await _per_day(session, now, zone, days),
        queued=outbox.get(PENDING, 0) + outbox.get(SENDING, 0),
        held=outbox.get(HELD, 0),
        failed=outbox.get(FAILED, 0),
        blocked=int(blocked or 0),
        broadcasts=await running(session),
    )
