"""The situation report as the console, the command line and the bot ask for it, and the morning's
post (HOTLINE_SITREP_TIME, in the mission's time zone).

Posted once a day, whichever worker or restart gets there first: when the mission's clock has passed
the time and no `Sitrep` row holds yesterday, a worker inserts that row in a transaction of its own
(the day is the primary key: a second worker's insert fails, and it posts nothing), then, with the
transaction closed, sends the chart with the short report as its caption to the officer group (and
the whole report after it when it did not fit), and the same to each supervisor privately (one
refusing does not stop the others), then notes `posted_at`. A bot that was down at the time posts
when it starts, that same day; a day it was down throughout gets no report afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.actions import Action, SendMessage, SendPhoto
from bot.core.port import BotPort, DeliveryError
from bot.i18n import Catalogs
from bot.services.sitrep import Figures, caption, figures, fits_caption, text
from bot.services.sitrep_draw import chart_png, pdf
from storage.models import Sitrep

log = logging.getLogger(__name__)
EVERY = timedelta(seconds=30)  # how often the bot looks at the clock
TRIES = 3  # a send Telegram could not take (not a refusal) is tried again this many times
RETRY = timedelta(minutes=10)  # a claim that reached no chat this long ago is taken again


@dataclass(frozen=True, slots=True)
class Posting:
    """Where the morning's report goes, and in which language."""

    at: time | None  # the mission's local time; None: no report is posted
    officer_chat_id: int | None
    supervisor_ids: tuple[int, ...]
    language: str


class Sitreps:
    """The situation report: its figures for a day, its words, its chart, its PDF, and its post."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], clock: Callable[[], datetime], catalogs: Catalogs,
        zone: ZoneInfo, mission: str = "",
    ) -> None:  # fmt: skip
        self.sessions, self.clock, self.catalogs = sessions, clock, catalogs
        self.zone, self.mission = zone, mission

    def today(self) -> date:
        """The mission's date now."""
        return self.clock().astimezone(self.zone).date()

    def due_day(self) -> date:
        """The day a report is about when none is named: yesterday, the last full day."""
        return self.today() - timedelta(days=1)

    async def figures(self, day: date) -> Figures:
        async with self.sessions() as session:
            return await figures(session, day, self.clock(), self.zone)

    def text(self, f: Figures, lang: str) -> str:
        return text(f, self.catalogs[lang], self.mission)

    def caption(self, f: Figures, lang: str) -> str:
        return caption(f, self.catalogs[lang], self.mission)

    def chart(self, f: Figures, lang: str) -> bytes:
        return chart_png(f, self.catalogs[lang])

    def pdf(self, f: Figures, lang: str) -> bytes:
        return pdf(f, self.catalogs[lang], self.mission)

    # -- the morning's post ------------------------------------------------------------------------

    def due(self, at: time) -> date | None:
        """The day to report on now: yesterday, once the mission's clock has passed `at` today."""
        local = self.clock().astimezone(self.zone)
        return local.date() - timedelta(days=1) if local.time().replace(tzinfo=None) >= at else None

    async def claim(self, day: date) -> bool:
        """Take the day's report for this worker: True for one worker at a time. A claim that
        posted nothing for RETRY (Telegram down, the worker killed while sending) may be taken
        again, so a report is late rather than lost; one that reached a chat never is."""
        now = self.clock()
        async with self.sessions() as session:
            made = await session.get(Sitrep, day)
        if made is not None:
            if made.posted_at is not None or made.made_at > now - RETRY:
                return False
            async with self.sessions() as session, session.begin():
                stale = (Sitrep.day == day) & Sitrep.posted_at.is_(None) & (Sitrep.made_at <= now - RETRY)
                taken = await session.execute(update(Sitrep).where(stale).values(made_at=now))
            return bool(getattr(taken, "rowcount", 0))  # 0: another worker took it a moment before
        try:
            async with self.sessions() as session, session.begin():
                session.add(Sitrep(day=day, made_at=now))
        except IntegrityError:
            return False  # another worker, a moment before
        return True

    async def post_once(self, port: BotPort, posting: Posting) -> date | None:
        """One look at the clock: the report posted when it is due and nobody posted it; the day
        it was about, else None."""
        day = self.due(posting.at) if posting.at is not None else None
        if day is None or not await self.claim(day):
            return None
        f = await self.figures(day)  # its own session, closed before anything goes to Telegram
        lang = posting.language
        chart, short, whole = self.chart(f, lang), self.caption(f, lang), self.text(f, lang)
        if fits_caption(whole):  # else the short caption, then the whole report as a message
            short, whole = whole, ""
        chats = ([posting.officer_chat_id] if posting.officer_chat_id is not None else []) + [
            *posting.supervisor_ids
        ]
        reached = 0
        for chat_id in chats:
            if await _send(port, chat_id, chart, f, short, whole):
                reached += 1
        if chats and not reached:  # nobody got it: the claim stays open and is taken again later
            log.warning("sitrep: the report of %s reached no chat; it is tried again in %s", day, RETRY)
            return None
        async with self.sessions() as session, session.begin():
            await session.execute(update(Sitrep).where(Sitrep.day == day).values(posted_at=self.clock()))
        log.info("sitrep: the report of %s posted to %d of %d chats", day, reached, len(chats))
        return day

    async def keep_posting(
        self, port: BotPort, posting: Posting, stop: asyncio.Event, every: timedelta = EVERY
    ) -> None:
        """In the bot (the elected worker): look at the clock every `every` until `stop` is set."""
        if posting.at is None:
            return
        while not stop.is_set():
            try:
                await self.post_once(port, posting)
            except Exception:
                log.exception("sitrep: the daily report failed; it looks again later")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every.total_seconds())

    async def posted(self, day: date) -> datetime | None:
        async with self.sessions() as session:
            return await session.scalar(select(Sitrep.posted_at).where(Sitrep.day == day))


async def _send(port: BotPort, chat_id: int, chart: bytes, f: Figures, short: str, whole: str) -> bool:
    """The chart with its caption, then the whole report when it did not fit; False when Telegram
    refused (a supervisor who never started the bot, one who blocked it)."""
    name = f"sitrep-{f.day.isoformat()}.png"
    actions: list[Action] = [SendPhoto(chat_id, name, chart, caption=short)]
    if whole:
        actions.append(SendMessage(chat_id, whole))
    for action in actions:
        for attempt in range(TRIES):
            try:
                await port.perform(action)
                break
            except DeliveryError as exc:
                if exc.is_final or attempt == TRIES - 1:
                    log.warning("sitrep: chat %s did not take the report (%s)", chat_id, exc.code)
                    return False
                await asyncio.sleep(min(exc.retry_after or 2.0 * (attempt + 1), 30.0))
    return True
