"""The person a family looks for answers "may we tell them you are safe?" (services.searches): the
question then says what they chose, without buttons. A button that is not theirs, or asks nothing
any more (answered, the search ended, forged), is answered "no longer active" and changes nothing."""

from __future__ import annotations

import logging

from bot.core.actions import AnswerCallback, EditMessage
from bot.core.callbacks import Callback, Scope
from bot.core.incoming import Incoming, Kind
from bot.core.port import BotPort, DeliveryError
from bot.i18n import N_, Catalogs
from bot.services.families import Families
from bot.services.people import People

log = logging.getLogger(__name__)


class FoundAnswers:
    def __init__(self, families: Families, people: People, catalogs: Catalogs) -> None:
        self.families = families
        self.people = people
        self.catalogs = catalogs

    @staticmethod
    def wants(inp: Incoming) -> bool:
        pressed = Callback.parse(inp.callback_data) if inp.kind is Kind.BUTTON else None
        return pressed is not None and pressed.scope is Scope.FOUND

    async def handle(self, inp: Incoming, port: BotPort) -> None:
        said = await self.families.answer(inp.user_id, inp.callback_data or "")
        t = self.catalogs[await self.people.language(inp.user_id, inp.language_code)]
        if said is None:
            log.warning("refused a found person's answer %r from user %s", inp.callback_data, inp.user_id)
            notice = t(N_("This button is no longer active."))
        else:
            notice = t(said)
            if inp.message_id is not None:
                try:
                    await port.perform(EditMessage(inp.chat_id, inp.message_id, f"✓ {notice}"))
                except DeliveryError as exc:
                    log.info("chat %s: the question was not edited: %s", inp.chat_id, exc)
        if inp.callback_id:
            await port.perform(AnswerCallback(inp.callback_id, notice))
