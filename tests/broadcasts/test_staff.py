"""The staff side through Hotline.handle, without Telegram: a scheduled broadcast composed by typed
time, wrong inputs answered, stale and forged buttons refused, and stopping from the progress message."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import Hotline
from bot.config import load_settings
from bot.core.actions import AnswerCallback, SendMessage
from bot.core.incoming import Incoming, Kind
from bot.services.broadcasts.states import SCHEDULED, STOPPED
from storage.migrate import upgrade
from storage.models import BroadcastDraft
from tests.broadcasts.conftest import STAFF, broadcast
from tests.broadcasts.seed import Person, seed
from tests.outbox.conftest import FakePort, Moment
from tests.support.databases import database_url

NOW = datetime(2026, 1, 10, 8, 0, tzinfo=UTC)  # 15:00 in Phnom Penh


@pytest.fixture
async def hotline(tmp_path: Path) -> AsyncIterator[Hotline]:
    settings = load_settings(
        database_url=database_url(tmp_path, "s"), staff_ids=str(STAFF), officer_language="en"
    )
    hot = Hotline.from_settings(settings, clock=lambda: NOW)
    await upgrade(hot.engine)
    await seed(hot.sessions, [Person(1), Person(2, lang="en")], NOW)
    yield hot
    await hot.close()


class Desk:
    def __init__(self, hotline: Hotline, port: FakePort, user: int = STAFF) -> None:
        self.hotline, self.port, self.user, self.n = hotline, port, user, 0

    def _next(self) -> int:
        self.n += 1
        return self.n

    async def command(self, name: str) -> None:
        await self.hotline.handle(
            Incoming(Kind.COMMAND, self.user, self.user, command=name, update_id=self._next()), self.port
        )

    async def say(self, text: str) -> None:
        await self.hotline.handle(
            Incoming(
                Kind.TEXT, self.user, self.user, text=text, message_id=900 + self._next(), update_id=self.n
            ),
            self.port,
        )

    async def press(self, data: str, message_id: int | None = None) -> str | None:
        message_id = message_id or self.panel()
        query = f"q{self._next()}"
        inp = Incoming(
            Kind.BUTTON, self.user, self.user, callback_data=data, callback_id=query, message_id=message_id
        )
        await self.hotline.handle(inp, self.port)
        return next(
            a.text for a in self.port.performed if isinstance(a, AnswerCallback) and a.callback_id == query
        )

    def panel(self) -> int:
        """The id the fake port gave the last message it sent (it counts from 500)."""
        return 499 + sum(1 for a in self.port.performed if isinstance(a, SendMessage))

    def last(self) -> str:
        return [a.text for a in self.port.performed if isinstance(a, SendMessage)][-1]


async def test_a_scheduled_broadcast_typed_as_a_time(hotline: Hotline) -> None:
    desk = Desk(hotline, FakePort(Moment()))
    t = hotline.catalogs["en"]
    await desk.command("broadcast")
    assert desk.last().startswith(t("📣 New broadcast · step 1 of 5: who should get it?"))
    assert await desk.press("bc:t:lang:en") is None
    assert await desk.press("bc:n") is None
    await desk.say("Kumpul jam 8")
    await desk.press("bc:s")  # no English text
    assert desk.last().startswith(t("📣 Step 4 of 5: which answer buttons go under the message?"))
    await desk.press("bc:b:ack")
    await desk.say("besok pagi")
    assert desk.last() == t("I could not read that time. Write it like 18:30 or 25-01 08:00.")
    await desk.say("09-01 08:00")
    assert desk.last() == t("That time has passed or is more than 60 days away.")
    await desk.say("18:30")
    confirm = desk.last()
    assert (
        t(
            "⚠️ No {language} text: {n} citizens who read {language} will get the other text.",
            language="English",
            n=1,
        )
        in confirm
    )
    assert t("🕒 Goes out: {when}", when="10 Jan 2026 18:30") in confirm
    assert await desk.press("bc:go") == t("✅ Confirmed.")
    found = await broadcast(hotline.sessions, 1)
    assert (found.status, found.send_at, found.audience, found.total) == (
        SCHEDULED,
        datetime(2026, 1, 10, 11, 30, tzinfo=UTC),
        {"lang": ["en"]},
        1,
    )
    async with hotline.sessions() as session:
        assert await session.get(BroadcastDraft, STAFF) is None
    assert await desk.press("bc:stop:1", message_id=1) == t("⏹ Stopped. Messages not sent yet will not go.")
    assert (await broadcast(hotline.sessions, 1)).status == STOPPED
    assert await desk.press("bc:stop:1", message_id=1) == t("This broadcast is not being sent any more.")


async def test_buttons_of_old_panels_strangers_and_nonsense_are_refused(hotline: Hotline) -> None:
    port = FakePort(Moment())
    desk = Desk(hotline, port)
    t = hotline.catalogs["en"]
    await desk.command("broadcast")
    first = desk.panel()
    await desk.press("bc:n")
    assert await desk.press("bc:x", message_id=first) == t("This button is no longer active.")
    assert await desk.press("bc:b:nonsense") == t("This button is no longer active.")
    assert await desk.press("bc:pv") == t("This is only a preview: nothing is recorded.")
    stranger = Desk(hotline, port, user=4242)
    assert await stranger.press("bc:stop:1", message_id=1) == t(
        "Sorry, only the embassy's staff can do this."
    )
    await stranger.command("broadcasts")
    assert desk.last() == t("Sorry, only the embassy's staff can do this.")
    await desk.command("broadcasts")
    assert desk.last() == t("No broadcasts yet. Start one with /broadcast.")
