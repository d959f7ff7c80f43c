"""Families looking for someone, as the console and the person found's buttons use them: each call
one unit of work over services.searches (the rules), the outbox woken after it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.callbacks import Callback, Scope
from bot.flow.steps import CITIES
from bot.i18n import Catalogs, Translator
from bot.services import searches
from storage.models import Report, ReportEvent, Search, SearchMatch


@dataclass(frozen=True, slots=True)
class Match:
    report_id: int
    reference: str
    name: str
    birth: date | None
    place: str
    score: int
    reasons: list[str]
    status: str  # proposed, asked, rejected


@dataclass(frozen=True, slots=True)
class SearchView:
    id: int
    reference: str
    status: str
    relation: str
    name: str
    birth: date | None
    place: str
    seeker: str
    contact: str
    created_at: datetime
    asked_case: str  # the reference of the case asked, once asked
    matches: list[Match]


CITY_LABELS = {option.value: option.label for option in CITIES if option.value != "other"}
SHOWN = ("open", "asking", "told", "declined")  # what the page lists (ended searches hold nothing)


class Families:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        catalogs: Catalogs,
        mission: str,
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.catalogs = catalogs
        self.mission = mission
        self.wake = wake

    async def board(self, viewer: int, t: Translator, limit: int = 200) -> list[SearchView]:
        """The searches still worked on, newest first, with their matches (best first). The cases'
        names are personal details: each case shown records that this person viewed them."""
        now = self.clock()
        found: list[SearchView] = []
        async with self.sessions() as session, session.begin():
            query = select(Search).where(Search.status.in_(SHOWN)).order_by(Search.id.desc()).limit(limit)
            for search in await session.scalars(query):
                rows = await session.execute(
                    select(SearchMatch, Report)
                    .join(Report, Report.id == SearchMatch.report_id)
                    .where(SearchMatch.search_id == search.id)
                    .order_by(SearchMatch.score.desc(), Report.id)
                )
                matches = []
                for match, report in rows:
                    city = CITY_LABELS.get(report.city or "", "")
                    place = ", ".join(filter(None, (report.place, t(city) if city else "")))
                    matches.append(Match(report.id, report.reference or "", report.full_name or "",
                                         report.birth_date, place, match.score, list(match.reasons),
                                         match.status))  # fmt: skip
                    viewed = {"via": "searches"}
                    session.add(ReportEvent(report_id=report.id, actor=f"officer:{viewer}",
                                            kind="personal_viewed", detail=viewed, at=now))  # fmt: skip
                asked = await session.get(Report, search.report_id) if search.report_id else None
                found.append(SearchView(
                    search.id, search.reference or "", search.status, search.relation or "",
                    search.sought_name or "", search.sought_birth, search.last_place or "",
                    search.seeker_name or "", search.seeker_contact or "", search.created_at,
                    asked.reference or "" if asked else "", matches,
                ))  # fmt: skip
        return found

    async def ask(self, search_id: int, report_id: int, officer: int) -> bool:
        async with self.sessions() as session, session.begin():
            done = await searches.ask(session, search_id, report_id, officer, self.clock(), self.catalogs,
                                      self.mission)  # fmt: skip
        if done:
            self.wake()
        return done

    async def reject(self, search_id: int, report_id: int) -> bool:
        async with self.sessions() as session, session.begin():
            return await searches.reject(session, search_id, report_id)

    async def answer(self, user_id: int, data: str) -> str | None:
        """The person found pressed yes or no: the msgid to show them, None for a button not theirs."""
        pressed = Callback.parse(data)
        if pressed is None or pressed.scope is not Scope.FOUND:
            return None
        async with self.sessions() as session, session.begin():
            said = await searches.answer(session, user_id, pressed.number(0), pressed.field(1), self.clock(),
                                         self.catalogs, self.mission)  # fmt: skip
        if said is not None:
            self.wake()
        return said
