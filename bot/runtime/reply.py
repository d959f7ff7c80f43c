"""Answering a button tap inside the webhook's own answer: one request to Telegram fewer per tap.

Telegram lets the answer to a webhook request carry one Bot API call, which it then carries out.
It does not say whether that call worked; for stopping a tapped button's spinner (with a short
notice at most) that is enough: at worst the spinner turns until the phone gives up. A tap is
answered last or nearly so by every handler, and the webhook answers only once the update has been
handled, so keeping the answer for the webhook's reply delays nothing the person sees.
"""

from __future__ import annotations

from typing import Any

from bot.core.actions import Action, AnswerCallback
from bot.core.port import BotPort


class ReplySlot:
    """Room for one answer to one button tap, open until the webhook answers."""

    def __init__(self, callback_id: str) -> None:
        self.callback_id = callback_id
        self.action: AnswerCallback | None = None
        self.open = True

    def keep(self, action: Action) -> bool:
        """Keep the tap's (first) answer for the webhook's reply; False: it must go as a request."""
        if (
            self.open
            and self.action is None
            and isinstance(action, AnswerCallback)
            and action.callback_id == self.callback_id
        ):
            self.action = action
            return True
        return False

    def close(self) -> AnswerCallback | None:
        """No more room; the answer kept, if any."""
        self.open = False
        action, self.action = self.action, None
        return action


class ReplyingPort:
    """A port that keeps the answer to one tap in a slot and passes everything else on."""

    def __init__(self, port: BotPort, slot: ReplySlot) -> None:
        self.port = port
        self.slot = slot

    async def perform(self, action: Action) -> int | None:
        if self.slot.keep(action):
            return None
        return await self.port.perform(action)

    async def member_status(self, chat_id: int, user_id: int) -> str:
        return await self.port.member_status(chat_id, user_id)


def as_method(action: AnswerCallback) -> dict[str, Any]:
    """The answer as a Bot API call in a webhook's reply (JSON with "method")."""
    body: dict[str, Any] = {"method": "answerCallbackQuery", "callback_query_id": action.callback_id}
    if action.text:
        body["text"] = action.text
    if action.alert:
        body["show_alert"] = True
    return body
