"""Nothing a person sends is lost when the bot stops: kill -9 and SIGTERM with updates still queued
(a flood slowed down, replies stuck behind a slow Telegram), on both runtimes, as processes of their
own against the emulator. Every update is kept in the inbox before Telegram is told it arrived;
what a stop leaves is handled at the next start, each once."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from sqlalchemy import select

from bot.config import Settings
from emulator import Emulator
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from storage.models import ReportEvent
from tests.e2e.conftest import e2e_settings
from tests.e2e.test_restart import bot_process, started
from tests.support.sent import sent_reports
from tests.support.settle import process_settled

THANKS = "Your message is added to your report"
WELCOME = "Do you agree to continue?"
SLOW = {"HOTLINE_FLOOD_LIMIT": "2", "HOTLINE_FLOOD_WINDOW_SECONDS": "2"}  # past two, one a second


async def sent_report(settings: Settings, user_id: int) -> None:
    """A citizen whose report is sent: what they type now is a message for the embassy."""
    engine = make_engine(settings.database_url)
    try:
        await upgrade(engine)
        await sent_reports(make_sessionmaker(engine), [user_id], "en")
    finally:
        await engine.dispose()


async def citizen_messages(settings: Settings) -> list[str]:
    engine = make_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            events = await session.scalars(select(ReportEvent).where(ReportEvent.kind == "citizen_message"))
            return sorted(str(e.detail.get("text")) for e in events)
    finally:
        await engine.dispose()


async def until_stored(settings: Settings, texts: list[str], seconds: float = 60.0) -> None:
    """Wait until every one of these messages has reached its case."""
    for _ in range(int(seconds * 4)):
        if len(await citizen_messages(settings)) >= len(texts):
            return
        await asyncio.sleep(0.25)
    raise AssertionError(f"only {len(await citizen_messages(settings))} of {len(texts)} messages stored")


def answered(emu: Emulator, chat_id: int, text: str) -> int:
    return sum(1 for e in emu.bot_messages(chat_id) if text in (e.text or ""))


async def test_a_flood_cut_by_kill_9_is_all_handled_after_the_restart(
    emu: Emulator, tmp_path: Path, framework: str
) -> None:
    settings = e2e_settings(emu, tmp_path, framework, "polling")
    await sent_report(settings, 7101)
    siti = emu.user(7101, first_name="Siti", language_code="en")
    texts = [f"message {n}" for n in range(10)]
    with bot_process(settings, "polling", **SLOW) as proc:
        await started(emu, proc, 0)
        for text in texts:  # ten quick messages: two at once, then one a second
            await emu.send_text(siti, text)
        await emu.wait_for(lambda: answered(emu, 7101, THANKS) >= 3, timeout=60, what="the first answers")
        await emu.wait_for(lambda: emu.pending_updates == 0, timeout=10, what="all ten taken")
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    before = answered(emu, 7101, THANKS)
    assert before < 10  # the kill came with messages still waiting their turn
    calls = len(emu.calls)
    with bot_process(settings, "polling", **SLOW) as proc:
        await started(emu, proc, calls)
        await until_stored(settings, texts)
        await emu.wait_for(lambda: answered(emu, 7101, THANKS) >= 10, timeout=30, what="every answer")
        await process_settled(settings, emu)  # a second answer would show by now
    assert await citizen_messages(settings) == sorted(texts)  # each reached the case once
    # each answered once; one more if the kill came between Telegram taking an answer and the bot
    # recording it (the answer is sent again at the restart: the window docs/threat-model.md names)
    assert 10 <= answered(emu, 7101, THANKS) <= 11


async def test_sigterm_keeps_what_it_could_not_finish(emu: Emulator, tmp_path: Path, framework: str) -> None:
    settings = e2e_settings(emu, tmp_path, framework, "polling")
    await sent_report(settings, 7102)
    siti = emu.user(7102, first_name="Siti", language_code="en")
    texts = [f"line {n:02d}" for n in range(20)]
    with bot_process(settings, "polling", **SLOW) as proc:
        await started(emu, proc, 0)
        for text in texts:
            await emu.send_text(siti, text)
        await emu.wait_for(lambda: emu.pending_updates == 0, timeout=30, what="all twenty taken")
        proc.send_signal(signal.SIGTERM)  # the default 10 s to finish: not enough for twenty at one a second
        await asyncio.to_thread(proc.wait, 30)
        assert proc.returncode == 0
    assert answered(emu, 7102, THANKS) < 20
    calls = len(emu.calls)
    with bot_process(settings, "polling", **SLOW) as proc:
        await started(emu, proc, calls)
        await until_stored(settings, texts)
        await emu.wait_for(lambda: answered(emu, 7102, THANKS) >= 20, timeout=30, what="every answer")
        await process_settled(settings, emu)  # a second answer would show by now
    assert await citizen_messages(settings) == texts
    assert 20 <= answered(emu, 7102, THANKS) <= 21  # at most one cut between sending and recording


async def test_answers_stuck_behind_a_slow_telegram_come_after_kill_9(
    emu: Emulator, tmp_path: Path, framework: str
) -> None:
    """Thirty citizens write while every sendMessage hangs; the bot is killed; started again with
    Telegram well, each of them gets the welcome, once."""
    settings = e2e_settings(emu, tmp_path, framework, "polling")
    people = [emu.user(7200 + n, first_name=f"Warga {n}", language_code="en") for n in range(30)]
    with bot_process(settings, "polling") as proc:
        await started(emu, proc, 0)
        emu.inject_fault("sendMessage", count=10_000, kind="hang", hang_seconds=120)
        for person in people:
            await emu.send_command(person, "start")
        await emu.wait_for(lambda: emu.pending_updates == 0, timeout=30, what="all thirty taken")
        await emu.wait_for(lambda: emu.count("sendMessage") >= 8, timeout=30, what="answers under way")
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    emu.clear_faults()
    assert all(answered(emu, p.id, WELCOME) == 0 for p in people)
    calls = len(emu.calls)
    with bot_process(settings, "polling") as proc:
        await started(emu, proc, calls)
        await emu.wait_for(
            lambda: all(answered(emu, p.id, WELCOME) >= 1 for p in people), timeout=60, what="thirty welcomes"
        )
        await process_settled(settings, emu)  # a second answer would show by now
    assert [answered(emu, p.id, WELCOME) for p in people] == [1] * 30
