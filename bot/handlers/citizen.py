"""A citizen's private chat: the message taken (services.conversation), then the answer sent."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from bot.core.actions import (
    Action,
    AnswerCallback,
    DeleteMessages,
    EditMarkup,
    EditMessage,
    SendMessage,
    SendPhoto,
)
from bot.core.incoming import Incoming, Kind
from bot.core.port import BotPort, DeliveryError
from bot.flow.commands import releases_held
from bot.flow.model import Close, Notice, Outcome, Redraw, Reply
from bot.i18n import N_, Catalogs
from bot.services.conversation import Conversations
from bot.services.flights import Flights
from bot.services.people import People

log = logging.getLogger(__name__)
DELETE_BATCH = 100  # deleteMessages takes at most 100 ids


class CitizenHandler:
    def __init__(
        self,
        conversations: Conversations,
        people: People,
        catalogs: Catalogs,
        wake: Callable[[], None] = lambda: None,
        flights: Flights | None = None,
    ) -> None:
        self.conversations = conversations
        self.people = people
        self.catalogs = catalogs
        self.wake = wake
        self.flights = flights

    async def handle(self, inp: Incoming, port: BotPort, overtaking: bool = False) -> None:
        """`overtaking`: an SOS handled before earlier messages of the chat that wait their turn (flood)."""
        turn = await self.conversations.take(inp, overtaking)
        if turn.outcome is None:
            return  # Telegram delivered this update again (a webhook retry, a restart): done already
        if turn.wake:  # only for rows of its own: under a surge, a look per update would cost the sender
            self.wake()
        sent, question, failure = await self._send(turn.outcome, inp, port, turn.reference)
        if failure is None and inp.kind is Kind.COMMAND and inp.command == "status":
            sent += await self._check_in_code(inp, port)
        if turn.wipe is not None and failure is None:  # what was just sent (a keyboard off) goes too
            await delete_from_phone(port, inp.chat_id, sorted({*turn.wipe, *sent}))
            sent = []
        # The citizen wrote, and has had the bot's answer: what waited for them may go now (after the
        # answer, never before it; and never for a command, a confirmation or /hide's deletion)
        release = releases_held(inp) and failure is None
        released = await self.conversations.remember_sent(
            inp.chat_id, sent, question, turn.saved, release=release, delivered=failure is None
        )
        if released:
            self.wake()
        if failure is not None:  # stored, not all seen: the next message gets the question asked again
            raise failure

    async def _check_in_code(self, inp: Incoming, port: BotPort) -> list[int]:
        """On the day of their flight, /status also shows the passenger's check-in code."""
        if self.flights is None:
            return []
        try:
            code = await self.flights.check_in_code(inp.user_id)
            if code is None:
                return []
            png, caption = code
            photo = SendPhoto(inp.chat_id, "check-in.png", png, caption, protect_content=True)
            message_id = await patiently(port, photo)
        except DeliveryError as exc:
            log.warning("chat %s: the check-in code was not sent: %s", inp.chat_id, exc)
            return []
        return [message_id] if message_id is not None else []

    async def slow_notice(self, inp: Incoming, port: BotPort) -> None:
        """The one notice of a flood (services.flood): everything will be read, a little slower."""
        t = self.catalogs[await self.people.language(inp.user_id, inp.language_code)]
        text = t(N_("You are writing very fast. I read every message in turn: please wait a moment."))
        message_id = await port.perform(SendMessage(inp.chat_id, text))
        if message_id is not None:
            await self.conversations.remember_sent(inp.chat_id, [message_id], None)

    async def _send(
        self, outcome: Outcome, inp: Incoming, port: BotPort, reference: str
    ) -> tuple[list[int], int | None, DeliveryError | None]:
        """Carry out the messages, each tried again a few times when Telegram fails for a moment;
        the ids of the messages sent, the question's, and the error that stopped the rest (if any)."""
        sent: list[int] = []
        question: int | None = None
        answered_button = False
        for item in outcome.out:
            action: Action
            if isinstance(item, Reply):
                text = item.text.replace("{reference}", reference)
                action = SendMessage(inp.chat_id, text, item.markup, protect_content=item.protect)
            elif isinstance(item, Close):
                action = EditMessage(inp.chat_id, item.message_id, item.text)
            elif isinstance(item, Redraw):
                action = EditMarkup(inp.chat_id, item.message_id, item.markup)
            elif isinstance(item, Notice) and inp.callback_id:
                answered_button = True
                action = AnswerCallback(inp.callback_id, item.text)
            else:
                continue
            try:
                message_id = await patiently(port, action)
            except DeliveryError as exc:
                return sent, question, exc
            if message_id is not None and isinstance(action, SendMessage):
                sent.append(message_id)
                if isinstance(item, Reply) and item.question:
                    question = message_id
        if inp.kind is Kind.BUTTON and inp.callback_id and not answered_button:
            try:
                await port.perform(AnswerCallback(inp.callback_id))
            except DeliveryError as exc:
                log.info("chat %s: a button tap was not answered: %s", inp.chat_id, exc)
        return sent, question, None


PATIENCE = (0.5, 2.0)  # a reply that fails for a moment (a 5xx, a dropped connection) is tried again
MOST_WAIT = 10.0  # a 429 asking to wait longer than this is not waited for here


async def patiently(port: BotPort, action: Action) -> int | None:
    """The action, tried again after a moment when Telegram fails for a moment: a citizen always sees
    the answer to what they did (a button's pop-up is not tried again: its moment passes)."""
    pauses = () if isinstance(action, AnswerCallback) else PATIENCE
    for pause in (*pauses, None):
        try:
            return await port.perform(action)
        except DeliveryError as exc:
            wait = exc.retry_after if exc.code == 429 and exc.retry_after else pause
            passing = exc.code == 0 or exc.code >= 500 or exc.code == 429
            if pause is None or wait is None or not passing or wait > MOST_WAIT:
                raise
            log.info("chat %s: %s failed (%s); trying again in %.1f s", action.__class__.__name__, exc.code,
                     exc, wait)  # fmt: skip
            await asyncio.sleep(wait)
    return None


async def delete_from_phone(port: BotPort, chat_id: int, ids: list[int]) -> None:
    """deleteMessages in batches of 100; a batch Telegram refuses does not stop the others."""
    for start in range(0, len(ids), DELETE_BATCH):
        batch = tuple(ids[start : start + DELETE_BATCH])
        try:
            await port.perform(DeleteMessages(chat_id, batch))
        except DeliveryError as exc:
            log.warning("chat %s: %d message(s) could not be deleted: %s", chat_id, len(batch), exc)
