"""Raw updates Telegram would never send (missing fields, wrong types, forged callback data, unknown
kinds, huge values) fed into both runtimes, by getUpdates and by the webhook: no crash, each one
rejected in the log, nothing stored changes, and the bot keeps answering citizens afterwards."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.config import Settings
from emulator import Emulator
from storage.models import Citizen, Conversation, Report
from tests.e2e.conftest import SECRET, e2e_settings, running
from tests.e2e.phone import Phone

CITIZEN, FORGER = 6101, 6102
USER = {"id": FORGER, "is_bot": False, "first_name": "Forger", "language_code": "en"}
CHAT = {"id": FORGER, "type": "private", "first_name": "Forger"}
BOT = {"id": 123456, "is_bot": True, "first_name": "Hotline", "username": "hotline_test_bot"}


def message(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"message_id": 1, "date": 1_700_000_000, "chat": CHAT, "from": USER}
    return {k: v for k, v in (base | fields).items() if v is not None}


def button(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "q-forged", "from": USER, "chat_instance": "ci", "data": "f:welcome:agree",
        "message": message(text="Welcome") | {"from": BOT},
    }  # fmt: skip
    return {k: v for k, v in (base | fields).items() if v is not None}


def _nest(depth: int) -> dict[str, Any]:
    inner: dict[str, Any] = {"message_id": 1}
    for _ in range(depth):
        inner = {"message_id": 1, "date": 0, "chat": CHAT, "reply_to_message": inner}
    return inner


# Each entry: what it is, and the update without its update_id (the emulator or the test adds one).
# Each framework repairs a few on its own before the hotline sees them, and those are then handled as
# repaired: aiogram parses leniently (pydantic's lax mode: "6102" and true become 6102 and 1), and
# PTB drops an empty photo list (the message then holds nothing the hotline reads, and is re-asked).
REPAIRED = {"aiogram": ("chat id is a string", "user id is a boolean"), "ptb": ("photo is an empty list",)}
MALFORMED: list[tuple[str, dict[str, Any]]] = [
    ("message is not an object", {"message": "hello"}),
    ("message is a list", {"message": [1, 2, 3]}),
    ("message without chat", {"message": {"message_id": 1, "date": 0, "from": USER, "text": "/start"}}),
    ("message without sender id", {"message": message(**{"from": {"first_name": "x"}}, text="/start")}),
    ("chat id is a string", {"message": message(chat={"id": "6102", "type": "private"}, text="/start")}),
    ("user id is a float", {"message": message(**{"from": USER | {"id": 6102.5}}, text="/start")}),
    ("user id is a boolean", {"message": message(**{"from": USER | {"id": True}}, text="/start")}),
    ("chat id beyond 64 bits", {"message": message(chat=CHAT | {"id": 2**70}, text="/start")}),
    ("text is a number", {"message": message(text=12345)}),
    ("text is an object", {"message": message(text={"evil": True})}),
    ("text of 100,000 characters", {"message": message(text="A" * 100_000)}),
    ("location is a string", {"message": message(location="Phnom Penh")}),
    ("latitude out of range", {"message": message(location={"latitude": 1e308, "longitude": 104.9})}),
    ("latitude is text", {"message": message(location={"latitude": "north", "longitude": 104.9})}),
    ("contact without number", {"message": message(contact={"first_name": "x"})}),
    ("photo is not a list", {"message": message(photo="big.jpg")}),
    ("photo is an empty list", {"message": message(photo=[])}),
    ("document without file id", {"message": message(document={"file_name": "x.pdf"})}),
    ("edited message without chat", {"edited_message": {"message_id": 1, "date": 0, "from": USER}}),
    ("button without id", {"callback_query": button(id=None)}),
    ("button without sender", {"callback_query": button(**{"from": None})}),
    ("button data is a number", {"callback_query": button(data=42)}),
    ("button data far too long", {"callback_query": button(data="f:" + "x" * 5000)}),
    ("unknown kind", {"telepathy": {"thought": "help"}}),
    ("no kind at all", {}),
    ("deeply nested", {"message": message(text="/start", reply_to_message=_nest(200))}),
]


# Well-formed, but forged: buttons of other people's screens, of nothing, of officers and staff.
# Not here: "del:yes" and "cx:yes". The citizen's own confirmations act even when no confirmation was
# asked (bot/flow/commands.py `confirmed`): a forged or stale one erases the citizen's own data or
# draft. It reaches nobody else's data (the citizen could do the same with /delete), so it is a flow
# question, reported, not a breach.
FORGED_DATA = [
    "o:ack:1", "o:take:999999999999999999999", "o:det:-1", "bc:go", "bc:stop:1", "bc:csv:abc", "ba:1:yes",
    "ba:999:x", "f:summary:send", "sum:send", "upd:location", "lang:xx", "f:", ":", "",
    "\u202eevil", "f:welcome:agree\x00",
]  # fmt: skip


def quick_settings(emu: Emulator, tmp_path: Path, framework: str, mode: str) -> Settings:
    """The flood gate opened wide: a burst of forged updates here is not a flood test."""
    return e2e_settings(emu, tmp_path, framework, mode).model_copy(update={"flood_limit": 10_000})


async def post_webhook(url: str, update: dict[str, Any]) -> int:
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as answer,
    ):
        return answer.status


async def stored_counts(sessions: Any) -> tuple[int, int, int]:
    async with sessions() as session:
        counts = [
            (await session.execute(select(func.count()).select_from(model))).scalar_one()
            for model in (Citizen, Conversation, Report)
        ]
    return counts[0], counts[1], counts[2]


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_malformed_updates_are_rejected_and_the_bot_keeps_answering(
    emu: Emulator, tmp_path: Path, framework: str, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    settings = quick_settings(emu, tmp_path, framework, mode)
    async with running(settings, emu) as r:
        phone = Phone(emu, CITIZEN, "en", r.hotline.catalogs)
        await phone.command("start", "Do you agree to continue?")
        before = await stored_counts(r.hotline.sessions)
        cases = [(what, body) for what, body in MALFORMED if what not in REPAIRED[framework]]
        ids: dict[int, str] = {}
        for number, (what, body) in enumerate(cases, start=1):
            if mode == "webhook":
                update_id = 50_000 + number
                status = await post_webhook(str(settings.webhook_url), {"update_id": update_id, **body})
                assert status == 200, what  # taken (a refusal would make Telegram send it again and again)
            else:
                update_id = emu.queue_raw_update(body)
            ids[update_id] = what
        if mode == "polling":
            await emu.wait_for(lambda: emu.pending_updates == 0, timeout=15, what="malformed updates taken")

        # the bot still answers, at once and in order, and the citizen's draft is untouched
        await phone.tap("f:welcome:agree", "Is it safe for you to talk now?")
        assert await stored_counts(r.hotline.sessions) == before
        assert emu.bot_messages(FORGER) == []  # nothing was answered to any of them

    rejected = "\n".join(
        f"{rec.levelname} {rec.getMessage()}"
        for rec in caplog.records
        if rec.name.startswith("bot.")
        and rec.levelno >= logging.INFO  # the hotline's own log, not a framework's
    )
    silent = [what for update_id, what in ids.items() if str(update_id) not in rejected]
    assert silent == [], f"rejected without a log line naming the update: {silent}"
    failures = [r.getMessage() for r in caplog.records if r.name.startswith("bot.") and r.levelno >= 40]
    assert failures == []  # rejected, never failed half-way through
    print(f"\n[malformed] {framework}/{mode}: {len(ids)} malformed updates rejected, bot answering after")


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_forged_callback_data_is_refused_and_changes_nothing(
    emu: Emulator, tmp_path: Path, framework: str, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings = quick_settings(emu, tmp_path, framework, mode)
    async with running(settings, emu) as r:
        phone = Phone(emu, CITIZEN, "en", r.hotline.catalogs)
        await phone.command("start", "Do you agree to continue?")
        await phone.tap("f:welcome:agree", "Is it safe for you to talk now?")
        await phone.tap("f:safe:yes", "Or choose the city:")
        async with r.hotline.sessions() as session:
            conv = (await session.execute(select(Conversation))).scalar_one()
            kept = (conv.step, dict(conv.data))
        mine = emu.bot_messages(CITIZEN)[-1]
        queries = [await emu.press(phone.user, CITIZEN, mine.message_id, d, force=True) for d in FORGED_DATA]
        wanted = {q["id"] for q in queries}
        await emu.wait_for(
            lambda: wanted <= {a["callback_query_id"] for a in emu.callback_answers},
            timeout=15, what="every forged press answered",
        )  # fmt: skip
        answers = [a for a in emu.callback_answers if a["callback_query_id"] in wanted]
        assert all("PNH-" not in (a.get("text") or "") for a in answers)  # no reference leaks
        await phone.locate(11.5564, 104.9282, "Where is your passport?")  # still answering, same step
        async with r.hotline.sessions() as session:
            conv = (await session.execute(select(Conversation))).scalar_one()
            assert (await session.execute(select(Report))).first() is None  # no forged send or SOS
    assert kept[0] == "location" and conv.step == "passport"
    given = {k: v for k, v in kept[1].items() if not k.startswith("_")}
    assert given == {"safe": "yes"}
    assert {k: conv.data.get(k) for k in given} == given  # every stored answer is still there
    assert any("refused" in rec.getMessage() for rec in caplog.records)
