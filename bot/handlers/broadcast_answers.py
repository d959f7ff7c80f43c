"""A citizen presses an answer button under a broadcast: recorded (once per citizen, a later press
replaces it) and thanked with a pop-up, without touching their report conversation."""

from __future__ import annotations

import logging

from bot.core.actions import AnswerCallback
from bot.core.callbacks import Callback, Scope
from bot.core.incoming import Incoming, Kind
from bot.core.port import BotPort
from bot.handlers.answer_buttons import thanks
from bot.i18n import Catalogs
from bot.services.broadcasts.drafting import Broadcasting
from bot.services.people import People

log = logging.getLogger(__name__)


class BroadcastAnswers:
    def __init__(self, broadcasting: Broadcasting, people: People, catalogs: Catalogs) -> None:
        self.broadcasting = broadcasting
        self.people = people
        self.catalogs = catalogs

    @staticmethod
    def wants(inp: Incoming) -> bool:
        pressed = Callback.parse(inp.callback_data) if inp.kind is Kind.BUTTON else None
        return pressed is not None and pressed.scope is Scope.ANSWER

    async def handle(self, inp: Incoming, port: BotPort) -> None:
        recorded = await self.broadcasting.answer(inp.user_id, inp.callback_data or "")
        if recorded is None:
            log.warning("refused broadcast answer %r from user %s", inp.callback_data, inp.user_id)
        _, notice = await thanks(recorded, inp, self.catalogs, self.people)
        if inp.callback_id:
            await port.perform(AnswerCallback(inp.callback_id, notice))
