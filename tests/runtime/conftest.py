"""Both runtimes, through their real frameworks, over HTTP to the emulator, on a real SQLite file."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.app import Hotline
from bot.config import Settings, load_settings
from bot.core.incoming import Incoming
from bot.core.port import BotPort
from bot.i18n import Catalogs
from bot.runtime import Runtime, build_runtime, make_runtime
from emulator import DEFAULT_TOKEN, Emulator, EmuUser, Limits, TranscriptEntry
from storage.migrate import upgrade
from tests.support.databases import database_url
from tests.support.inbox import MemoryInbox

FRAMEWORKS = ["aiogram", "ptb"]
SECRET = "runtime-test-secret"


async def start_and_agree(emu: Emulator, user: EmuUser, chat_id: int) -> TranscriptEntry:
    """/start, agree, and the next question asked; the welcome message (its button answered)."""
    await emu.send_command(user, "start")
    welcome = await emu.wait_for_bot_message(chat_id, contains="Do you agree to continue?")
    await emu.press(user, chat_id, welcome.message_id, "f:welcome:agree")
    safe = "Is it safe for you to talk now?"
    await emu.wait_for_bot_message(chat_id, contains=safe, after=welcome.message_id)
    return welcome


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(params=FRAMEWORKS)
def framework(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    emulator = Emulator(token=DEFAULT_TOKEN, limits=Limits(enabled=False))
    await emulator.start(host="127.0.0.1", port=0)
    yield emulator
    await emulator.stop()


@pytest.fixture
def make_settings(emu: Emulator, tmp_path: Path, framework: str) -> Callable[..., Settings]:
    def make(webhook: bool = False, **overrides: Any) -> Settings:
        if webhook:
            port = free_port()
            overrides = {
                "webhook_url": f"http://127.0.0.1:{port}/webhook",
                "webhook_secret": SECRET,
                "webhook_port": port,
                **overrides,
            }
        base: dict[str, Any] = {
            "bot_token": emu.token,
            "telegram_api": emu.api_url,
            "database_url": database_url(tmp_path, "h"),
            "framework": framework,
        }
        return load_settings(**(base | overrides))

    return make


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
async def hotline(settings: Settings) -> AsyncIterator[Hotline]:
    made = Hotline.from_settings(settings)
    await upgrade(made.engine)
    yield made
    await made.close()


@dataclass
class Served:
    """A runtime's `run` going on in a task until `stop` is set."""

    emu: Emulator
    settings: Settings
    stop: asyncio.Event
    task: asyncio.Task[None]

    async def finish(self, within: float = 15.0) -> float:
        """Set `stop`; the seconds `run` took to return."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        self.stop.set()
        await asyncio.wait_for(self.task, within)
        return loop.time() - started


Serve = Callable[..., Awaitable[Served]]


@pytest.fixture
async def serve(emu: Emulator, hotline: Hotline, framework: str) -> AsyncIterator[Serve]:
    """serve(settings=None, with_hotline=None): start `run`, wait until it is up (its menu is registered)."""
    started: list[Served] = []

    async def start(settings: Settings | None = None, with_hotline: Hotline | None = None) -> Served:
        chosen = settings or hotline.settings
        stop = asyncio.Event()
        task = asyncio.create_task(make_runtime(framework)(with_hotline or hotline, chosen, stop))
        served = Served(emu, chosen, stop, task)
        started.append(served)
        await emu.wait_for(lambda: len(emu.commands) == 3 or task.done(), timeout=10, what="runtime up")
        if task.done():
            task.result()
        if chosen.webhook_url:
            await emu.wait_for(lambda: bool(emu.webhook_info().get("url")) or task.done(), what="webhook set")
        return served

    yield start
    for served in started:
        if not served.task.done():
            await served.finish()


@dataclass
class Recorder:
    """A hotline that only remembers what it was given."""

    catalogs: Catalogs
    seen: list[Incoming] = field(default_factory=list)
    inbox: MemoryInbox = field(default_factory=MemoryInbox)

    async def handle(self, inp: Incoming, port: BotPort) -> None:
        self.seen.append(inp)

    async def run_workers(self, port: BotPort, stop: asyncio.Event) -> None:
        await stop.wait()


@pytest.fixture(scope="session")
def catalogs() -> Catalogs:
    return Catalogs(ZoneInfo("Asia/Phnom_Penh"))


@pytest.fixture
def recorder(catalogs: Catalogs) -> Recorder:
    return Recorder(catalogs)


@pytest.fixture
async def opened(
    framework: str, recorder: Recorder, settings: Settings
) -> AsyncIterator[Callable[..., Awaitable[Runtime]]]:
    """opened(**options): the framework's adapter, connected, taking no updates (for port and feed tests)."""
    made: list[Runtime] = []

    async def open_runtime(**options: Any) -> Runtime:
        runtime = build_runtime(framework, recorder, settings, **options)
        made.append(runtime)
        await runtime.open()
        return runtime

    yield open_runtime
    for runtime in made:
        await runtime.close()


@pytest.fixture
async def runtime(opened: Callable[..., Awaitable[Runtime]]) -> Runtime:
    return await opened()
