"""The bot process killed mid-report (SIGKILL) and started again: the citizen goes on, nothing lost."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select

from bot.config import Settings
from bot.i18n import Catalogs
from emulator import Emulator
from storage.db import make_engine, make_sessionmaker
from storage.models import Conversation, Report
from tests.e2e.conftest import e2e_settings
from tests.e2e.phone import SAFETY_QUESTION, Phone

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def bot_process(settings: Settings, mode: str, **more: str) -> Iterator[subprocess.Popen[bytes]]:
    """`hotline run` as a process of its own, with these settings (and `more`: HOTLINE_… values)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env.update(more)
    env.update(
        PYTHONPATH=str(ROOT),
        HOTLINE_BOT_TOKEN=settings.require_token(),
        HOTLINE_TELEGRAM_API=settings.telegram_api,
        HOTLINE_DATABASE_URL=settings.database_url,
        HOTLINE_FRAMEWORK=settings.framework,
        HOTLINE_HOTLINE_PHONE=settings.hotline_phone or "",
        HOTLINE_SEND_RATE=str(settings.send_rate),
    )
    args = [sys.executable, "-m", "bot", "run"]
    if mode == "webhook":
        assert settings.webhook_url and settings.webhook_secret
        env.update(
            HOTLINE_WEBHOOK_URL=settings.webhook_url,
            HOTLINE_WEBHOOK_SECRET=settings.webhook_secret.get_secret_value(),
            HOTLINE_WEBHOOK_PORT=str(settings.webhook_port),
        )
        args.append("--webhook")
    # in the test's working folder, where a server database's key file is (tests/conftest.py)
    if not settings.database_url.startswith("sqlite"):  # a server database is upgraded on purpose
        subprocess.run(
            [sys.executable, "-m", "bot", "db", "upgrade"], env=env, cwd=Path.cwd(), check=True, timeout=60
        )
    proc = subprocess.Popen(args, env=env, cwd=Path.cwd(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)


async def started(emu: Emulator, proc: subprocess.Popen[bytes], calls_before: int) -> None:
    """Up when it has asked Telegram for updates (or set its webhook) since it was started."""

    def ready() -> bool:
        if proc.poll() is not None:
            raise AssertionError((proc.stderr.read() if proc.stderr else b"").decode())
        return any(
            c.method in ("getUpdates", "deleteWebhook", "setWebhook") for c in emu.calls[calls_before:]
        )

    await emu.wait_for(ready, timeout=90)  # importing aiogram alone: 6 s quiet, over 20 s beside the suite


async def test_killed_mid_report_continues_with_every_answer(
    emu: Emulator, tmp_path: Path, framework: str, mode: str
) -> None:
    settings = e2e_settings(emu, tmp_path, framework, mode)
    phone = Phone(emu, 6001, "id", Catalogs(settings.zone))
    with bot_process(settings, mode) as proc:
        await started(emu, proc, 0)
        await phone.command("start", "Do you agree to continue?")
        await phone.tap("f:welcome:agree", "Is it safe for you to talk now?")
        await phone.tap("f:safe:yes", "Or choose the city:")
        await phone.tap(
            "f:location:koh_kong", "Type the name of the place, building or compound, and a landmark near it."
        )
        await phone.say("Pabrik dekat jembatan", "Where is your passport?")
        await phone.tap(
            "f:passport:lost", "If you know your passport number, type it (for example A1234567)."
        )
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    calls = len(emu.calls)
    with bot_process(settings, mode) as proc:
        await started(emu, proc, calls)
        await phone.say("C1234567", SAFETY_QUESTION)
        await phone.pick("safety", ("doctor",), None, done=False)  # one answer ticked, then killed
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    calls = len(emu.calls)
    with bot_process(settings, mode) as proc:
        await started(emu, proc, calls)
        await phone.pick("safety", ("police",), "What is your full name, as written in your passport?")
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    calls = len(emu.calls)
    with bot_process(settings, mode) as proc:
        await started(emu, proc, calls)
        await phone.say("Rudi Hartono", "What is your date of birth? For example 17-08-1995.")
        await phone.command("cancel", "Delete the answers you gave so far?")
        await phone.tap("cx:no", "What is your date of birth? For example 17-08-1995.")
        proc.send_signal(signal.SIGTERM)  # a graceful stop this time
        await asyncio.to_thread(proc.wait, 20)
        assert proc.returncode == 0

    engine = make_engine(settings.database_url)
    async with make_sessionmaker(engine)() as session:
        conv = (await session.execute(select(Conversation))).scalar_one()
        assert (await session.execute(select(Report))).first() is None  # nothing sent yet
    await engine.dispose()
    assert conv.step == "birth_date"
    draft = {k: v for k, v in conv.data.items() if not k.startswith("_")}
    assert draft == {
        "safe": "yes",
        "city": "koh_kong",
        "latitude": None,
        "longitude": None,
        "place": "Pabrik dekat jembatan",
        "passport_status": "lost",
        "passport_number": "C1234567",
        "safety": "police,doctor",  # the tick made before the kill is kept
        "full_name": "Rudi Hartono",
    }
    asked = [
        e for e in emu.bot_messages(phone.chat_id) if (e.text or "").startswith(phone.t(SAFETY_QUESTION))
    ]
    assert len(asked) == 1  # nothing was asked or answered twice
