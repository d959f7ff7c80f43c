"""Staff in a private chat with the bot: composing broadcasts (/broadcast), following them
(/broadcasts, a report, its CSV) and stopping one. Staff are HOTLINE_STAFF_IDS and supervisors.

Callback data (never a label):
    bc:f:<category>  bc:f:-  bc:t:<category>:<value>  bc:x  bc:n   the audience step
    bc:s  bc:b:<preset>  bc:w  bc:go  bc:re  bc:c  bc:pv           the later steps, a preview's buttons
    bc:stop:<id>  bc:rep:<id>  bc:csv:<id>                         following a broadcast
"""

from __future__ import annotations

import logging

from bot.core.actions import AnswerCallback, SendDocument, SendMessage
from bot.core.callbacks import Callback, Scope, record_id
from bot.core.incoming import Incoming, Kind
from bot.core.port import BotPort
from bot.handlers.staff_compose import Composing
from bot.handlers.staff_desk import StaffDesk
from bot.i18n import N_
from bot.services.broadcasts.drafting import Stopped
from bot.services.broadcasts.problems import STALE
from bot.services.broadcasts.report import list_keyboard, list_text

log = logging.getLogger(__name__)
COMMANDS = frozenset({"broadcast", "broadcasts"})


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
            pressed = Callback.parse(inp.callback_data)
            return pressed is not None and pressed.scope is Scope.STAFF
        if inp.kind is Kind.COMMAND and inp.command in COMMANDS:
            return True
        typing = inp.kind is Kind.TEXT or (inp.kind is Kind.COMMAND and inp.command == "cancel")
        if not typing or not self.desk.roles.is_staff(inp.user_id):
            return False
        return await self.desk.broadcasting.composing(inp.user_id)

    async def handle(self, inp: Incoming, port: BotPort) -> None:
        t = self.desk.t
        if not self.desk.roles.is_staff(inp.user_id):
            log.warning("refused %r from user %s", inp.callback_data or inp.command, inp.user_id)
            if inp.is_private:  # most likely a citizen: in their language, not the officers'
                t = self.desk.catalogs[await self.desk.people.language(inp.user_id, inp.language_code)]
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
            items = await self.desk.broadcasting.recent()
            await port.perform(SendMessage(inp.chat_id, list_text(items, t), list_keyboard(items, t)))
        elif inp.command == "cancel":
            await self.composing.cancel(inp, port)
        else:
            await self.composing.text(inp, port)

    async def press(self, inp: Incoming, port: BotPort) -> str | None:
        pressed = Callback.parse(inp.callback_data)
        parts = list(pressed.fields) if pressed is not None and pressed.scope is Scope.STAFF else []
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
        broadcasting = self.desk.broadcasting
        if action == "stop":
            stopped = await broadcasting.stop(broadcast_id)
            if stopped is Stopped.NO_BROADCAST:
                return t(STALE)
            if stopped is Stopped.NOT_ACTIVE:
                return t(N_("This broadcast is not being sent any more."))
            log.info("broadcast %d stopped by %s", broadcast_id, inp.user_id)
            return t(N_("⏹ Stopped. Messages not sent yet will not go."))
        if action == "rep":
            if (report := await broadcasting.report(broadcast_id, t)) is None:
                return t(STALE)
            await port.perform(SendMessage(inp.chat_id, *report, protect_content=True))
            return None
        if (content := await broadcasting.answers_csv(broadcast_id, t)) is None:
            return t(STALE)
        stamp = self.desk.clock().astimezone(self.desk.zone).strftime("%Y%m%d-%H%M")
        document = SendDocument(
            inp.chat_id, f"broadcast-{broadcast_id}-{stamp}.csv", content,
            caption=t(N_("Broadcast #{n}: who got it and what they answered"), n=broadcast_id),
            protect_content=True,
        )  # fmt: skip
        await port.perform(document)
        return None
