"""Scam reports: someone who posed as the embassy, reported from /verify (bot.flow.verify).

A report is stored (who contacted them and anything else they said, encrypted at rest) and its card
queued for the officer group in the same unit of work; the card is written at send time from the
stored row (`ScamComposer`), so a report erased before it went is not posted. Officers read how,
who, what was asked and when; of the reporter, only the reference of their own case when they have
one (officers see that case anyway), never their name or Telegram account.

An account may send `HOTLINE_SCAM_REPORTS_PER_DAY` reports in 24 hours (`sent_lately`, counted by
the conversation only when the flow needs it). The citizen's /delete erases who, the details and the
link to their account (`erase_of`); retention deletes reports older than HOTLINE_RETENTION_DAYS
(`expire`). The daily report counts them by channel (`per_channel`); the console lists the newest
(`ScamReports`, staff and supervisors)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from bot.core.actions import Action, SendMessage
from bot.core.scam import ASKED, CHANNELS, asked_values
from bot.i18n import N_, Catalogs
from bot.services.outbox.queue import enqueue
from storage.models import Citizen, OutboxMessage, Report, ScamReport

HOW, WHO, ASKED_FOR, MORE = N_("How"), N_("Who"), N_("Asked for"), N_("More")  # the card's labels
KIND = "scam"  # the outbox kind of a scam report's card in the officer group
PRIORITY = 7  # behind alerts and cards: nobody's life hangs on it
WINDOW = timedelta(hours=24)  # the limit counts the reports of this long
ERASED = 0  # user_id and chat_id of a report whose reporter erased their data


async def record(
    session: AsyncSession,
    *,
    user_id: int,
    chat_id: int,
    language: str,
    channel: str | None,
    who: str | None,
    asked_for: str | None,
    detail: str | None,
    officer_chat_id: int | None,
    now: datetime,
) -> ScamReport:
    """Store a scam report and queue its card for the officers (in the caller's unit of work)."""
    report = ScamReport(
        user_id=user_id,
        chat_id=chat_id,
        language=language,
        channel=channel if channel in CHANNELS else None,
        asked_for=",".join(asked_values(asked_for)) or None,
        who=who or None,
        detail=detail or None,
        created_at=now,
    )
    session.add(report)
    await session.flush()
    if officer_chat_id is not None:
        await enqueue(
            session, chat_id=officer_chat_id, kind=KIND, payload={"scam": report.id}, priority=PRIORITY,
            now=now,
        )  # fmt: skip
    return report


async def sent_lately(conn: AsyncConnection, user_id: int, now: datetime) -> int:
    """How many scam reports this account sent in the last 24 hours."""
    query = select(func.count()).where(ScamReport.user_id == user_id, ScamReport.created_at > now - WINDOW)
    return int(await conn.scalar(query) or 0)


async def erase_of(session: AsyncSession, user_id: int) -> None:
    """The citizen's /delete: who contacted them, what else they said and the link to their account
    go; the report stays counted (when, how, what was asked)."""
    await session.execute(
        update(ScamReport)
        .where(ScamReport.user_id == user_id)
        .values(who=None, detail=None, user_id=ERASED, chat_id=ERASED)
        .execution_options(synchronize_session=False)
    )


async def expire(session: AsyncSession, now: datetime, days: int) -> int:
    """Retention: scam reports older than `days` are deleted; how many."""
    result = await session.execute(
        delete(ScamReport)
        .where(ScamReport.created_at < now - timedelta(days=days))
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def per_channel(session: AsyncSession, start: datetime, end: datetime) -> dict[str, int]:
    """Scam reports made in [start, end), by channel ("" for not said)."""
    query = (
        select(ScamReport.channel, func.count())
        .where(ScamReport.created_at >= start, ScamReport.created_at < end)
        .group_by(ScamReport.channel)
    )
    return {str(channel or ""): int(n) for channel, n in await session.execute(query)}


async def case_of(session: AsyncSession, user_id: int) -> str | None:
    """The reference of the reporter's newest case, if they have one."""
    query = (
        select(Report.reference)
        .join(Citizen, Citizen.id == Report.citizen_id)
        .where(Citizen.telegram_user_id == user_id, Report.reference.is_not(None))
        .order_by(Report.id.desc())
        .limit(1)
    )
    return await session.scalar(query)


class ScamComposer:
    """The card of a scam report, written when it goes to the officer group."""

    def __init__(self, catalogs: Catalogs, language: str) -> None:
        self.catalogs = catalogs
        self.language = language

    async def compose(self, session: AsyncSession, row: OutboxMessage) -> Action | None:
        scam_id = row.payload.get("scam")
        found = await session.get(ScamReport, scam_id) if isinstance(scam_id, int) else None
        if found is None or found.user_id == ERASED:
            return None  # deleted by retention, or erased by its reporter before it went
        t = self.catalogs[self.language]
        lines = [t(N_("🚩 Scam reported · {when}"), when=t.datetime(found.created_at))]
        if found.channel in CHANNELS:
            lines.append(f"{t(HOW)}: {t(CHANNELS[found.channel])}")
        if found.who:
            lines.append(f"{t(WHO)}: {found.who}")
        asked = [t(ASKED[v]) for v in asked_values(found.asked_for)]
        if asked:
            lines.append(f"{t(ASKED_FOR)}: {', '.join(asked)}")
        if found.detail:
            lines.append(f"{t(MORE)}: {found.detail}")
        reference = await case_of(session, found.user_id)
        if reference:
            lines.append(t(N_("Reported by the citizen of {reference}."), reference=reference))
        else:
            lines.append(t(N_("Reported by someone without a case.")))
        return SendMessage(row.chat_id, "\n".join(lines)[:4096])


@dataclass(frozen=True, slots=True)
class Listed:
    """A scam report as the console lists it: what officers read on its card."""

    id: int
    at: datetime
    channel: str | None
    asked_for: tuple[str, ...]
    who: str | None
    detail: str | None
    reference: str | None  # the reporter's own case, if they have one
    erased: bool  # its reporter erased their data


class ScamReports:
    """The console's view of the scam reports (staff and supervisors: bot.console.scams)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def recent(self, limit: int = 200) -> list[Listed]:
        """The newest scam reports, newest first."""
        async with self.sessions() as session:
            found = list(
                await session.scalars(select(ScamReport).order_by(ScamReport.id.desc()).limit(limit))
            )
            users = {s.user_id for s in found if s.user_id != ERASED}
            cases: dict[int, str] = {}
            if users:
                query = (
                    select(Citizen.telegram_user_id, Report.reference)
                    .join(Report, Report.citizen_id == Citizen.id)
                    .where(Citizen.telegram_user_id.in_(users), Report.reference.is_not(None))
                    .order_by(Report.id)
                )
                cases = {int(user): str(reference) for user, reference in await session.execute(query)}
        return [self._listed(s, cases) for s in found]

    @staticmethod
    def _listed(s: ScamReport, cases: dict[int, str]) -> Listed:
        return Listed(
            id=s.id, at=s.created_at, channel=s.channel, asked_for=tuple(asked_values(s.asked_for)),
            who=s.who, detail=s.detail, reference=cases.get(s.user_id), erased=s.user_id == ERASED,
        )  # fmt: skip
