"""The citizens a broadcast's filters select, counted for the staff member and read in batches to send.

Only citizens who consented and did not delete their data (/delete clears consent_at) are in any
audience. A citizen's language is their own choice, else the language of their newest report, else
Indonesian. Those who have not said it is safe to write first ("wait until I write", or not said:
bot.core.contact) are counted as held; those who blocked the bot (unreachable_at) as blocked: they
are never sent anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, Text, case, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.core.contact import ContactPref, may_write_first
from bot.services.broadcasts.filters import Filters
from storage.models import Citizen, Report

DEFAULT_LANGUAGE = "id"


@dataclass(frozen=True, slots=True)
class Member:
    citizen_id: int
    chat_id: int
    language: str
    held: bool  # only after they write
    blocked: bool  # unreachable


@dataclass(frozen=True, slots=True)
class Counts:
    total: int = 0
    by_language: tuple[tuple[str, int], ...] = ()
    held: int = 0
    blocked: int = 0

    def language(self, lang: str) -> int:
        return dict(self.by_language).get(lang, 0)


def _selection(filters: Filters, *columns: Any) -> tuple[Select[Any], Any]:
    """SELECT columns FROM consenting citizens joined to their newest report, filtered; and the language."""
    newest = aliased(Report)
    latest_id = (
        select(func.max(newest.id))
        .where(newest.citizen_id == Citizen.id)
        .correlate(Citizen)
        .scalar_subquery()
    )
    language = func.coalesce(Citizen.language, Report.language, DEFAULT_LANGUAGE)
    query = (
        select(*columns, language)
        .select_from(Citizen)
        .outerjoin(Report, Report.id == latest_id)
        .where(Citizen.consent_at.is_not(None))
    )
    for code, column in (
        ("status", Report.status),
        ("priority", Report.priority),
        ("city", Report.city),
        ("passport", Report.passport_status),
    ):
        if filters.get(code):
            query = query.where(column.in_(filters.get(code)))
    if filters.get("tag"):
        # the quoted tag in the JSON text is exact ("_" escaped: it is a LIKE wildcard)
        as_text = cast(Report.tags, Text)
        query = query.where(
            or_(*(as_text.contains(f'"{tag}"', autoescape=True) for tag in filters.get("tag")))
        )
    if filters.get("lang"):
        query = query.where(language.in_(filters.get("lang")))
    return query, language


async def count(session: AsyncSession, filters: Filters) -> Counts:
    held = case((Citizen.contact_pref == ContactPref.ANY, 0), else_=1)  # only "it is safe" goes at once
    blocked = case((Citizen.unreachable_at.is_not(None), 1), else_=0)
    query, language = _selection(filters, func.count(), func.sum(held), func.sum(blocked))
    query = query.group_by(language)
    total = held_n = blocked_n = 0
    langs: list[tuple[str, int]] = []
    for n, h, b, lang in await session.execute(query):
        total, held_n, blocked_n = total + n, held_n + int(h or 0), blocked_n + int(b or 0)
        langs.append((str(lang), int(n)))
    return Counts(total, tuple(sorted(langs)), held_n, blocked_n)


async def batch(session: AsyncSession, filters: Filters, after: int, upto: int, limit: int) -> list[Member]:
    """The next members by citizen id, after `after` and up to `upto`."""
    query, _ = _selection(filters, Citizen.id, Citizen.chat_id, Citizen.contact_pref, Citizen.unreachable_at)
    query = query.where(Citizen.id > after, Citizen.id <= upto).order_by(Citizen.id).limit(limit)
    return [
        Member(cid, chat, str(lang), not may_write_first(pref), gone is not None)
        for cid, chat, pref, gone, lang in await session.execute(query)
    ]


async def last_citizen_id(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.max(Citizen.id))) or 0)


async def known_tags(session: AsyncSession, limit: int = 24) -> list[str]:
    """The tags officers gave open and closed cases, most used first."""
    counted: dict[str, int] = {}
    for (tags,) in await session.execute(select(Report.tags).where(cast(Report.tags, Text) != "[]")):
        for tag in tags or []:
            counted[tag] = counted.get(tag, 0) + 1
    return sorted(counted, key=lambda t: (-counted[t], t))[:limit]
