"""The duty officers' side: buttons on case cards, replies to cases, and the case commands."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.actions import AnswerCallback, SendMessage
from bot.core.callbacks import record_id
from bot.core.contact import may_write_first
from bot.core.incoming import Incoming, Kind
from bot.core.port import BotPort
from bot.handlers import officer_commands
from bot.handlers.languages import their_language
from bot.i18n import N_, Catalogs, Translator
from bot.services.alerts import Alerts, AlertSettings
from bot.services.cards import MESSAGE_LIMIT, details_text
from bot.services.cases import Cases, link_message
from bot.services.outbox import SENDING, enqueue
from bot.services.reports import same_person
from bot.services.roles import Roles
from storage.models import CaseMessage, Citizen, OutboxMessage, Report

log = logging.getLogger(__name__)
OFFICER_ONLY = frozenset({"case", "open", "mine", "note", "tag", "export", "reply"})
MAPPING_POLLS, MAPPING_POLL_SECONDS = 50, 0.1  # how long a reply waits for a card being recorded
OFFICER_COMMANDS = OFFICER_ONLY | {"status", "help", "start"}  # the last three are a citizen's own elsewhere


@dataclass(frozen=True, slots=True)
class Desk:
    """What every officer action needs, built once in the Hotline."""

    sessions: async_sessionmaker[AsyncSession]
    catalogs: Catalogs
    alerts: AlertSettings
    roles: Roles
    prefix: str
    mission: str
    clock: Callable[[], datetime]
    wake: Callable[[], None]

    @property
    def t(self) -> Translator:
        return self.catalogs[self.alerts.officer_language]


class OfficerHandler:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def wants(self, inp: Incoming) -> bool:
        """Officer group updates, officer buttons anywhere, officer commands from staff in private."""
        if inp.chat_id == self.desk.alerts.officer_chat_id:
            return True
        if inp.kind is Kind.BUTTON and (inp.callback_data or "").startswith("o:"):
            return True
        if inp.kind is not Kind.COMMAND:
            return False
        staff = self.desk.roles.is_staff(inp.user_id)
        return inp.command in OFFICER_ONLY or (inp.command in OFFICER_COMMANDS and staff)

    async def handle(self, inp: Incoming, port: BotPort) -> None:
        t = self.desk.t
        in_group = inp.chat_id == self.desk.alerts.officer_chat_id
        if inp.kind not in (Kind.BUTTON, Kind.COMMAND, Kind.TEXT):
            return
        if inp.kind is Kind.TEXT and not (in_group and inp.reply_to_message_id):
            return  # officers talk among themselves; only replies to a case go to the citizen
        if inp.kind is Kind.COMMAND and inp.command not in OFFICER_COMMANDS:
            return
        if not in_group and not inp.is_private:
            # a group that is not the officers' (strangers may have added the bot): nothing of a case
            # shows there, whoever asks; a forged button gets the refusal, a command no answer at all
            log.warning("refused %s %r from user %s in group %s, which is not the officer group",
                        inp.kind, inp.callback_data or inp.command, inp.user_id, inp.chat_id)  # fmt: skip
            if inp.kind is Kind.BUTTON and inp.callback_id:
                refusal = t(N_("Sorry, only the embassy's duty officers can do this."))
                await port.perform(AnswerCallback(inp.callback_id, refusal, alert=True))
            return
        allowed = await self.desk.roles.is_officer(inp.user_id, port)
        if not in_group and not self.desk.roles.is_staff(inp.user_id):
            allowed = False  # cards' buttons and case commands: in the officer group, or staff in private
        if not allowed:
            log.warning(
                "refused %s %r from user %s in chat %s",
                inp.kind,
                inp.callback_data or inp.command,
                inp.user_id,
                inp.chat_id,
            )
            if not in_group:  # most likely a citizen: in their language, not the officers'
                t = self.desk.catalogs[await their_language(self.desk.sessions, inp)]
            refusal = t(N_("Sorry, only the embassy's duty officers can do this."))
            if inp.kind is Kind.BUTTON and inp.callback_id:
                await port.perform(AnswerCallback(inp.callback_id, refusal, alert=True))
            elif inp.kind is Kind.COMMAND:
                await port.perform(SendMessage(inp.chat_id, refusal, reply_to=inp.message_id))
            return
        if inp.kind is Kind.BUTTON:
            await self.press(inp, port)
        elif inp.kind is Kind.COMMAND:
            await officer_commands.run(self, inp, port)
        else:
            await self.reply_to_case(inp, port)

    async def press(self, inp: Incoming, port: BotPort) -> None:
        t = self.desk.t
        parts = (inp.callback_data or "").split(":")
        action = parts[1] if len(parts) > 1 else ""
        raw_id = parts[2] if len(parts) > 2 else ""
        notice = t(N_("This button is no longer active."))
        details: str | None = None
        report_id: int | None = None
        async with self.desk.sessions() as session, session.begin():
            now = self.desk.clock()
            cases = Cases(session, self.desk.prefix, now)
            number = record_id(raw_id)
            report = await cases.get(number) if number is not None else None
            if report is not None and action in ("ack", "take", "det"):
                changed, acknowledged = False, []
                if action == "ack":
                    changed = cases.acknowledge(report, inp.user_id)
                    acknowledged = await cases.acknowledge_sos(report, inp.user_id)
                    fresh = changed or bool(acknowledged)
                    notice = t(N_("Acknowledged.")) if fresh else t(N_("Already acknowledged."))
                elif action == "take":
                    changed = cases.take(report, inp.user_id, inp.user_name or str(inp.user_id))
                    acknowledged = await cases.acknowledge_sos(report, inp.user_id)
                    notice = t(N_("The case is yours: {reference}."), reference=report.reference)
                else:
                    details, notice = details_text(report, t, await same_person(session, report)), ""
                    report_id = report.id
                if changed or acknowledged:
                    alerts = Alerts(session, self.desk.alerts, now)
                    await alerts.changed(report)
                    await alerts.acknowledged(report, acknowledged)
        if inp.callback_id:
            await port.perform(AnswerCallback(inp.callback_id, notice or None))
        if details is not None and report_id is not None:
            sent = await port.perform(
                SendMessage(inp.chat_id, details, protect_content=True, reply_to=inp.message_id)
            )
            await self.linked(inp.chat_id, sent, report_id, "personal")  # taken back if they erase
        self.desk.wake()

    async def linked(self, chat_id: int, message_id: int | None, report_id: int, kind: str) -> None:
        """Keep a message just sent about a case: a reply to it reaches the citizen; a "personal" one
        is taken back when the citizen erases their data."""
        if message_id is None:
            return
        async with self.desk.sessions() as session, session.begin():
            await link_message(session, chat_id, message_id, report_id, kind)

    async def reply_to_case(self, inp: Incoming, port: BotPort) -> None:
        if not inp.text or inp.reply_to_message_id is None:
            return
        report_id = await self.case_of(inp.chat_id, inp.reply_to_message_id)
        if report_id is not None:
            await self.relay(inp, port, report_id, inp.text)
        elif inp.reply_to_bot:  # an answer meant for a citizen must not vanish without a word
            t = self.desk.t
            text = t(N_("This message is not part of a case, so your answer went nowhere. Reply to the "
                        "case's card, or write /reply PNH-000123 and your message."))  # fmt: skip
            await port.perform(SendMessage(inp.chat_id, text, reply_to=inp.message_id))

    async def case_of(self, chat_id: int, message_id: int) -> int | None:
        """The case a group message belongs to, if it is one of the bot's case messages.

        A card is on the group's screen a moment before the sender records which case it belongs
        to; an officer quick enough to answer in that moment must not lose the answer, so while a
        send to the group is still being recorded we wait for it (a few seconds at most).
        """
        for _ in range(MAPPING_POLLS):
            async with self.desk.sessions() as session:
                # sends under way first, then the mapping: a send that ends in between commits its
                # mapping with its end, so the second read sees it (the other order could miss both)
                in_flight = await session.scalar(
                    select(OutboxMessage.id)
                    .where(OutboxMessage.chat_id == chat_id, OutboxMessage.status == SENDING)
                    .limit(1)
                )
                mapping = await session.get(CaseMessage, (chat_id, message_id))
            if mapping is not None:
                return mapping.report_id
            if in_flight is None:
                return None
            await asyncio.sleep(MAPPING_POLL_SECONDS)
        return None

    async def relay(self, inp: Incoming, port: BotPort, report_id: int, text: str) -> None:
        """The officer's words reach the citizen as the embassy's; the officer's name is never shown."""
        t = self.desk.t
        async with self.desk.sessions() as session, session.begin():
            now = self.desk.clock()
            report = await session.get(Report, report_id)
            citizen = await session.get(Citizen, report.citizen_id) if report else None
            if report is None or citizen is None:
                return
            reference = report.reference
            relayed = relay_text(self.desk, citizen.language or report.language, text)
            if citizen.unreachable_at is not None:
                answer = t(
                    N_("{reference} has blocked the bot: the message cannot be delivered."),
                    reference=reference,
                )
            elif len(relayed) > MESSAGE_LIMIT:
                answer = t(
                    N_("Not sent: that is {n} characters with the heading, and a message holds {most}. "
                       "Shorten it, or send it in two parts."),
                    n=t.number(len(relayed)), most=t.number(MESSAGE_LIMIT),
                )  # fmt: skip
            else:
                held = not may_write_first(citizen.contact_pref)
                message = SendMessage(citizen.chat_id, relayed)
                await enqueue(
                    session, action=message, chat_id=citizen.chat_id, kind="relay_out", priority=2,
                    report_id=report.id, held=held, now=now,
                )  # fmt: skip
                Cases(session, self.desk.prefix, now).log(
                    report, inp.user_id, "officer_reply", text=text, held=held
                )
                if held:
                    answer = t(
                        N_(
                            "⏸ Held: {reference} has not said we may write first. "
                            "It goes out right after their next message."
                        ),
                        reference=reference,
                    )
                else:
                    answer = t(N_("✓ On its way to {reference}, in the embassy's name."), reference=reference)
        sent = await port.perform(SendMessage(inp.chat_id, answer, reply_to=inp.message_id))
        await self.linked(inp.chat_id, sent, report_id, "plain")  # a reply to it reaches the citizen too
        self.desk.wake()


def relay_text(desk: Desk, lang: str, text: str) -> str:
    """An officer's words as the citizen reads them: from the mission, never with the officer's name."""
    head = desk.catalogs[lang](N_("🏛 Message from {mission}:"), mission=desk.mission)
    return f"{head}\n\n{text}"
