"""A citizen presses an answer button under a broadcast: recorded (once per citizen, a later press
replaces it) and thanked with a pop-up, without touching their report conversation."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.actions import AnswerCallback
from bot.core.incoming import Incoming, Kind
from bot.core.port import BotPort
from bot.handlers.languages import their_language
from bot.i18n import N_, Catalogs
from bot.services.broadcasts import parse_answer, record
from bot.services.broadcasts.presets import ANSWER_PREFIX

log = logging.getLogger(__name__)


class BroadcastAnswers:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], catalogs: Catalogs, clock: Callable[[], datetime]
    ) -> None:
        self.sessions = sessions
        self.catalogs = catalogs
        self.clock = clock

    @staticmethod
    def wants(inp: Incoming) -> bool:
        return inp.kind is Kind.BUTTON and (inp.callback_data or "").startswith(f"{ANSWER_PREFIX}:")

    async def handle(self, inp: Incoming, port: BotPort) -> None:
        parsed = parse_answer(inp.callback_data or "")
        recorded = None
        if parsed is not None:
            async with self.sessions() as session, session.begin():
                recorded = await record(session, inp.user_id, parsed[0], parsed[1], self.clock())
        if recorded is None:
            log.warning("refused broadcast answer %r from user %s", inp.callback_data, inp.user_id)
            t = self.catalogs[await their_language(self.sessions, inp)]
            notice = t(N_("This button is no longer active."))
        else:
            t = self.catalogs[recorded.language]
            notice = (
                t(N_("Thank you, we changed your answer."))
                if recorded.changed
                else t(N_("Thank you, we have your answer."))
            )
        if inp.callback_id:
            await port.perform(AnswerCallback(inp.callback_id, notice))
