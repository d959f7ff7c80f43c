"""A flaky network and an overloaded Telegram, end to end on both runtimes: while the emulator fails a
share of the calls of every method the bot uses (5xx, 429 with retry_after, timeouts, dropped
connections), citizens report and one calls for help, an officer acknowledges. The bot keeps running,
nothing stored is lost, and every alert reaches the officer group in the end. Prints the faults given.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy import select

from bot.app import Hotline
from bot.config import Settings
from bot.runtime import build_runtime
from bot.runtime.lifecycle import serve
from emulator import Emulator
from storage.migrate import upgrade
from storage.models import Report
from tests.e2e.conftest import e2e_settings
from tests.security.patient import Citizen, answered

GROUP = -1001000000066
OFFICER = 6301
CITIZENS = (6311, 6312, 6313)
SOS_CITIZEN = 6320
METHODS = (
    "sendMessage", "editMessageText", "editMessageReplyMarkup", "answerCallbackQuery", "getUpdates",
    "getChatMember", "sendLocation", "pinChatMessage", "deleteMessage", "deleteMessages", "sendDocument",
)  # fmt: skip
FAULTS = (
    {"kind": "error", "code": 500},
    {"kind": "error", "code": 502},
    {"kind": "error", "code": 429, "retry_after": 1},
    {"kind": "hang", "hang_seconds": 2.5},  # longer than the bot's request timeout below: a timeout
    {"kind": "drop"},
)
STORM_SECONDS, RATE = 20.0, 0.3
REQUEST_TIMEOUT = 1.5
WAIT = 60.0


@contextlib.asynccontextmanager
async def flaky_bot(settings: Settings, emu: Emulator) -> AsyncIterator[Hotline]:
    """The real runtime, with a short request timeout so that a hung call fails within the test."""
    hotline = Hotline.from_settings(settings)
    await upgrade(hotline.engine)
    stop = asyncio.Event()
    runtime = build_runtime(
        settings.framework, hotline, settings, request_timeout=REQUEST_TIMEOUT, poll_seconds=1
    )
    task = asyncio.create_task(serve(runtime, hotline, settings, stop, "polling"))
    try:
        await emu.wait_for(lambda: bool(emu.commands) or task.done(), timeout=15)
        if task.done():
            task.result()
        yield hotline
    finally:
        stop.set()
        await asyncio.wait_for(task, 40)
        await hotline.close()


async def test_a_storm_of_faults_on_every_method_loses_nothing(
    emu: Emulator, tmp_path: Path, framework: str, caplog: object
) -> None:
    logging.getLogger("bot").setLevel(logging.INFO)
    settings = e2e_settings(emu, tmp_path, framework, "polling").model_copy(
        update={
            "officer_chat_id": GROUP, "officer_language": "en", "member_cache_seconds": 0.0,
            "flood_limit": 10_000, "sos_repeat_seconds": 3600.0, "sos_escalate_seconds": 3600.0,
        }
    )  # fmt: skip
    officer = emu.user(OFFICER, first_name="Budi", language_code="en")
    emu.create_group(GROUP, "Duty officers", [officer])
    async with flaky_bot(settings, emu) as hotline:
        # the same storm in every run (hash() of a string changes from one process to the next)
        emu.fault_storm(STORM_SECONDS, RATE, METHODS, FAULTS, seed=zlib.crc32(framework.encode()))
        people = [Citizen(emu, emu.user(u, first_name=f"Warga {u}", language_code="id")) for u in CITIZENS]
        sos = Citizen(emu, emu.user(SOS_CITIZEN, first_name="Darurat", language_code="id"))

        async def call_for_help() -> None:
            await sos.do("start", "/start")
            await sos.do("welcome", "f:welcome:sos")
            for method in ("sendLocation", "pinChatMessage", "getChatMember"):  # besides the storm's share
                for kind in ("drop", "error"):
                    emu.inject_fault(method, kind=kind, code=502)
            await emu.send_location(sos.user, 11.5564, 104.9282)
            await acknowledge()

        async def acknowledge() -> None:
            """The officer taps Acknowledge until it holds (their line is flaky too)."""
            card = await emu.wait_for_bot_message(GROUP, contains="SOS", timeout=WAIT)
            async with hotline.sessions() as session:
                sos_id = (await session.execute(select(Report.id).where(Report.sos))).scalar_one()
            for _ in range(30):
                query = await emu.press(officer, GROUP, card.message_id, f"o:ack:{sos_id}", force=True)
                with contextlib.suppress(TimeoutError):
                    await emu.wait_for(lambda q=query: answered(emu, q["id"]), timeout=3)  # type: ignore[misc]
                async with hotline.sessions() as session:
                    report = await session.get(Report, sos_id)
                if report is not None and report.acknowledged_at is not None:
                    return
            raise AssertionError("the SOS was never acknowledged")

        await asyncio.gather(*(p.report(f"Warga Nomor {p.user.id}") for p in people), call_for_help())
        injected = sum(emu.faults_injected.values())
        # the storm is over: every alert reaches the group in the end, every card shows its last state
        async with hotline.sessions() as session:
            reports = (await session.execute(select(Report).order_by(Report.id))).scalars().all()
        assert len(reports) == len(CITIZENS) + 1
        for report in reports:
            await emu.wait_for(
                lambda r=report: any(  # type: ignore[misc]
                    r.reference in (e.text or "").split("\n")[0] for e in emu.bot_messages(GROUP)
                ),
                timeout=WAIT, what=f"the card of {report.reference}",
            )  # fmt: skip
        await emu.wait_for(  # the card shows the newest state (an edit queued while one was on its way)
            lambda: any("Acknowledged" in (e.text or "") for e in emu.bot_messages(GROUP)),
            timeout=WAIT, what="the acknowledged SOS card",
        )  # fmt: skip
        # nothing stored was lost: each citizen's answers are in their report
        names = {r.full_name for r in reports if not r.sos}
        assert names == {f"Warga Nomor {u}" for u in CITIZENS}
        assert all(r.submitted and r.city == "phnom_penh" for r in reports if not r.sos)
        # and the bot still answers at once
        late = emu.user(6399, language_code="en")
        after = max((e.message_id for e in emu.transcript(6399)), default=0)
        await emu.send_command(late, "start")
        await emu.wait_for_bot_message(6399, timeout=10, after=after)
    by_kind = dict(sorted(emu.faults_injected.items()))
    retries = sum(p.retries for p in [*people, sos])
    print(
        f"\n[faults] {framework}: {sum(by_kind.values())} faults injected ({injected} during the reports) "
        f"over {len({k.split(':')[0] for k in by_kind})} methods; citizens re-asked {retries} times; "
        f"{len(reports)} alerts delivered\n  {by_kind}"
    )
    # the storm did hit: how often depends on how many calls fall in its 20 s, which a loaded machine
    # lowers (24-27 alone, 17 seen beside the rest of the suite)
    assert injected >= 10 and len({k.split(":")[0] for k in by_kind}) >= 3
