"""Starting, stopping and concurrency of each runtime's `run`."""

from __future__ import annotations

import ast
import asyncio
import importlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.app import Hotline
from bot.config import Settings, SettingsError
from bot.runtime import build_runtime, make_runtime
from bot.runtime.lifecycle import serve as serve_runtime
from emulator import Emulator
from tests.runtime.conftest import Serve, free_port

ROOT = Path(__file__).resolve().parents[2]
SITI, ANDI = 1001, 1002
WELCOME = "Do you agree to continue?"


async def test_stop_returns_within_a_few_seconds(serve: Serve) -> None:
    served = await serve()
    siti = served.emu.user(SITI, language_code="en")
    await served.emu.send_command(siti, "start")
    await served.emu.wait_for_bot_message(SITI, contains=WELCOME)
    await served.emu.wait_for(lambda: served.emu.answering("getUpdates") == 1, what="back in a long poll")
    assert await served.finish() < 3.0


async def test_stop_by_webhook_returns_within_a_few_seconds(
    serve: Serve, make_settings: Callable[..., Settings]
) -> None:
    served = await serve(make_settings(webhook=True))
    assert await served.finish() < 3.0


async def test_the_updates_taken_are_confirmed_on_stop(serve: Serve) -> None:
    served = await serve()
    siti = served.emu.user(SITI, language_code="en")
    await served.emu.send_command(siti, "start")
    await served.emu.wait_for_bot_message(SITI, contains=WELCOME)
    await served.finish()
    assert served.emu.pending_updates == 0  # a restart will not answer /start a second time


async def test_stop_lets_an_update_being_handled_finish(serve: Serve) -> None:
    served = await serve()
    emu = served.emu
    emu.inject_fault("sendMessage", kind="hang", hang_seconds=1.0)
    siti = emu.user(SITI, language_code="en")
    await emu.send_command(siti, "start")
    await emu.wait_for(lambda: emu.pending_updates == 0, what="/start taken")
    await emu.wait_for(lambda: emu.answering("sendMessage") == 1, what="the welcome on its way, slowly")
    took = await served.finish()
    assert 0.3 < took < 5.0
    assert any(WELCOME in (m.text or "") for m in emu.bot_messages(SITI))


async def test_stop_gives_up_on_an_update_that_takes_too_long(
    framework: str, emu: Emulator, hotline: Hotline, settings: Settings
) -> None:
    emu.inject_fault("sendMessage", kind="hang", hang_seconds=30.0)
    stop = asyncio.Event()
    runtime = build_runtime(framework, hotline, settings)
    task = asyncio.create_task(serve_runtime(runtime, hotline, settings, stop, drain_seconds=0.3))
    await emu.wait_for(lambda: len(emu.commands) == 3, what="runtime up")
    await emu.send_command(emu.user(SITI, language_code="en"), "start")
    await emu.wait_for(lambda: emu.answering("sendMessage") == 1, what="the welcome on its way, slowly")
    loop = asyncio.get_running_loop()
    started = loop.time()
    stop.set()
    await asyncio.wait_for(task, 5.0)
    assert loop.time() - started < 3.0
    assert not emu.bot_messages(SITI)


async def test_chats_are_handled_concurrently(serve: Serve) -> None:
    served = await serve()
    emu = served.emu
    # Siti's welcome hangs for 6 s; Andi's, sent after hers, must not wait for it. The margins are
    # wide because a loaded CI machine can take a second to handle one /start (it once took 1.0 s).
    emu.inject_fault("sendMessage", kind="hang", hang_seconds=6.0)
    siti, andi = emu.user(SITI, language_code="en"), emu.user(ANDI, language_code="en")
    await emu.send_command(siti, "start")
    await emu.wait_for(lambda: emu.count("sendMessage") == 1, what="Siti's welcome under way", timeout=5)
    await emu.send_command(andi, "start")
    await emu.wait_for_bot_message(ANDI, contains=WELCOME, timeout=5)
    assert not emu.bot_messages(SITI)  # Andi did not wait for Siti
    await emu.wait_for_bot_message(SITI, contains=WELCOME, timeout=10)


async def test_webhook_mode_needs_a_secret(
    framework: str, hotline: Hotline, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(webhook=True, webhook_secret=None)
    with pytest.raises(SettingsError, match="HOTLINE_WEBHOOK_SECRET"):
        await make_runtime(framework)(hotline, settings, asyncio.Event())
    with pytest.raises(SettingsError, match="HOTLINE_WEBHOOK_URL"):
        await make_runtime(framework)(hotline, make_settings(), asyncio.Event(), mode="webhook")


ECHO = "bot/runtime/echo.py"  # the benchmark's bare echo bot (the floor), on either framework
FRAMEWORK_MODULES = {
    "aiogram": (
        "aiogram",
        {"bot/runtime/aiogram.py", "bot/runtime/aiogram_port.py", "bot/runtime/aiogram_models.py", ECHO},
    ),
    "ptb": ("telegram", {"bot/runtime/ptb.py", "bot/runtime/ptb_port.py", ECHO}),
}


def importers(package: str) -> set[str]:
    """The project's modules that import `package`."""
    found: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            if any(name.split(".")[0] == package for name in names):
                found.add(path.relative_to(ROOT).as_posix())
    return found


def test_only_its_runtime_modules_import_the_framework(framework: str) -> None:
    package, modules = FRAMEWORK_MODULES[framework]
    assert importers(package) == modules
    loaded = importlib.import_module(f"bot.runtime.{framework}")
    assert make_runtime(framework) is loaded.run
    with pytest.raises(ValueError, match="unknown framework"):
        make_runtime(framework.upper())


def test_importing_the_runtime_package_imports_no_framework(framework: str) -> None:
    code = (
        "import sys, bot.runtime, bot.runtime.lifecycle\n"
        f"assert {FRAMEWORK_MODULES[framework][0]!r} not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60, cwd=ROOT)


async def test_a_wrong_token_stops_start_up_with_one_sentence(
    framework: str, hotline: Hotline, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(bot_token="654321:ThisTokenIsNotKnownToTelegram")
    with pytest.raises(SettingsError, match="HOTLINE_BOT_TOKEN is wrong"):
        await make_runtime(framework)(hotline, settings, asyncio.Event())


async def test_an_unreachable_api_stops_start_up_with_one_sentence(
    framework: str, hotline: Hotline, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(telegram_api=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(SettingsError, match="HOTLINE_TELEGRAM_API cannot be reached"):
        await make_runtime(framework)(hotline, settings, asyncio.Event())
