"""The officer's screening decision as one unit of work, for the chat's /screen and the console's
form (the rules are services.screening's): the case changed, its card's edit queued, the sender woken."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import screening
from bot.services.alerts import Alerts, AlertSettings
from bot.services.outbox import queued
from storage.models import Report


@dataclass(frozen=True, slots=True)
class Decided:
    reference: str
    decision: str


class ScreeningDesk:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        alerts: AlertSettings,
        wake: Callable[[], None],
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.alerts = alerts
        self.wake = wake

    async def decide(self, report_id: int, officer: int, decision: str, note: str) -> Decided | None:
        """The decision recorded by an officer, staff member or supervisor (the callers check who);
        None when there is no such case or `decision` is not one of screening.DECISIONS."""
        async with self.sessions() as session, session.begin():
            now = self.clock()
            report = await session.get(Report, report_id)
            if report is None or not screening.decide(session, report, decision, note, officer, now):
                return None
            await Alerts(session, self.alerts, now).changed(report)
            wake = queued(session)
        if wake:
            self.wake()
        return Decided(report.reference or "", decision)
