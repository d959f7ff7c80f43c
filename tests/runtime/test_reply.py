"""Which way a tap's answer goes: in the webhook's reply, or as a request of its own."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.core.actions import Action, AnswerCallback, SendMessage
from bot.core.incoming import Incoming
from bot.core.port import BotPort
from bot.runtime.dispatch import Dispatch
from tests.support.inbox import MemoryInbox

TAP: dict[str, Any] = {
    "update_id": 7,
    "callback_query": {
        "id": "tap-1",
        "from": {"id": 1001, "is_bot": False, "first_name": "Siti"},
        "chat_instance": "1",
        "data": "f:safe:yes",
        "message": {"message_id": 3, "date": 0, "chat": {"id": 1001, "type": "private"}, "text": "?"},
    },
}
ANSWER = AnswerCallback("tap-1", "Noted.")


class Answering:
    """A hotline that sends a message and answers the tap, as the real handlers do."""

    catalogs: Any = None

    def __init__(self) -> None:
        self.inbox = MemoryInbox()

    async def handle(self, inp: Incoming, port: BotPort) -> None:
        await port.perform(SendMessage(inp.chat_id, "next question"))
        await port.perform(AnswerCallback(inp.callback_id or "", "Noted."))

    async def run_workers(self, port: BotPort, stop: asyncio.Event) -> None:
        return None


class Recording:
    def __init__(self) -> None:
        self.requests: list[Action] = []

    async def perform(self, action: Action) -> int | None:
        self.requests.append(action)
        return None

    async def member_status(self, chat_id: int, user_id: int) -> str:
        return "member"


async def handled(dispatch: Dispatch, update: dict[str, Any]) -> None:
    task = dispatch.submit(update)
    assert task is not None
    await task


async def test_a_tap_by_webhook_is_answered_in_the_reply() -> None:
    port = Recording()
    dispatch = Dispatch(Answering(), port)
    dispatch.expect_reply(7)
    await handled(dispatch, TAP)
    assert dispatch.reply(7) == {
        "method": "answerCallbackQuery",
        "callback_query_id": "tap-1",
        "text": "Noted.",
    }
    assert port.requests == [SendMessage(1001, "next question")]  # the message still goes at once
    assert dispatch.reply(7) is None  # given once


async def test_a_webhook_request_left_unanswered_sends_the_answer_itself() -> None:
    port = Recording()
    dispatch = Dispatch(Answering(), port)
    dispatch.expect_reply(7)
    await handled(dispatch, TAP)
    dispatch.answer_apart(7)  # the webhook request ended without a reply (a stop, an error)
    await dispatch.drain(5)
    assert port.requests == [SendMessage(1001, "next question"), ANSWER]


async def test_by_polling_a_tap_is_answered_by_a_request() -> None:
    port = Recording()
    dispatch = Dispatch(Answering(), port)
    await handled(dispatch, TAP)
    assert port.requests == [SendMessage(1001, "next question"), ANSWER]
    assert dispatch.reply(7) is None


async def test_an_answer_given_after_the_webhook_replied_goes_by_request() -> None:
    port = Recording()
    dispatch = Dispatch(Answering(), port)
    dispatch.expect_reply(7)
    task = dispatch.submit(TAP)
    assert dispatch.reply(7) is None  # replied before the handler answered
    assert task is not None
    await task
    assert port.requests == [SendMessage(1001, "next question"), ANSWER]
