"""What both runtimes' ports share: an action becomes Bot API calls (bot.runtime.calls), each made
the framework's way; Telegram's errors become DeliveryError; an edit that changes nothing is no error."""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager

from bot.core.actions import Action
from bot.core.port import DeliveryError
from bot.runtime.calls import Call, calls

NOT_MODIFIED = "message is not modified"


class FrameworkPort(ABC):
    async def perform(self, action: Action) -> int | None:
        """The action carried out; the id of the message it made, if it made one."""
        made: int | None = None
        try:
            with self.errors():
                for call in calls(action):
                    message_id = await self.call(call)
                    if call.sends:
                        made = message_id
        except DeliveryError as exc:
            if exc.code == 400 and NOT_MODIFIED in exc.description.lower():
                return None  # an edit that changes nothing is no error
            raise
        return made

    async def member_status(self, chat_id: int, user_id: int) -> str:
        """The user's status in the chat ("member", "administrator", "left"…), from getChatMember."""
        with self.errors():
            return await self.chat_member_status(chat_id, user_id)

    @abstractmethod
    def errors(self) -> AbstractContextManager[None]:
        """The framework's exceptions, raised inside, as DeliveryError."""

    @abstractmethod
    async def call(self, call: Call) -> int | None:
        """One Bot API call; for a call that `sends`, the id of the message made."""

    @abstractmethod
    async def chat_member_status(self, chat_id: int, user_id: int) -> str: ...
