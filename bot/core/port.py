"""The one interface a runtime implements for the core: carry out an action, say what Telegram answered."""

from __future__ import annotations

from typing import Protocol

from bot.core.actions import Action


class DeliveryError(Exception):
    """Telegram refused or could not be reached. `code` is Telegram's error_code (0 for network errors)."""

    def __init__(self, code: int, description: str = "", retry_after: float | None = None) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description
        self.retry_after = retry_after

    @property
    def is_final(self) -> bool:
        """403 (blocked, kicked) and 400 (bad request) will not succeed when tried again."""
        return self.code in (400, 403, 404)

    @property
    def is_blocked(self) -> bool:
        return self.code == 403


class BotPort(Protocol):
    async def perform(self, action: Action) -> int | None:
        """Carry out one action. Returns the message id Telegram gave a sent message, else None.

        Raises DeliveryError when Telegram answers with an error or cannot be reached.
        """
        ...

    async def member_status(self, chat_id: int, user_id: int) -> str:
        """Telegram's getChatMember status: creator, administrator, member, restricted, left or kicked."""
        ...
