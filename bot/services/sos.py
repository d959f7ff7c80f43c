"""Every SOS of a case, from the citizen's tap to an officer's acknowledgment of that SOS.

A case may raise many over its life (before the form, mid-report, after it was sent, acknowledged,
taken or closed). Each is a row of its own (storage.models.SosAlert): posted in the officer group
as a new message, repeated there every HOTLINE_SOS_REPEAT_SECONDS and sent to the supervisors after
HOTLINE_SOS_ESCALATE_SECONDS, until an officer acknowledges it. The case's status plays no part.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SosAlert

# An SOS this recent counts as a search under way even once acknowledged (see `searching`)
RECENT = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class SosState:
    """A case's SOS alerts as a card shows them."""

    count: int
    latest: SosAlert | None
    waiting: int  # not acknowledged yet


NO_SOS = SosState(0, None, 0)


async def raise_sos(session: AsyncSession, report_id: int, now: datetime) -> SosAlert:
    """A new SOS of this case, with its id (flushed); posting it is the caller's (services.alerts)."""
    alert = SosAlert(report_id=report_id, raised_at=now)
    session.add(alert)
    await session.flush()
    return alert


async def sos_state(session: AsyncSession, report_id: int) -> SosState:
    alerts = list(
        await session.scalars(select(SosAlert).where(SosAlert.report_id == report_id).order_by(SosAlert.id))
    )
    if not alerts:
        return NO_SOS
    waiting = sum(1 for a in alerts if a.acknowledged_at is None)
    return SosState(len(alerts), alerts[-1], waiting)


async def acknowledge(session: AsyncSession, report_id: int, officer: int, now: datetime) -> list[SosAlert]:
    """Every SOS of the case still waiting is acknowledged by this officer; the ones that were."""
    waiting = list(
        await session.scalars(
            select(SosAlert).where(SosAlert.report_id == report_id, SosAlert.acknowledged_at.is_(None))
        )
    )
    for alert in waiting:
        alert.acknowledged_at, alert.acknowledged_by = now, officer
    return waiting


async def unacknowledged(session: AsyncSession) -> list[SosAlert]:
    query = select(SosAlert).where(SosAlert.acknowledged_at.is_(None)).order_by(SosAlert.id)
    return list(await session.scalars(query))


async def searching(session: AsyncSession, report_id: int | None, now: datetime) -> bool:
    """An SOS of this case waits for an officer, or was raised in the last day: officers are
    looking for the citizen right now (a /delete then asks once more, and tells the group)."""
    if report_id is None:
        return False
    found = exists().where(
        SosAlert.report_id == report_id,
        or_(SosAlert.acknowledged_at.is_(None), SosAlert.raised_at >= now - RECENT),
    )
    return bool(await session.scalar(select(found)))
