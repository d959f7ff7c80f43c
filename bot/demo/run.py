"""`hotline demo`: the emulator, the bot and a terminal phone, all on this computer, nothing to set up.

You are a citizen writing to the embassy's bot. Type a message and press Enter; press a button by
typing its number; `/location LAT LON` shares a location; `/contact` shares your phone number;
`/quit` ends. What the officer group receives is shown too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.app import Hotline
from bot.config import load_settings
from bot.runtime import make_runtime
from emulator import DEFAULT_TOKEN, Emulator, Limits
from storage.migrate import upgrade

CITIZEN_ID = 700001
DEMO_STAFF = 800002  # the embassy's staff member the console's link is for
OFFICER_GROUP = -1001000000001
DEMO_PHONE = "+855 00 000 000 (demo)"

INTRO = """\
hotline demo: you are a citizen writing to the embassy's bot. Everything runs on this computer.
  type a message and press Enter        a number presses that button ('12 sends the text 12)
  /location LAT LON  share a location    /contact  share your phone number
  /start /status /update /sos /language /delete /help /cancel   the bot's own commands
  /console  a new link to the embassy's web console, as a staff member (works once, 5 minutes)
  /quit  end the demo
"""


@dataclass
class Screen:
    """What the terminal shows: new bot messages, edits, and the buttons you can press now."""

    out: Any = sys.stdout
    seen: dict[int, tuple[str | None, int]] = field(default_factory=dict)  # message id -> (text, edits)
    buttons: list[tuple[int, str, str]] = field(default_factory=list)  # (message id, label, data)

    def show(self, emu: Emulator, chat_id: int, who: str, mine: bool = True) -> None:
        for entry in emu.transcript(chat_id):
            if not entry.from_bot:
                continue
            before = self.seen.get(entry.message_id)
            state = (entry.text, len(entry.edits))
            if before == state and not entry.deleted:
                continue
            self.seen[entry.message_id] = state
            if entry.deleted:
                continue
            if before is None:
                self._message(entry, who, mine)
            elif entry.text:
                self._print(f"{who} ✎ {entry.text}")

    def _message(self, entry: Any, who: str, mine: bool) -> None:
        body = entry.text if entry.text is not None else f"[{entry.kind}]"
        self._print(f"{who} {body}")
        markup = entry.reply_markup or {}
        if "inline_keyboard" in markup and not mine:  # the officers' buttons: shown, not yours to press
            labels = [b["text"] for row in markup["inline_keyboard"] for b in row]
            self._print("     (officers' buttons: " + " · ".join(labels) + ")")
        elif "inline_keyboard" in markup:
            self.buttons = []
            for row in markup["inline_keyboard"]:
                cells = []
                for b in row:
                    self.buttons.append((entry.message_id, b["text"], b.get("callback_data", "")))
                    cells.append(f"[{len(self.buttons)}] {b['text']}")
                self._print("     " + "   ".join(cells))
        for row in markup.get("keyboard", []):
            for b in row:
                hint = "/location LAT LON" if b.get("request_location") else "/contact"
                self._print(f"     (button under the keyboard: {b['text']} — type {hint})")

    def _print(self, text: str) -> None:
        print(text.replace("\n", "\n   "), file=self.out, flush=True)


async def demo(framework: str, database: str) -> int:
    db = Path(database)
    db.parent.mkdir(parents=True, exist_ok=True)
    log = log_to_file(db.with_suffix(".log"))
    print(f"Starting the emulator and the bot ({framework}); this takes a few seconds…", flush=True)
    print(f"(the bot's log goes to {log}: this screen shows only the chats)", flush=True)
    for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        stale.unlink(missing_ok=True)  # each demo starts fresh, as a new phone would
    emu = Emulator(token=DEFAULT_TOKEN, limits=Limits(enabled=False))
    await emu.start(host="127.0.0.1", port=0)
    officer = emu.user(800001, first_name="Officer", language_code="en")
    emu.create_group(OFFICER_GROUP, "Duty officers (demo)", [officer])
    settings = load_settings(
        bot_token=DEFAULT_TOKEN,
        telegram_api=emu.api_url,
        database_url=f"sqlite+aiosqlite:///{database}",
        framework=framework,
        officer_chat_id=OFFICER_GROUP,
        hotline_phone=DEMO_PHONE,
        staff_ids=(DEMO_STAFF,),
    )
    hotline = Hotline.from_settings(settings)
    await upgrade(hotline.engine)
    stop = asyncio.Event()
    bot_task = asyncio.create_task(make_runtime(framework)(hotline, settings, stop))

    async def console_link() -> str:
        if not settings.console_port:
            return "   (the web console is off: HOTLINE_CONSOLE_PORT is 0)"
        for _ in range(150):  # it starts beside the bot, a moment after it
            if hotline.console_live:
                break
            await asyncio.sleep(0.1)
        else:
            return f"   (the web console could not start on port {settings.console_port}: see {log})"
        token = await hotline.console_access.issue_link(DEMO_STAFF, "Demo staff")
        link = f"{settings.console_base}/login?token={token}&lang=en"
        return f"🖥  the embassy's console, as staff (open it in a browser; once, within 5 minutes):\n{link}"

    try:
        await terminal(emu, console_link)
    finally:
        stop.set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(bot_task, 15)
        await hotline.close()
        await emu.stop()
    return 0


def log_to_file(path: Path) -> Path:
    """The terminal is the phone's screen: log records and Python's warnings (a key file made, a
    library's deprecation) go to this file, each demo's anew, and never between the chat's lines."""
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    logging.captureWarnings(True)
    return path


async def terminal(emu: Emulator, console_link: Callable[[], Awaitable[str]]) -> None:
    me = emu.user(CITIZEN_ID, first_name="Citizen", language_code="id")
    screen = Screen()
    screen._print(INTRO)
    screen._print(await console_link())
    watcher = asyncio.create_task(watch(emu, screen))
    try:
        while True:
            line = await asyncio.to_thread(sys.stdin.readline)
            if not line:
                break
            line = line.strip()
            if line in ("/quit", "/exit"):
                break
            if line == "/console":
                screen._print(await console_link())
                continue
            if line:
                await act(emu, me, screen, line)
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        await asyncio.sleep(0)


async def watch(emu: Emulator, screen: Screen) -> None:
    while True:
        screen.show(emu, CITIZEN_ID, "🤖")
        screen.show(emu, OFFICER_GROUP, "👮 [officer group]", mine=False)
        await asyncio.sleep(0.1)


async def act(emu: Emulator, me: Any, screen: Screen, line: str) -> None:
    if line.isdigit():
        number = int(line)
        if 1 <= number <= len(screen.buttons):
            message_id, _label, data = screen.buttons[number - 1]
            await emu.press(me, CITIZEN_ID, message_id, data)
            return
    if line.startswith("'"):
        await emu.send_text(me, line[1:])
        return
    if line.startswith("/location"):
        parts = line.split()
        try:
            lat, lon = float(parts[1]), float(parts[2])
        except (IndexError, ValueError):
            screen._print("   type it like: /location 11.5564 104.9282")
            return
        await emu.send_location(me, lat, lon)
        return
    if line == "/contact":
        await emu.send_contact(me, "+6281234567890", "Citizen", user_id=CITIZEN_ID)
        return
    if line.startswith("/"):
        name, _, args = line[1:].partition(" ")
        await emu.send_command(me, name, args=args)
        return
    await emu.send_text(me, line)
