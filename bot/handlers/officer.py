"""The duty officers' side: buttons on case cards, replies to cases, and the case commands."""

from __future__ import annotations

import logging

from bot.core.actions import AnswerCallback, SendMessage
from bot.core.callbacks import Callback, Scope
from bot.core.incoming import Incoming, Kind
from bot.core.port import BotPort
from bot.handlers import officer_commands
from bot.handlers.officer_desk import OfficerDesk, officer_of, relay
from bot.i18n import N_

log = logging.getLogger(__name__)
OFFICER_ONLY = frozenset(
    {"case", "open", "mine", "note", "tag", "export", "reply", "stage", "refer", "screen"}
)
OFFICER_COMMANDS = OFFICER_ONLY | {"status", "help", "start"}  # the last three are a citizen's own elsewhere


class OfficerHandler:
    def __init__(self, desk: OfficerDesk) -> None:
        self.desk = desk

    def wants(self, inp: Incoming) -> bool:
        """Officer group updates, officer buttons anywhere, officer commands from staff in private."""
        if inp.chat_id == self.desk.alerts.officer_chat_id:
            return True
        if (
            inp.kind is Kind.BUTTON
            and (pressed := Callback.parse(inp.callback_data))
            and pressed.scope is Scope.CASE
        ):
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
                t = self.desk.catalogs[await self.desk.people.language(inp.user_id, inp.language_code)]
            refusal = t(N_("Sorry, only the embassy's duty officers can do this."))
            if inp.kind is Kind.BUTTON and inp.callback_id:
                await port.perform(AnswerCallback(inp.callback_id, refusal, alert=True))
            elif inp.kind is Kind.COMMAND:
                await port.perform(SendMessage(inp.chat_id, refusal, reply_to=inp.message_id))
            return
        if inp.kind is Kind.BUTTON:
            await self.press(inp, port)
        elif inp.kind is Kind.COMMAND:
            await officer_commands.run(self.desk, inp, port)
        else:
            await self.reply_to_case(inp, port)

    async def press(self, inp: Incoming, port: BotPort) -> None:
        desk, t = self.desk, self.desk.t
        pressed = Callback.parse(inp.callback_data)
        action = pressed.field(0) if pressed and pressed.scope is Scope.CASE else ""
        number = pressed.number(1) if pressed and len(pressed.fields) == 2 else None
        notice: str | None = t(N_("This button is no longer active."))
        details: str | None = None
        if number is not None and action == "ack":
            if (done := await desk.casework.acknowledge(number, officer_of(inp))) is not None:
                notice = t(N_("Acknowledged.")) if done.changed else t(N_("Already acknowledged."))
        elif number is not None and action == "take":
            if (done := await desk.casework.take(number, officer_of(inp))) is not None:
                notice = t(N_("The case is yours: {reference}."), reference=done.reference)
        elif number is not None and action == "det" and (details := await desk.casework.details(number, t)):
            notice = None
        if inp.callback_id:
            await port.perform(AnswerCallback(inp.callback_id, notice))
        if details is not None and number is not None:
            sent = await port.perform(
                SendMessage(inp.chat_id, details, protect_content=True, reply_to=inp.message_id)
            )
            await desk.casework.link(inp.chat_id, sent, number, "personal")  # taken back if they erase

    async def reply_to_case(self, inp: Incoming, port: BotPort) -> None:
        if not inp.text or inp.reply_to_message_id is None:
            return
        report_id = await self.desk.casework.case_of_message(inp.chat_id, inp.reply_to_message_id)
        if report_id is not None:
            await relay(self.desk, inp, port, report_id, inp.text)
        elif inp.reply_to_bot:  # an answer meant for a citizen must not vanish without a word
            t = self.desk.t
            text = t(N_("This message is not part of a case, so your answer went nowhere. Reply to the "
                        "case's card, or write /reply PNH-000123 and your message."))  # fmt: skip
            await port.perform(SendMessage(inp.chat_id, text, reply_to=inp.message_id))
