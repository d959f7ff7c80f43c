"""Citizens with a submitted report each, written straight into the database (fast, for any number)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Citizen, Report
from tests.support.databases import follow_ids


@dataclass(frozen=True)
class Person:
    user_id: int
    lang: str | None = "id"  # the citizen's own choice (None: the report's language decides)
    tags: list[str] = field(default_factory=list)
    pref: str = "any"
    unreachable: bool = False
    consent: bool = True
    status: str = "new"
    priority: str = "P3"
    city: str | None = "phnom_penh"
    passport: str | None = "held"
    report_lang: str = "id"
    report: bool = True


def reference(report_id: int) -> str:
    return f"PNH-{report_id:06d}"


async def seed(
    sessions: async_sessionmaker[AsyncSession], people: Iterable[Person], now: datetime
) -> dict[int, str]:
    """user id -> the reference of their report (\"\" when they have none)."""
    people = list(people)
    async with sessions() as session, session.begin():
        first_citizen = int(await session.scalar(select(Citizen.id).order_by(Citizen.id.desc())) or 0) + 1
        first_report = int(await session.scalar(select(Report.id).order_by(Report.id.desc())) or 0) + 1
        citizens = [
            {
                "id": first_citizen + n,
                "telegram_user_id": p.user_id,
                "chat_id": p.user_id,
                "language": p.lang,
                "consent_at": now if p.consent else None,
                "contact_pref": p.pref,
                "unreachable_at": now if p.unreachable else None,
                "created_at": now,
                "updated_at": now,
            }
            for n, p in enumerate(people)
        ]
        await session.execute(insert(Citizen), citizens)
        reports, refs, next_report = [], {}, first_report
        for n, p in enumerate(people):
            refs[p.user_id] = ""
            if not p.report:
                continue
            refs[p.user_id] = reference(next_report)
            reports.append(
                {
                    "id": next_report,
                    "reference": reference(next_report),
                    "citizen_id": first_citizen + n,
                    "status": p.status,
                    "priority": p.priority,
                    "sos": False,
                    "submitted": True,
                    "language": p.report_lang,
                    "city": p.city,
                    "passport_status": p.passport,
                    "tags": p.tags,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            next_report += 1
        if reports:
            await session.execute(insert(Report), reports)
        await follow_ids(session, "citizens", "reports")
    return refs
