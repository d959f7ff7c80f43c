"""One overall rate for the outbox and the handlers' direct answers.

Handlers answer a citizen at once, without the outbox. Those messages count against Telegram's overall
limit too: a sender pacing a broadcast at the full `rate` beside them would push the total over it,
and Telegram would answer 429 (to the broadcast, or worse, to a citizen's answer). `SharedRatePort`
wraps the port the handlers use and tells the sender of every message it makes; the answer goes at
once, and the sender's next rows wait for the token it used. With several workers, the sender runs
in one of them: the others' answers reach it as signals (bot.services.leader, SENT_ELSEWHERE).
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.actions import Action, SendDocument, SendLocation, SendMessage, SendPhoto
from bot.core.port import BotPort

MAKES_A_MESSAGE = (SendMessage, SendLocation, SendDocument, SendPhoto)


class SharedRatePort:
    def __init__(self, port: BotPort, sent_elsewhere: Callable[[], None]) -> None:
        self.port = port
        self._sent_elsewhere = sent_elsewhere

    async def perform(self, action: Action) -> int | None:
        if isinstance(action, MAKES_A_MESSAGE):
            self._sent_elsewhere()
        return await self.port.perform(action)

    async def member_status(self, chat_id: int, user_id: int) -> str:
        return await self.port.member_status(chat_id, user_id)
