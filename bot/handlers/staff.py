"""Staff in a private chat with the bot: composing broadcasts (/broadcast), following them
(/broadcasts, a report, its CSV) and stopping one. Staff are HOTLINE_STAFF_IDS and supervisors.

Callback data (never a label):
    bc:f:<category>  bc:f:-  bc:t:<category>:<value>  bc:x  bc:n   the audience step
    bc:s  bc:b:<preset>  bc:w  bc:go  bc:re  bc:c  bc:pv           the later steps, a preview's buttons
    bc:stop:<id>  bc:rep:<id>  bc:csv:<id>                         following a broadcast
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.actions import AnswerCallback, SendDocument, SendMessage
from bot.core.callbacks import record_id
from bot.core.incoming import Incoming, Kind
from bot.core.port import BotPort
from bot.handlers.languages import their_language
from bot.handlers.staff_compose import Composing
from bot.i18n import N_, Catalogs, Translator
from bot.services.broadcasts import queue_progress, stop
from bot.services.broadcasts.report import (
    answers_csv,
    list_keyboard,
    list_text,
    recent,
    report_keyboard,
    report_text,
)
from bot.services.roles import Roles
from storage.models import Broadcast, BroadcastDraft

log = logging.getLogger(__name__)
COMMANDS = frozenset({"broadcast", "broadcasts"})
PREFIX = "bc:"


@dataclass(frozen=True, slots=True)
class StaffDesk:
    """What every staff action needs, built once in the Hotline."""

    sessions: async_sessionmaker[AsyncSession]
    catalogs: Catalogs
    roles: Roles
    language: str  # the officer language: staff read what the officers read
    mission: str
    zone: ZoneInfo
    clock: Callable[[], datetime]
    wake_sender: Callable[[], None]
    wake_worker: Callable[[], None]

    @property
    def t(self) -> Translator:
        return self.catalogs[self.language]


class StaffHandler:
    def __init__(self, desk: StaffDesk) -> None:
        self.desk = desk
        self.composing = Composing(desk)

    async def wants(self, inp: Incoming) -> bool:
        """Staff buttons, the staff commands and, while a staff member composes, what they type and
        /cancel: in a private chat only (a group, even the officers', shows nothing of a broadcast)."""
        if not inp.is_private:
            return False
        if inp.kind is Kind.BUTTON:
            return (inp.callback_data or "").startswith(PREFIX)
        if inp.kind is Kind.COMMAND and inp.command in COMMANDS:
            return True
        typing = inp.kind is Kind.TEXT or (inp.kind is Kind.COMMAND and inp.command == "cancel")
        if not typing or not self.desk.roles.is_staff(inp.user_id):
            return False
        async with self.desk.sessions() as session:
            return await session.get(BroadcastDraft, inp.user_id) is not None

    async def handle(self, inp: Incoming, port: BotPort) -> None:
        t = self.desk.t
        if not self.desk.roles.is_staff(inp.user_id):
            log.warning("refused %r from user %s", inp.callback_data or inp.command, inp.user_id)
            if inp.is_private:  # most likely a citizen: in their language, not the officers'
                t = self.desk.catalogs[await their_language(self.desk.sessions, inp)]
            refusal = t(N_("Sorry, only the embassy's staff can do this."))
            if inp.callback_id:
                await port.perform(AnswerCallback(inp.callback_id, refusal, alert=True))
            else:
                await port.perform(SendMessage(inp.chat_id, refusal, reply_to=inp.message_id))
            return
        if inp.kind is Kind.BUTTON:
            notice = await self.press(inp, port)
            if inp.callback_id:
                await port.perform(AnswerCallback(inp.callback_id, notice))
        elif inp.command == "broadcast":
            await self.composing.start(inp, port)
        elif inp.command == "broadcasts":
            async with self.desk.sessions() as session:
                items = await recent(session)
            await port.perform(SendMessage(inp.chat_id, list_text(items, t), list_keyboard(items, t)))
        elif inp.command == "cancel":
            await self.composing.cancel(inp, port)
        else:
            await self.composing.text(inp, port)

    async def press(self, inp: Incoming, port: BotPort) -> str | None:
        parts = (inp.callback_data or "").split(":")[1:]
        t = self.desk.t
        if not parts or not parts[0]:
            return t(N_("This button is no longer active."))
        if parts[0] == "pv":
            return t(N_("This is only a preview: nothing is recorded."))
        if parts[0] == "go":
            return await self.composing.confirm(inp, port)
        number = record_id(parts[1]) if len(parts) == 2 else None
        if parts[0] in ("stop", "rep", "csv") and number is not None:
            return await self.follow(inp, port, parts[0], number)
        return await self.composing.press(inp, port, parts)

    async def follow(self, inp: Incoming, port: BotPort, action: str, broadcast_id: int) -> str | None:
        """Stop a broadcast, or send its report or its CSV."""
        t = self.desk.t
        async with self.desk.sessions() as session, session.begin():
            broadcast = await session.get(Broadcast, broadcast_id)
            if broadcast is None:
                return t(N_("This button is no longer active."))
            if action == "stop":
                if not await stop(session, broadcast_id, self.desk.clock()):
                    return t(N_("This broadcast is not being sent any more."))
                await session.refresh(broadcast)
                await queue_progress(session, broadcast, self.desk.clock())
                log.info("broadcast %d stopped by %s", broadcast_id, inp.user_id)
            elif action == "rep":
                text = await report_text(session, broadcast, t)
                keyboard = report_keyboard(broadcast, t)
            else:
                content = await answers_csv(session, broadcast, t)
        if action == "stop":
            self.desk.wake_sender()
            return t(N_("⏹ Stopped. Messages not sent yet will not go."))
        if action == "rep":
            await port.perform(SendMessage(inp.chat_id, text, keyboard, protect_content=True))
        else:
            stamp = self.desk.clock().astimezone(self.desk.zone).strftime("%Y%m%d-%H%M")
            document = SendDocument(
                inp.chat_id, f"broadcast-{broadcast_id}-{stamp}.csv", content,
                caption=t(N_("Broadcast #{n}: who got it and what they answered"), n=broadcast_id),
                protect_content=True,
            )  # fmt: skip
            await port.perform(document)
        return None
