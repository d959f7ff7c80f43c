"""Cases on the way home for the flights' tests: citizens with reports at a chosen stage, with the
personal values a manifest shows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Report
from tests.broadcasts.seed import Person, seed


@dataclass(frozen=True)
class Traveller:
    user_id: int
    name: str
    stage: str = "cleared"
    pref: str = "any"
    lang: str = "en"
    sex: str | None = "female"
    children: int = 0
    nik: str = "3171234567890123"
    phone: str = "+6281234567890"
    born: date = date(1998, 5, 17)
    document: str = "splp"
    number: str = "X1234567"


def people_of(travellers: Sequence[Traveller]) -> list[Person]:
    return [Person(t.user_id, lang=t.lang, pref=t.pref, report_lang=t.lang) for t in travellers]


async def prepare(
    sessions: async_sessionmaker[AsyncSession], refs: dict[int, str], travellers: Sequence[Traveller]
) -> None:
    """Each seeded report given its stage and the values a manifest shows (encrypted as stored)."""
    async with sessions() as session, session.begin():
        for one in travellers:
            values: dict[str, Any] = {
                "stage": one.stage, "full_name": one.name, "sex": one.sex, "children": one.children,
                "nik": one.nik, "phone": one.phone, "birth_date": one.born, "home_province": "32",
                "journey": {"document": one.document, "document_number": one.number},
            }  # fmt: skip
            report = (
                await session.scalars(select(Report).where(Report.reference == refs[one.user_id]))
            ).one()
            for name, value in values.items():
                setattr(report, name, value)


async def seeded(
    sessions: async_sessionmaker[AsyncSession], travellers: Sequence[Traveller], now: datetime
) -> dict[int, str]:
    refs = await seed(sessions, people_of(travellers), now)
    await prepare(sessions, refs, travellers)
    return refs
