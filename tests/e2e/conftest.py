"""A real runtime (aiogram or python-telegram-bot) over HTTP to the emulator, on a real SQLite file."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import Hotline
from bot.config import Settings, load_settings
from bot.runtime import make_runtime
from bot.runtime.base import Mode
from emulator import DEFAULT_TOKEN, Emulator, Limits
from storage.migrate import upgrade
from tests.support.databases import database_url
from tests.support.settle import settled

SECRET = "e2e-webhook-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Running:
    emu: Emulator
    hotline: Hotline
    settings: Settings
    clock: Callable[[], datetime] | None = None  # the hotline's, when the test moves it

    async def settled(self) -> None:
        """Until nothing moves any more (tests/support/settle.py): then assert what did not happen."""
        await settled(self.hotline, self.emu)


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    emulator = Emulator(token=DEFAULT_TOKEN, limits=Limits(enabled=False))
    await emulator.start(host="127.0.0.1", port=0)
    yield emulator
    await emulator.stop()


def e2e_settings(emu: Emulator, tmp_path: Path, framework: str, mode: str) -> Settings:
    extra: dict[str, object] = {}
    if mode == "webhook":
        port = free_port()
        extra = {
            "webhook_url": f"http://127.0.0.1:{port}/webhook",
            "webhook_secret": SECRET,
            "webhook_port": port,
        }
    return load_settings(
        bot_token=DEFAULT_TOKEN,
        telegram_api=emu.api_url,
        database_url=database_url(tmp_path, "e2e"),
        framework=framework,
        hotline_phone="+855 23 000 000",
        flood_limit=1000,  # a scripted phone answers faster than any person; test_flood sets the real one
        **extra,
    )


@contextlib.asynccontextmanager
async def running(
    settings: Settings, emu: Emulator, clock: Callable[[], datetime] | None = None
) -> AsyncIterator[Running]:
    hotline = Hotline.from_settings(settings, clock) if clock is not None else Hotline.from_settings(settings)
    await upgrade(hotline.engine)
    stop = asyncio.Event()
    mode: Mode = "webhook" if settings.webhook_url else "polling"
    task = asyncio.create_task(make_runtime(settings.framework)(hotline, settings, stop, mode=mode))
    try:
        # the bot is up when it has registered its command menu
        await emu.wait_for(lambda: bool(emu.commands) or task.done(), timeout=15)
        if settings.console_port:  # and its console listens, when it has one
            await emu.wait_for(lambda: hotline.console_live or task.done(), timeout=15)
        if task.done():
            task.result()
        yield Running(emu, hotline, settings, clock)
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)
        await hotline.close()


@pytest.fixture(params=["aiogram", "ptb"])
def framework(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=["polling", "webhook"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def bot(emu: Emulator, tmp_path: Path, framework: str, mode: str) -> AsyncIterator[Running]:
    async with running(e2e_settings(emu, tmp_path, framework, mode), emu) as r:
        yield r


class Clock:
    """The hotline's clock, which a test moves on (timers, back-off, message ages) instead of waiting;
    the emulator's clock moves with it."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.seconds = 0.0

    def __call__(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.seconds)

    def advance(self, seconds: float) -> None:
        self.seconds += seconds
        self.emu.advance(seconds)


@contextlib.asynccontextmanager
async def officer_desk(
    emu: Emulator,
    tmp_path: Path,
    framework: str,
    mode: str,
    group: int,
    officer: int,
    staff: int,
    clock: Callable[[], datetime] | None = None,
    **more: object,
) -> AsyncIterator[Running]:
    """The hotline with an officer group (one officer, Budi, in it) and one staff member; cards in English."""
    emu.create_group(group, "Duty officers", [emu.user(officer, first_name="Budi")])
    base = e2e_settings(emu, tmp_path, framework, mode)
    settings = base.model_copy(
        update={"officer_chat_id": group, "staff_ids": (staff,), "officer_language": "en", **more}
    )
    async with running(settings, emu, clock) as r:
        yield r
