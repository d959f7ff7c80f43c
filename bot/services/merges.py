"""Likely duplicates as officers work them (the console's Duplicates page): the open pairs, two cases
side by side, and a person's decision. A merge moves and deletes nothing: the case not kept names
the one kept (`merged_into_id`), both keep their history and their chat, and undoing it is clearing
that name. "Not the same person" closes the pair for good: a re-scan never proposes it again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from bot.services.alerts import Alerts, AlertSettings
from bot.services.duplicates import DISTINCT, MERGED, OPEN, ordered
from bot.services.flights import PLANNED
from bot.services.outbox import queued
from storage.models import DuplicatePair, Flight, FlightPassenger, Report, ReportEvent

LISTED = 200  # pairs on the page, strongest first


@dataclass(frozen=True, slots=True)
class PairLine:
    pair_id: int
    score: int
    reasons: list[str]
    low: str  # the references
    high: str
    found_at: datetime


@dataclass(frozen=True, slots=True)
class PairView:
    pair_id: int
    score: int
    reasons: list[str]
    status: str
    low: Any  # the two cases, as the services return them
    high: Any


class Decision:
    MERGED = "merged"
    UNDONE = "undone"
    DISTINCT = "distinct"
    GONE = "gone"  # no such pair or case, or it was decided meanwhile
    REFUSED = "refused"  # a case already merged elsewhere (no chains: one undo restores one case)
    TRAVELS = "travels"  # the case not kept has a seat on a planned flight (it would travel unseen)


class Duplicates:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        alerts: AlertSettings,
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.alerts = alerts
        self.wake = wake

    async def listed(self) -> list[PairLine]:
        """Open pairs of two live cases (neither merged nor erased), strongest first."""
        low, high = aliased(Report), aliased(Report)
        query = (
            select(DuplicatePair, low.reference, high.reference)
            .join(low, low.id == DuplicatePair.low_id)
            .join(high, high.id == DuplicatePair.high_id)
            .where(DuplicatePair.status == OPEN)
            .where(low.merged_into_id.is_(None), high.merged_into_id.is_(None))
            .where(low.erased_at.is_(None), high.erased_at.is_(None))
            .order_by(DuplicatePair.score.desc(), DuplicatePair.id.desc())
            .limit(LISTED)
        )
        async with self.sessions() as session:
            return [
                PairLine(p.id, p.score, list(p.reasons), a or "", b or "", p.found_at)
                for p, a, b in await session.execute(query)
            ]

    async def count(self) -> int:
        async with self.sessions() as session:
            return int(await session.scalar(select(func.count()).where(DuplicatePair.status == OPEN)) or 0)

    async def pair(self, pair_id: int, viewer: int | None = None) -> PairView | None:
        """The pair and its two cases; `viewer`: someone asked to see the personal values, which is
        recorded in both cases' history."""
        async with self.sessions() as session, session.begin():
            pair = await session.get(DuplicatePair, pair_id)
            if pair is None:
                return None
            low, high = await session.get(Report, pair.low_id), await session.get(Report, pair.high_id)
            if low is None or high is None:
                return None
            if viewer is not None:
                for report in (low, high):
                    self._log(session, report, viewer, "personal_viewed", pair=pair.id)
            return PairView(pair.id, pair.score, list(pair.reasons), pair.status, low, high)

    async def pair_of(self, report_id: int, other_id: int) -> int | None:
        low, high = ordered(report_id, other_id)
        async with self.sessions() as session:
            return await session.scalar(
                select(DuplicatePair.id).where(DuplicatePair.low_id == low, DuplicatePair.high_id == high)
            )

    async def merge(self, pair_id: int, keep_id: int, by: int) -> str:
        """The pair is one person: the case not kept names the kept one (an event on both)."""
        now = self.clock()
        async with self.sessions() as session, session.begin():
            pair = await session.get(DuplicatePair, pair_id, with_for_update=True)
            if pair is None or pair.status != OPEN or keep_id not in (pair.low_id, pair.high_id):
                return Decision.GONE
            gone_id = pair.high_id if keep_id == pair.low_id else pair.low_id
            kept, gone = await session.get(Report, keep_id), await session.get(Report, gone_id)
            if kept is None or gone is None or kept.erased_at or gone.erased_at:
                return Decision.GONE
            if kept.merged_into_id is not None or gone.merged_into_id is not None:
                return Decision.REFUSED
            into_gone = await session.scalar(select(func.count()).where(Report.merged_into_id == gone.id))
            if into_gone:
                return Decision.REFUSED
            seated = await session.scalar(
                select(func.count())
                .select_from(FlightPassenger)
                .join(Flight, Flight.id == FlightPassenger.flight_id)
                .where(FlightPassenger.report_id == gone.id, FlightPassenger.removed_at.is_(None),
                       Flight.status == PLANNED)
            )  # fmt: skip
            if seated:
                return Decision.TRAVELS
            gone.merged_into_id = kept.id
            pair.status, pair.decided_by, pair.decided_at = MERGED, by, now
            self._log(session, gone, by, "merged", text=kept.reference or "", pair=pair.id)
            self._log(session, kept, by, "merged_in", text=gone.reference or "", pair=pair.id)
            woke = await self._cards(session, now, kept, gone)
        self._wake(woke)
        return Decision.MERGED

    async def undo(self, gone_id: int, by: int) -> str:
        """The merge undone: the case stands on its own again, and its pair is open again."""
        now = self.clock()
        async with self.sessions() as session, session.begin():
            gone = await session.get(Report, gone_id, with_for_update=True)
            if gone is None or gone.merged_into_id is None:
                return Decision.GONE
            kept = await session.get_one(Report, gone.merged_into_id)
            gone.merged_into_id = None
            low, high = ordered(gone.id, kept.id)
            pair = await session.scalar(
                select(DuplicatePair).where(DuplicatePair.low_id == low, DuplicatePair.high_id == high)
            )
            if pair is not None:
                pair.status, pair.decided_by, pair.decided_at = OPEN, by, now
            self._log(session, gone, by, "unmerged", text=kept.reference or "")
            self._log(session, kept, by, "unmerged", text=gone.reference or "")
            woke = await self._cards(session, now, kept, gone)
        self._wake(woke)
        return Decision.UNDONE

    async def distinct(self, pair_id: int, by: int) -> str:
        """Not the same person: never proposed again."""
        now = self.clock()
        async with self.sessions() as session, session.begin():
            pair = await session.get(DuplicatePair, pair_id, with_for_update=True)
            if pair is None or pair.status != OPEN:
                return Decision.GONE
            pair.status, pair.decided_by, pair.decided_at = DISTINCT, by, now
            for report_id in (pair.low_id, pair.high_id):
                report = await session.get_one(Report, report_id)
                self._log(session, report, by, "not_duplicate", pair=pair.id)
            both = [await session.get_one(Report, i) for i in (pair.low_id, pair.high_id)]
            woke = await self._cards(session, now, *both)
        self._wake(woke)
        return Decision.DISTINCT

    async def merged_in(self, report_id: int) -> list[tuple[int, str]]:
        """The cases merged into this one: (id, reference)."""
        async with self.sessions() as session:
            query = (
                select(Report.id, Report.reference)
                .where(Report.merged_into_id == report_id)
                .order_by(Report.id)
            )
            return [(i, ref or "") for i, ref in await session.execute(query)]

    async def open_for(self, report_id: int) -> list[tuple[int, str, int]]:
        """The open pairs of a case: (pair id, the other's reference, score)."""
        low, high = aliased(Report), aliased(Report)
        query = (
            select(DuplicatePair.id, low.id, low.reference, high.reference, DuplicatePair.score)
            .join(low, low.id == DuplicatePair.low_id)
            .join(high, high.id == DuplicatePair.high_id)
            .where(DuplicatePair.status == OPEN)
            .where(or_(DuplicatePair.low_id == report_id, DuplicatePair.high_id == report_id))
            .where(low.merged_into_id.is_(None), high.merged_into_id.is_(None))
        )
        async with self.sessions() as session:
            return [
                (pair, (b if a_id == report_id else a) or "", score)
                for pair, a_id, a, b, score in await session.execute(query)
            ]

    def _log(self, session: AsyncSession, report: Report, by: int, kind: str, **detail: Any) -> None:
        session.add(
            ReportEvent(report_id=report.id, actor=f"officer:{by}", kind=kind, detail=detail, at=self.clock())
        )

    async def _cards(self, session: AsyncSession, now: datetime, *reports: Report) -> bool:
        """The cards say what changed (a merge, a pair closed); True when edits were queued."""
        alerts = Alerts(session, self.alerts, now)
        for report in reports:
            await alerts.changed(report)
        await session.flush()
        return queued(session)

    def _wake(self, woke: bool) -> None:
        if woke:  # after the commit: the sender finds the rows
            self.wake()
