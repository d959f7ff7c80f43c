"""A BotPort that keeps every action in memory, as a phone would show it (tests of the core only)."""

from __future__ import annotations

import itertools

from bot.core.actions import Action, AnswerCallback, DeleteMessages, EditMarkup, EditMessage, SendMessage


class RecordingPort:
    def __init__(self) -> None:
        self.actions: list[Action] = []
        self.made: dict[int, int] = {}  # id(action) -> the message id it made, for the actions not taken yet
        self._ids = itertools.count(100)
        self.texts: dict[int, str] = {}

    async def perform(self, action: Action) -> int | None:
        self.actions.append(action)
        if isinstance(action, SendMessage):
            message_id = next(self._ids)
            self.texts[message_id] = action.text
            self.made[id(action)] = message_id
            return message_id
        if isinstance(action, EditMessage):
            self.texts[action.message_id] = action.text
        if isinstance(action, (EditMarkup, DeleteMessages, AnswerCallback)):
            return None
        return None

    async def member_status(self, chat_id: int, user_id: int) -> str:
        return "left"  # the golden conversations have no officer group

    def take(self) -> list[Action]:
        taken, self.actions = self.actions, []
        return taken

    def take_made(self) -> tuple[list[Action], dict[int, int]]:
        """The actions since the last take, and id(action) -> message id for those that made one."""
        made, self.made = self.made, {}
        return self.take(), made
