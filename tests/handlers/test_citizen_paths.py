"""The citizen handler's two paths on a real database: a plain answer (Core, no session) and a step
with effects (the ORM unit of work). Whichever path a message takes, what is stored is the same."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import Hotline
from bot.config import load_settings
from bot.core.actions import SendMessage
from bot.core.incoming import Incoming, Kind
from storage.migrate import upgrade
from storage.models import Citizen, Conversation
from tests.support.databases import database_url
from tests.support.recorder import RecordingPort

USER = 4242


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 20, 3, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def tick(self, minutes: int = 1) -> None:
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def hotline(tmp_path: Path, clock: Clock) -> AsyncIterator[Hotline]:
    settings = load_settings(database_url=database_url(tmp_path, "paths"))
    made = Hotline.from_settings(settings, clock)
    await upgrade(made.engine)
    yield made
    await made.close()


class Chat:
    def __init__(self, hotline: Hotline, clock: Clock) -> None:
        self.hotline, self.clock, self.port = hotline, clock, RecordingPort()
        self.update_id = 0

    async def send(self, kind: Kind, update_id: int | None = None, **fields: object) -> list[str]:
        """One update from the citizen; the texts of the messages the bot sent for it."""
        self.clock.tick()
        if update_id is None:
            self.update_id += 1
            update_id = self.update_id
        base = {"chat_id": USER, "user_id": USER, "update_id": update_id, "language_code": "en"}
        if kind is Kind.BUTTON:
            last = max(self.port.texts)  # the newest message: the question asked
            fields = {"callback_id": f"cb{update_id}", "message_id": last, **fields}
        else:
            fields = {"message_id": 1000 + update_id, **fields}
        await self.hotline.handle(Incoming(kind, **base, **fields), self.port)  # type: ignore[arg-type]
        return [a.text for a in self.port.take() if isinstance(a, SendMessage)]

    async def stored(self) -> tuple[Citizen, Conversation]:
        async with self.hotline.sessions() as session:
            citizen = (await session.execute(select(Citizen))).scalar_one()
            conv = await session.get(Conversation, USER)
            assert conv is not None
            return citizen, conv


@pytest.fixture
def chat(hotline: Hotline, clock: Clock) -> Chat:
    return Chat(hotline, clock)


async def test_consent_keeps_its_first_time_and_a_language_choice_is_stored(chat: Chat) -> None:
    await chat.send(Kind.COMMAND, text="/start", command="start")
    await chat.send(Kind.BUTTON, callback_data="f:welcome:agree")
    citizen, conv = await chat.stored()
    first = citizen.consent_at
    assert first is not None and conv.step == "safe"

    await chat.send(Kind.COMMAND, text="/cancel", command="cancel")  # gone, then back later
    await chat.send(Kind.BUTTON, callback_data="cx:yes")
    await chat.send(Kind.COMMAND, text="/start", command="start")
    assert (await chat.stored())[1].step == "welcome"
    await chat.send(Kind.BUTTON, callback_data="f:welcome:agree")
    citizen, conv = await chat.stored()
    assert conv.step == "safe" and citizen.consent_at == first, "consent keeps the time it was first given"

    sent = await chat.send(Kind.COMMAND, text="/language", command="language")
    assert sent, "the language choice was offered"
    await chat.send(Kind.BUTTON, callback_data="lang:id")
    citizen, _ = await chat.stored()
    assert citizen.language == "id"


async def test_a_plain_answer_is_stored_with_the_ids_and_a_retry_is_handled_once(chat: Chat) -> None:
    await chat.send(Kind.COMMAND, text="/start", command="start")
    await chat.send(Kind.BUTTON, callback_data="f:welcome:agree")
    asked = await chat.send(Kind.BUTTON, callback_data="f:safe:yes")
    assert asked, "the next question was asked"
    _, conv = await chat.stored()
    before = conv.step
    question = conv.data.get("_q")
    assert isinstance(question, int), "the question's message id is kept for closing it later"
    kept = [pair[0] for pair in conv.message_ids["ids"]]
    assert question in kept

    again = await chat.send(Kind.BUTTON, update_id=chat.update_id, callback_data="f:safe:yes")
    assert again == [], "the same update delivered twice is answered once"
    _, conv = await chat.stored()
    assert conv.step == before
