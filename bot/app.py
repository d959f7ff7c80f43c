"""The hotline as the runtimes see it: one entry point for every update, handled per chat in order,
and the background workers (the outbox sender, the SOS watch, the broadcast worker) beside it.

Private chats pass a flood gate first (services.flood: slowed, never dropped; an SOS goes at once),
and an update already handled in its chat is not handled again (services.seen).
Routing, first match wins: a citizen's answer to a broadcast (ba:…), staff broadcast commands and
buttons (bc:…, and what a staff member types while composing), the officer desk, a citizen's chat.
Every handler's own messages count against the outbox's overall rate (outbox.SharedRatePort)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.config import Settings
from bot.console.server import start_console
from bot.console.web import Console
from bot.core.clock import utc_now
from bot.core.incoming import Incoming, Kind
from bot.core.port import BotPort
from bot.flow.sos import is_sos
from bot.handlers.broadcast_answers import BroadcastAnswers
from bot.handlers.citizen import CitizenHandler
from bot.handlers.console_login import ConsoleLogin
from bot.handlers.flight_answers import FlightAnswers
from bot.handlers.found_answers import FoundAnswers
from bot.handlers.officer import OfficerHandler
from bot.handlers.officer_desk import OfficerDesk
from bot.handlers.referral_answers import ReferralAnswers
from bot.handlers.staff import StaffHandler
from bot.handlers.staff_desk import StaffDesk
from bot.i18n import Catalogs
from bot.keys import keyring_for
from bot.services import scams
from bot.services.admission import Admission
from bot.services.alerts import KINDS as ALERT_KINDS
from bot.services.alerts import AlertComposer, AlertSettings, watch_sos
from bot.services.broadcasts import KINDS as BROADCAST_KINDS
from bot.services.broadcasts import BroadcastComposer, BroadcastWorker
from bot.services.broadcasts.drafting import Broadcasting
from bot.services.casework import Casework
from bot.services.console_access import ConsoleAccess, Role
from bot.services.conversation import Conversations, Mission
from bot.services.families import Families
from bot.services.flights import Flights, checkin_key
from bot.services.flood import FloodGate
from bot.services.inbox import Inbox
from bot.services.leader import BROADCASTS, OUTBOX, SENT_ELSEWHERE, Leadership
from bot.services.merges import Duplicates
from bot.services.outbox import Composer, Sender, SharedRatePort
from bot.services.people import People
from bot.services.phone import remember_sent_row
from bot.services.referrals import Referrals
from bot.services.retention import keep_erasing
from bot.services.roles import Roles
from bot.services.seen import first_time
from bot.services.sitreps import Posting, Sitreps
from bot.services.webapp_auth import webapp_key
from storage.db import make_engine, make_sessionmaker
from storage.locks import ChatHolds
from storage.models import OutboxMessage

log = logging.getLogger(__name__)


class ChatLocks:
    """One lock per chat, so two quick taps never race on one draft; unused locks are dropped.
    With `holds`, the chat is also held against other workers on PostgreSQL (storage.locks)."""

    def __init__(self, holds: ChatHolds | None = None) -> None:
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}
        self._holds = holds

    async def run(self, chat_id: int, work: Callable[[], Awaitable[None]]) -> None:
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._users[chat_id] = self._users.get(chat_id, 0) + 1
        try:
            async with lock:
                if self._holds is None:
                    await work()
                else:
                    async with self._holds.hold(chat_id):
                        await work()
        finally:
            self._users[chat_id] -= 1
            if self._users[chat_id] == 0:
                del self._users[chat_id]
                del self._locks[chat_id]


class Hotline:
    """Built in main() from the settings; the runtimes call `handle` for every incoming value."""

    def __init__(
        self, settings: Settings, engine: AsyncEngine, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.clock = clock
        self.sessions = make_sessionmaker(engine)
        self.catalogs = Catalogs(settings.zone)
        self.alert_settings = AlertSettings(
            officer_chat_id=settings.officer_chat_id,
            supervisor_ids=settings.supervisor_ids,
            officer_language=settings.officer_language,
            sos_repeat=timedelta(seconds=settings.sos_repeat_seconds),
            sos_escalate=timedelta(seconds=settings.sos_escalate_seconds),
        )
        mission = Mission(
            name=settings.mission_name,
            prefix=settings.reference_prefix,
            phone=settings.hotline_phone,
            retention_days=settings.retention_days,
            zone=settings.zone,
            website=settings.website,
            fees=settings.fees,
            scam_limit=settings.scam_reports_per_day,
        )
        self.sender: Sender | None = None
        self.leader = Leadership(engine)  # which worker sends (one on PostgreSQL), and signals to it
        self.people = People(self.sessions)
        self.conversations = Conversations(self.sessions, self.catalogs, mission, clock, self.alert_settings)
        token = settings.bot_token.get_secret_value() if settings.bot_token else None
        self.flights = Flights(
            self.sessions, settings.reference_prefix, clock, self.catalogs, settings.mission_name,
            settings.zone, self.wake, settings.console_base if settings.console_port else None,
            checkin_key(token) if token else None,
        )  # fmt: skip
        self.flight_answers = FlightAnswers(self.flights, self.people, self.catalogs)
        self.families = Families(self.sessions, clock, self.catalogs, settings.mission_name, self.wake)
        self.found_answers = FoundAnswers(self.families, self.people, self.catalogs)
        self.citizens = CitizenHandler(
            self.conversations, self.people, self.catalogs, self.wake, self.flights
        )
        roles = Roles(
            settings.officer_chat_id,
            settings.staff_ids,
            settings.supervisor_ids,
            settings.member_cache_seconds,
        )
        self.casework = Casework(
            self.sessions, settings.reference_prefix, clock, self.alert_settings, self.catalogs,
            settings.mission_name, self.wake,
        )  # fmt: skip
        self.broadcasting = Broadcasting(self.sessions, clock, settings.zone, self.wake, self.wake_broadcasts)
        self.referrals = Referrals(
            self.sessions, clock, self.catalogs, settings.mission_name, self.alert_settings,
            settings.partners, self.wake,
        )  # fmt: skip
        self.referral_answers = ReferralAnswers(self.referrals, self.people, self.catalogs)
        self.duplicates = Duplicates(self.sessions, clock, self.alert_settings, self.wake)
        self.officers = OfficerHandler(
            OfficerDesk(
                self.casework, self.people, self.catalogs, self.alert_settings, roles, clock, self.referrals
            )
        )
        self.broadcasts = BroadcastWorker(self.sessions, clock, self.wake, time.monotonic)
        self.staff = StaffHandler(
            StaffDesk(
                self.broadcasting, self.people, self.catalogs, roles, settings.officer_language,
                settings.mission_name, settings.zone, clock,
            )
        )  # fmt: skip
        self.answers = BroadcastAnswers(self.broadcasting, self.people, self.catalogs)
        self.holds = ChatHolds(engine)
        self.locks = ChatLocks(self.holds)
        self.flood = FloodGate(settings.flood_limit, settings.flood_window_seconds)
        self.admission = Admission(settings.concurrent_updates)
        self.inbox = Inbox(engine, clock)
        self.roles = roles
        self._port: BotPort | None = None  # the runtime's, once the workers run: for membership checks
        self.console_live = False  # the web console is listening (it may be switched off, or its port taken)
        self.console_access = ConsoleAccess(
            self.sessions, clock, self._console_role, webapp_key=webapp_key(token) if token else None,
            on_role_lost=self._console_role_lost,
        )  # fmt: skip
        console_url = settings.console_base if settings.console_port else None
        self.console_login = ConsoleLogin(self.console_access, self.people, self.catalogs, console_url)
        self.sitreps = Sitreps(self.sessions, clock, self.catalogs, settings.zone, settings.mission_name)
        self.posting = Posting(
            settings.sitrep_at, settings.officer_chat_id, settings.supervisor_ids, settings.officer_language
        )

    @classmethod
    def from_settings(cls, settings: Settings, clock: Callable[[], datetime] = utc_now) -> Hotline:
        return cls(settings, make_engine(settings.database_url, keyring_for(settings)), clock)

    def wake(self) -> None:
        """New outbox rows: the sender (in this worker or another) looks now instead of at its next tick."""
        self.leader.signal(OUTBOX)

    def wake_broadcasts(self) -> None:
        self.leader.signal(BROADCASTS)

    def sent_elsewhere(self) -> None:
        """A handler sent a message itself: the outbox's overall rate counts it (see outbox.shared)."""
        self.leader.signal(SENT_ELSEWHERE)

    async def health(self) -> dict[str, str]:
        """For GET /health: the database reachable or not, and this worker's role (sender, standby)."""
        return await self.leader.health()

    async def handle(self, inp: Incoming, port: BotPort) -> None:
        port = SharedRatePort(port, self.sent_elsewhere)
        overtaking = await self._flood_turn(inp, port) if inp.is_private else False
        urgent = is_sos(inp)
        if urgent and self.admission.waiting(inp.chat_id):
            overtaking = True  # it passes messages of its chat that wait in line
        async with self.admission.turn(inp.chat_id, urgent):  # a surge waits in line; an SOS does not
            await self._route(inp, port, overtaking)

    async def _route(self, inp: Incoming, port: BotPort, overtaking: bool) -> None:
        if self.answers.wants(inp):  # a citizen's answer to a broadcast, before their conversation
            await self.locks.run(inp.chat_id, self._once(inp, lambda: self.answers.handle(inp, port)))
        elif self.flight_answers.wants(inp):  # a passenger's answer to their flight's notice
            await self.locks.run(inp.chat_id, self._once(inp, lambda: self.flight_answers.handle(inp, port)))
        elif self.found_answers.wants(inp):  # the person a family looks for: may we tell them?
            await self.locks.run(inp.chat_id, self._once(inp, lambda: self.found_answers.handle(inp, port)))
        elif self.referral_answers.wants(inp):  # a citizen's yes or no to a referral
            await self.locks.run(
                inp.chat_id, self._once(inp, lambda: self.referral_answers.handle(inp, port))
            )
        elif self.console_login.wants(inp):
            await self.locks.run(inp.chat_id, self._once(inp, lambda: self.console_login.handle(inp, port)))
        elif await self.staff.wants(inp):
            await self.locks.run(inp.chat_id, self._once(inp, lambda: self.staff.handle(inp, port)))
        elif self.officers.wants(inp):
            await self.locks.run(inp.chat_id, self._once(inp, lambda: self.officers.handle(inp, port)))
        elif inp.is_private:  # the citizen's handler records the update with the answer (exactly once)
            await self.locks.run(inp.chat_id, lambda: self.citizens.handle(inp, port, overtaking))
        else:
            log.info("ignored an update from chat %s, which is not the officer group", inp.chat_id)

    async def _flood_turn(self, inp: Incoming, port: BotPort) -> bool:
        """Wait for this message's turn when the chat floods; an SOS and live locations never wait.
        True when an SOS goes ahead of messages of its chat that are still waiting."""
        if is_sos(inp):
            return self.flood.waiting(inp.chat_id)
        if inp.kind is Kind.LIVE_LOCATION:
            return False
        turn = self.flood.turn(inp.chat_id)
        if turn.notify:
            try:
                await self.citizens.slow_notice(inp, port)
            except Exception:
                log.exception("the flood notice to chat %s failed", inp.chat_id)
        if turn.delay > 0:
            await asyncio.sleep(turn.delay)
        return False

    def _once(self, inp: Incoming, work: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        """The work, unless this update was handled in its chat already (a webhook retry)."""

        async def once() -> None:
            if await first_time(self.sessions, inp.chat_id, inp.update_id):
                await work()
            else:
                log.info("update %s of chat %s was handled already", inp.update_id, inp.chat_id)

        return once

    async def run_workers(self, port: BotPort, stop: asyncio.Event) -> None:
        """The web console (in every worker), and the background work, until `stop` is set, in the
        worker elected to send (services.leader)."""
        self._port = port
        console = await self.start_console()
        try:
            await self.leader.run(lambda lead: self._lead(port, lead), stop)
        finally:
            if console is not None:
                await console.cleanup()

    async def start_console(self) -> web.AppRunner | None:
        """The web console listening on its host and port; None when it is off or cannot listen."""
        s = self.settings
        if not s.console_port:
            return None
        secure = s.console_base.startswith("https://")
        pages = Console(
            access=self.console_access, casework=self.casework, broadcasting=self.broadcasting,
            flights=self.flights,
            catalogs=self.catalogs, mission=s.mission_name, secure=secure, tiles=s.map_tiles,
            sitreps=self.sitreps, families=self.families, scams=scams.ScamReports(self.sessions),
            referrals=self.referrals, duplicates=self.duplicates,
        )  # fmt: skip
        console = await start_console(pages, s.console_host, s.console_port)
        self.console_live = console is not None
        return console

    async def _console_role(self, user_id: int) -> Role | None:
        """Staff and supervisors; officer-group members (asked of Telegram, trusted a little while)."""
        if self.roles.is_staff(user_id):
            return Role.STAFF
        port = self._port
        if port is not None and await self.roles.is_officer(user_id, port):
            return Role.OFFICER
        return None

    async def _console_role_lost(self, user_id: int) -> None:
        """Their chat's menu button no longer opens the console."""
        if self._port is not None:
            await self.console_login.drop_menu_button(user_id, self._port)

    async def _lead(self, port: BotPort, stop: asyncio.Event) -> None:
        """The outbox sender, the SOS watch, the broadcast worker, retention and the daily report,
        until `stop` is set."""
        s = self.settings
        composer = AlertComposer(self.alert_settings, self.catalogs)
        broadcast = BroadcastComposer(
            self.catalogs, s.officer_language, s.mission_name, s.send_rate, self.clock
        )
        composers: dict[str, Composer] = dict.fromkeys(ALERT_KINDS, composer)
        composers.update(dict.fromkeys(BROADCAST_KINDS, broadcast))
        composers[scams.KIND] = scams.ScamComposer(self.catalogs, s.officer_language)

        async def on_sent(session: AsyncSession, row: OutboxMessage, message_id: int | None) -> None:
            await composer.on_sent(session, row, message_id)
            await remember_sent_row(session, row, message_id)  # for /hide: all that reached the phone

        self.sender = Sender(
            self.sessions, port, rate=s.send_rate, group_per_minute=s.group_rate_per_minute,
            composers=composers, on_sent=on_sent, on_failed=composer.on_failed, clock=self.clock,
            persistent=ALERT_KINDS,
            recover_after=self.leader.takeover_grace,
        )  # fmt: skip
        sender = self.sender
        self.leader.serve(
            {OUTBOX: sender.wake, SENT_ELSEWHERE: sender.sent_elsewhere, BROADCASTS: self.broadcasts.wake}
        )
        if s.officer_chat_id is None:
            log.warning("HOTLINE_OFFICER_CHAT_ID is not set: reports are stored, but no officer is alerted")
        retention = keep_erasing(
            self.sessions, s.reference_prefix, s.retention_days, self.clock, stop, draft_days=s.draft_days
        )
        watches = [asyncio.create_task(self._watch(stop)), asyncio.create_task(self.broadcasts.run(stop))]
        watches.append(asyncio.create_task(retention))
        daily = self.sitreps.keep_posting(SharedRatePort(port, self.sent_elsewhere), self.posting, stop)
        watches.append(asyncio.create_task(daily))
        try:
            await self.sender.run(stop)
        finally:
            for watch in watches:
                watch.cancel()
            for watch in watches:
                with contextlib.suppress(asyncio.CancelledError):
                    await watch

    async def _watch(self, stop: asyncio.Event) -> None:
        tick = max(0.2, min(self.settings.sos_repeat_seconds, self.settings.sos_escalate_seconds) / 5)
        while not stop.is_set():
            try:
                await self.watch_once()
            except Exception:
                log.exception("the SOS watch failed; it tries again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), tick)

    async def watch_once(self) -> int:
        """One look of the SOS watch at the clock's time: repeats and escalations queued (and the
        sender woken); returns how many rows. The bot runs it every few seconds."""
        async with self.sessions() as session, session.begin():
            queued = await watch_sos(session, self.alert_settings, self.clock())
        if queued:
            self.wake()
        return queued

    async def sitrep_once(self) -> date | None:
        """One look of the daily report's clock at the clock's time (the bot looks every 30 s, once
        its workers run): the day whose report it posted, or None."""
        if self._port is None:
            raise RuntimeError("the workers are not running: no way to Telegram yet")
        return await self.sitreps.post_once(SharedRatePort(self._port, self.sent_elsewhere), self.posting)

    async def close(self) -> None:
        await self.inbox.close()
        await self.holds.close()
        await self.engine.dispose()
