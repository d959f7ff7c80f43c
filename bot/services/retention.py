"""Retention: the personal data of a case closed more than HOTLINE_RETENTION_DAYS ago is erased.

A case is closed when its status is no longer an open one (repatriated, closed, referred); it was
closed when the last status change of its trail happened. Erasing is what the citizen's own /delete
does (Reports.wipe): the values, the texts in the trail and the outbox, a linked draft; the trail
records "erased_retention", without values. It runs in the bot now and then (`keep_erasing`) and as
`hotline erase-expired`.
Scam reports (services.scams) older than HOTLINE_RETENTION_DAYS are deleted with the same run.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from bot.core.case import OPEN_STATUSES, Status
from bot.services import scams, searches
from bot.services.drafts import expire_drafts
from bot.services.reports import Reports
from storage.models import Report, ReportEvent

log = logging.getLogger(__name__)

FINAL_STATUSES = tuple(s for s in Status if s not in OPEN_STATUSES)
KIND = "erased_retention"
EVERY = timedelta(hours=1)
BATCH = 100


async def expired(session: AsyncSession, now: datetime, days: int, limit: int = BATCH) -> list[Report]:
    """Closed cases whose personal data is still there, closed more than `days` days before `now`;
    and cases merged into a case already erased (officers close only the case kept: the one merged
    into it is off their lists, and goes with it)."""
    closed = (
        select(ReportEvent.report_id, func.max(ReportEvent.at).label("at"))
        .where(ReportEvent.kind == "status")
        .group_by(ReportEvent.report_id)
        .subquery()
    )
    kept = aliased(Report)
    query = (
        select(Report)
        .outerjoin(closed, closed.c.report_id == Report.id)
        .where(
            Report.erased_at.is_(None),
            or_(
                Report.status.in_(FINAL_STATUSES)
                & (func.coalesce(closed.c.at, Report.updated_at) < now - timedelta(days=days)),
                Report.merged_into_id.in_(select(kept.id).where(kept.erased_at.is_not(None))),
            ),
        )
        .order_by(Report.id)
        .limit(limit)
    )
    return list(await session.scalars(query))


async def erase_expired(
    sessions: async_sessionmaker[AsyncSession], prefix: str, now: datetime, days: int
) -> int:
    """Erase every expired case, a batch per unit of work; returns how many cases."""
    erased = 0
    while True:
        async with sessions() as session, session.begin():
            batch = await expired(session, now, days)
            reports = Reports(session, prefix, now)
            for report in batch:
                await reports.wipe(report, "system", KIND)
        erased += len(batch)
        if not batch:  # (a batch can make more: the cases merged into those it erased)
            await expire_searches(sessions, now)
            async with sessions() as session, session.begin():  # scam reports go whole, by their age
                await scams.expire(session, now, days)
            return erased


async def expire_searches(sessions: async_sessionmaker[AsyncSession], now: datetime) -> int:
    """Families' searches older than HOTLINE_RETENTION_DAYS (set when sent): erased, marked expired."""
    ended = 0
    while True:
        async with sessions() as session, session.begin():
            count = await searches.expire(session, now, BATCH)
        ended += count
        if count < BATCH:
            if ended:
                log.info("retention: %d families' searches expired", ended)
            return ended


async def keep_erasing(
    sessions: async_sessionmaker[AsyncSession],
    prefix: str,
    days: int,
    clock: Callable[[], datetime],
    stop: asyncio.Event,
    every: timedelta = EVERY,
    draft_days: int | None = None,
) -> None:
    """In the bot: erase what expired (closed cases; with `draft_days`, drafts left alone that long),
    at start and then every `every`, until `stop` is set."""
    while not stop.is_set():
        try:
            count = await erase_expired(sessions, prefix, clock(), days)
            if count:
                log.info("retention: erased the personal data of %d closed cases", count)
            if draft_days is not None:
                drafts = await expire_drafts(sessions, clock(), draft_days)
                if drafts:
                    log.info("retention: erased %d drafts untouched for %d days", drafts, draft_days)
        except Exception:
            log.exception("retention failed; it tries again later")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every.total_seconds())
