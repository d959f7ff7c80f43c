"""Staff broadcasts end to end, on both runtimes: composing in a private chat, a filtered audience in
their own languages, a citizen who blocked the bot, one who is written to only after they write, a
429 on the way, the progress message, answers and their CSV; and cancelling."""

from __future__ import annotations

import asyncio
import csv
import io
import signal
import subprocess
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from bot.i18n import Catalogs
from bot.services.broadcasts import Filters, Plan, launch
from emulator import Emulator, Limits, TranscriptEntry
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from storage.models import BroadcastDraft, BroadcastRecipient, OutboxMessage
from tests.broadcasts.seed import Person, seed
from tests.e2e.conftest import Running, e2e_settings, running
from tests.e2e.test_restart import bot_process, started
from tests.support.settle import process_settled

STAFF, STRANGER = 9300, 9666
WAVE, OTHERS = range(7001, 7051), range(7101, 7116)
BLOCKED, HELD = 7003, 7004
TEXT_ID = "Besok jam 08.00 berkumpul di KBRI. Bawa paspor atau SPLP dan satu tas saja."
TEXT_EN = "Tomorrow at 08:00 gather at the embassy. Bring your passport or ETD and one bag only."
WAIT = 15.0


def staff_settings(emu: Emulator, tmp_path: Path, framework: str) -> Settings:
    base = e2e_settings(emu, tmp_path, framework, "polling")
    return base.model_copy(update={"staff_ids": (STAFF,), "officer_language": "en"})


def people() -> list[Person]:
    wave = [
        Person(u, lang="en" if u % 2 else "id", tags=["wave-3"], pref="on_reply" if u == HELD else "any")
        for u in WAVE
    ]
    return wave + [Person(u, tags=["wave-2"] if u % 2 else []) for u in OTHERS]


@pytest.fixture
async def office(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    settings = staff_settings(emu, tmp_path, framework)
    engine = make_engine(settings.database_url)
    await upgrade(engine)
    await seed(make_sessionmaker(engine), people(), datetime.now(UTC))
    await engine.dispose()
    for user_id in [*WAVE, *OTHERS]:  # each has written to the bot once, so it may write to them
        await emu.send_text(emu.user(user_id, language_code="id"), "halo")
    async with running(settings, emu) as r:
        await emu.wait_for(lambda: all(emu.bot_messages(u) for u in [*WAVE, *OTHERS]), timeout=WAIT)
        emu.block(BLOCKED)
        yield r


class Staff:
    """The staff member's side of the private chat."""

    def __init__(self, emu: Emulator, catalogs: Catalogs) -> None:
        self.emu = emu
        self.user = emu.user(STAFF, first_name="Dewi", language_code="en")
        self.t = catalogs["en"]

    def last_id(self) -> int:
        return max((e.message_id for e in self.emu.transcript(STAFF)), default=0)

    async def new(self, msgid: str, after: int, **params: object) -> TranscriptEntry:
        wanted = self.t(msgid, **params)
        return await self.emu.wait_for_bot_message(STAFF, contains=wanted, timeout=WAIT, after=after)

    async def command(self, name: str, expect: str) -> TranscriptEntry:
        after = self.last_id()
        await self.emu.send_command(self.user, name)
        return await self.new(expect, after)

    async def say(self, text: str, expect: str) -> TranscriptEntry:
        after = self.last_id()
        await self.emu.send_text(self.user, text)
        return await self.new(expect, after)

    def with_button(self, data: str) -> TranscriptEntry:
        for entry in reversed(self.emu.bot_messages(STAFF)):
            for row in (entry.reply_markup or {}).get("inline_keyboard", []):
                if any(b.get("callback_data") == data for b in row):
                    return entry
        raise AssertionError(f"no button {data!r} in the staff chat")

    async def press(self, data: str) -> TranscriptEntry:
        entry = self.with_button(data)
        query = await self.emu.press(self.user, STAFF, entry.message_id, data)
        await self.emu.wait_for(
            lambda: any(a["callback_query_id"] == query["id"] for a in self.emu.callback_answers),
            timeout=WAIT,
        )
        return entry

    async def shows(self, message_id: int, text: str) -> TranscriptEntry:
        """Wait until a message (edited in place) says this."""

        def current() -> TranscriptEntry:
            return next(e for e in self.emu.transcript(STAFF) if e.message_id == message_id)

        await self.emu.wait_for(lambda: text in (current().text or ""), timeout=WAIT, what=text)
        return current()


def broadcast_messages(emu: Emulator, user_id: int) -> list[TranscriptEntry]:
    return [e for e in emu.bot_messages(user_id) if TEXT_ID in (e.text or "") or TEXT_EN in (e.text or "")]


async def answer(emu: Emulator, user_id: int, option: str) -> str:
    [message] = broadcast_messages(emu, user_id)
    query = await emu.press(emu.user(user_id), user_id, message.message_id, f"ba:1:{option}")
    await emu.wait_for(
        lambda: any(a["callback_query_id"] == query["id"] for a in emu.callback_answers), timeout=WAIT
    )
    return str(next(a for a in emu.callback_answers if a["callback_query_id"] == query["id"]).get("text"))


async def test_a_broadcast_to_wave_three_reaches_each_once_in_their_language(office: Running) -> None:
    emu, catalogs = office.emu, office.hotline.catalogs
    staff = Staff(emu, catalogs)
    t = staff.t
    panel = await staff.command("broadcast", "📣 New broadcast · step 1 of 5: who should get it?")
    assert t("👥 {n} citizens: {id} in Indonesian, {en} in English", n=65, id=40, en=25) in (panel.text or "")
    await staff.press("bc:f:tag")
    tags = await staff.shows(
        panel.message_id, t("{category}: tap to choose, tap again to leave out.", category="Tag")
    )
    assert "bc:t:tag:wave-3" in str(tags.reply_markup) and "bc:t:tag:wave-2" in str(tags.reply_markup)
    await staff.press("bc:t:tag:wave-3")
    await staff.shows(
        panel.message_id, t("👥 {n} citizens: {id} in Indonesian, {en} in English", n=50, id=25, en=25)
    )
    await staff.press("bc:f:-")
    after = staff.last_id()
    await staff.press("bc:n")
    await staff.new("📣 Step 2 of 5: write the message in Indonesian, as citizens should read it.", after)
    await staff.say(TEXT_ID, "📣 Step 3 of 5: now write the same message in English.")
    await staff.say(TEXT_EN, "📣 Step 4 of 5: which answer buttons go under the message?")
    after = staff.last_id()
    await staff.press("bc:b:attend")
    await staff.new(
        "📣 Step 5 of 5: when should it go? Tap Now, or type a time in {zone} such as 18:30 or 25-01 08:00.",
        after,
        zone="Asia/Phnom_Penh",
    )
    after = staff.last_id()
    await staff.press("bc:w")
    confirm = await staff.new("📣 Ready. This is the broadcast:", after)
    assert t("⏸ Those {n} get it right after their next message to us.", n=1) in (confirm.text or "")
    previews = [e for e in emu.bot_messages(STAFF) if after < e.message_id < confirm.message_id]
    assert [TEXT_ID in (p.text or "") for p in previews] == [True, False]
    assert TEXT_EN in (previews[1].text or "")

    after = staff.last_id()
    await staff.press("bc:go")
    progress = await staff.new("📣 Starting the broadcast…", after)
    emu.inject_fault(method="sendMessage", count=1, kind="error", code=429, retry_after=1)
    final = await staff.shows(progress.message_id, t("✅ Broadcast #{n} is finished.", n=1))
    text = final.text or ""
    assert t("✉️ Sent: {sent} of {total}", sent=48, total=50) in text
    assert t("⏸ Held until they write: {n}", n=1) in text
    assert t("⛔ Blocked the bot: {n}", n=1) in text and t("⚠️ Failed: {n}", n=0) in text
    assert len(final.edits) >= 2  # updated in place while it went
    assert emu.errors_sent[429] == 1

    # each got it once, in their own language, exactly as the preview showed it; nobody else did
    for user_id in WAVE:
        got = broadcast_messages(emu, user_id)
        if user_id in (BLOCKED, HELD):
            assert got == []
            continue
        assert len(got) == 1, user_id
        preview = previews[1] if user_id % 2 else previews[0]
        assert got[0].reply_markup is not None and preview.reply_markup is not None
        assert (got[0].text, got[0].reply_markup["inline_keyboard"][0][0]["text"]) == (
            preview.text,
            preview.reply_markup["inline_keyboard"][0][0]["text"],
        )
    assert all(broadcast_messages(emu, u) == [] for u in OTHERS)

    # the citizen who is written to only after they write gets it right after they write
    await emu.send_text(emu.user(HELD), "saya sudah aman sekarang")
    await emu.wait_for(lambda: len(broadcast_messages(emu, HELD)) == 1, timeout=WAIT)

    # answers: one per citizen, a later press replaces it; a stranger's forged press counts for nothing
    thanks = {lang: catalogs[lang]("Thank you, we have your answer.") for lang in ("id", "en")}
    assert await answer(emu, 7001, "yes") == thanks["en"]
    assert await answer(emu, 7002, "no") == thanks["id"]
    assert await answer(emu, 7005, "yes") == thanks["en"]
    assert await answer(emu, 7005, "no") == catalogs["en"]("Thank you, we changed your answer.")
    assert await answer(emu, HELD, "yes") == thanks["id"]
    stranger = emu.user(7101)
    [theirs] = emu.bot_messages(7101)[-1:]
    await emu.press(stranger, 7101, theirs.message_id, "ba:1:yes", force=True)

    after = staff.last_id()
    listing = await staff.command("broadcasts", "Recent broadcasts:")
    assert "#1" in (listing.text or "") and "💬 4" in (listing.text or "")
    await staff.press("bc:rep:1")
    report = await staff.new("Answers:", after)
    assert "✅ I will come: 2" in (report.text or "") and "❌ I cannot come: 2" in (report.text or "")
    await staff.press("bc:csv:1")
    await emu.wait_for(lambda: any(e.kind == "document" for e in emu.bot_messages(STAFF)), timeout=WAIT)
    document = next(e for e in emu.bot_messages(STAFF) if e.kind == "document")
    assert document.document is not None
    rows = list(csv.DictReader(io.StringIO(document.document.decode("utf-8-sig"))))
    assert len(rows) == 50 and all(r["reference"].startswith("PNH-") for r in rows)
    assert not any(str(u) in document.document.decode() for u in WAVE)  # no Telegram ids
    by_ref = {r["reference"]: r for r in rows}
    assert by_ref["PNH-000005"]["answer"] == "no" and by_ref["PNH-000005"]["answered_at"]
    assert by_ref["PNH-000003"]["delivery"] == "blocked" and by_ref["PNH-000004"]["delivery"] == "sent"
    async with office.hotline.sessions() as session:
        answered = (
            (await session.execute(select(BroadcastRecipient).where(BroadcastRecipient.answer.is_not(None))))
            .scalars()
            .all()
        )
    assert len(answered) == 4


async def test_composing_can_be_cancelled_at_any_step(office: Running) -> None:
    emu = office.emu
    staff = Staff(emu, office.hotline.catalogs)
    first = await staff.command("broadcast", "📣 New broadcast · step 1 of 5: who should get it?")
    after = staff.last_id()
    await staff.press("bc:n")
    await staff.new("📣 Step 2 of 5: write the message in Indonesian, as citizens should read it.", after)
    # an old panel's buttons no longer act
    query = await emu.press(staff.user, STAFF, first.message_id, "bc:n", force=True)
    await emu.wait_for(
        lambda: any(a["callback_query_id"] == query["id"] for a in emu.callback_answers), timeout=WAIT
    )
    stale = next(a for a in emu.callback_answers if a["callback_query_id"] == query["id"])
    assert stale.get("text") == staff.t("This button is no longer active.")
    await staff.say(TEXT_ID, "📣 Step 3 of 5: now write the same message in English.")
    await staff.command("cancel", "Broadcast cancelled. Nothing was sent.")
    after = staff.last_id()
    await staff.command("broadcast", "📣 New broadcast · step 1 of 5: who should get it?")
    await staff.press("bc:c")
    await staff.new("Broadcast cancelled. Nothing was sent.", after)
    async with office.hotline.sessions() as session:
        assert (await session.execute(select(BroadcastDraft))).first() is None
    assert all(broadcast_messages(emu, u) == [] for u in WAVE)
    # someone who is not staff cannot start one
    stranger = emu.user(STRANGER, language_code="en")
    await emu.send_command(stranger, "broadcast")
    refusal = await emu.wait_for_bot_message(STRANGER, timeout=WAIT)
    assert refusal.text == staff.t("Sorry, only the embassy's staff can do this.")


async def test_killed_mid_broadcast_it_sends_no_one_twice_and_skips_no_one(
    emu: Emulator, tmp_path: Path, framework: str
) -> None:
    # a third of Telegram's rate: moments with no message on its way come often, on any database
    settings = e2e_settings(emu, tmp_path, framework, "polling").model_copy(update={"send_rate": 10.0})
    users = range(8001, 8091)
    engine = make_engine(settings.database_url)
    await upgrade(engine)
    sessions = make_sessionmaker(engine)
    await seed(
        sessions, [Person(u, lang="en" if u % 2 else "id", tags=["wave-5"]) for u in users], datetime.now(UTC)
    )
    for user_id in users:
        await emu.send_text(emu.user(user_id), "halo")

    def delivered() -> int:
        return sum(len(broadcast_messages(emu, u)) for u in users)

    with bot_process(settings, "polling") as proc:
        await started(emu, proc, 0)
        await emu.wait_for(lambda: all(emu.bot_messages(u) for u in users), timeout=30)
        emu.limits = Limits()  # Telegram's limits from now on: 90 messages take about 3 s
        async with sessions() as session, session.begin():
            plan = Plan(Filters({"tag": ("wave-5",)}), TEXT_ID, TEXT_EN, "ack", None)
            await launch(session, plan, STAFF, STAFF, None, datetime.now(UTC))
        await emu.wait_for(lambda: delivered() >= 30, timeout=30)
        await kill_between_two_sends(proc, engine)
    before = delivered()
    assert 30 <= before < len(users)  # killed mid-broadcast
    calls = len(emu.calls)
    with bot_process(settings, "polling") as proc:
        await started(emu, proc, calls)
        await emu.wait_for(lambda: delivered() >= len(users), timeout=30)
        await process_settled(settings, emu)  # and nothing more comes
        proc.send_signal(signal.SIGTERM)
        await asyncio.to_thread(proc.wait, 20)
    assert {u: len(broadcast_messages(emu, u)) for u in users} == dict.fromkeys(users, 1)
    assert emu.errors_sent[429] == 0
    async with sessions() as session:
        statuses = set((await session.execute(select(OutboxMessage.status))).scalars())
    await engine.dispose()
    assert statuses == {"sent"}


async def kill_between_two_sends(proc: subprocess.Popen[bytes], engine: AsyncEngine) -> None:
    """SIGKILL at a moment when no message is on its way to Telegram.

    The outbox's one double-send window (a message Telegram accepted, not yet marked sent) is open
    while a row is "sending". When no row is, the process is frozen (SIGSTOP), and killed if still
    none is; else it goes on. A kill inside the window is shown in the outbox tests.
    """

    async def sending() -> int:
        async with engine.connect() as conn:
            return int(await conn.scalar(text("SELECT count(*) FROM outbox WHERE status = 'sending'")) or 0)

    for _ in range(1000):
        if await sending() == 0:
            proc.send_signal(signal.SIGSTOP)
            if await sending() == 0:
                proc.send_signal(signal.SIGKILL)
                proc.wait(10)
                return
            proc.send_signal(signal.SIGCONT)
        await asyncio.sleep(0.003)
    raise AssertionError("the sender always had a message on its way")
