"""Start the demo: the emulator with its three people, the bot and its console, the log in a file."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from bot.app import Hotline
from bot.config import Settings, load_settings
from bot.demo.cast import DEMO_STAFF, OFFICER_GROUP, cast
from bot.demo.phone import terminal
from bot.demo.screen import Screen
from bot.runtime import make_runtime
from emulator import DEFAULT_TOKEN, Emulator, Limits
from storage.migrate import upgrade

DEMO_PHONE = "+855 00 000 000 (demo)"
DEMO_PARTNERS = Path(__file__).with_name("partners.toml")

INTRO = """\
hotline demo: the embassy's bot, its officer group and its staff, all on this computer.
You start as a citizen writing to the bot.
  type a message and press Enter        a number presses that button ('12 sends the text 12)
  /location LAT LON  share a location    /contact  share your phone number
  /start /status /update /sos /language /hide /delete /help /cancel   the bot's own commands
  /as officer  be the duty officer in the officer group: a number presses a card's button,
               > TEXT answers the citizen of the newest card (a reply to that card),
               /open /case /reply /refer /help… go to the bot, a plain line to the other officers
  /as staff    be a staff member in a private chat with the bot: /broadcast /broadcasts /console
  /as citizen  back to the citizen's phone
  /console  a new link to the embassy's web console, as a staff member (works once, 5 minutes)
  /quit  end the demo
"""


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
    roles = cast(emu)
    settings = load_settings(
        bot_token=DEFAULT_TOKEN,
        telegram_api=emu.api_url,
        database_url=f"sqlite+aiosqlite:///{database}",
        framework=framework,
        officer_chat_id=OFFICER_GROUP,
        hotline_phone=DEMO_PHONE,
        staff_ids=(DEMO_STAFF,),
        partners_file=str(DEMO_PARTNERS),  # examples for /refer and the case page's referrals
    )
    hotline = Hotline.from_settings(settings)
    await upgrade(hotline.engine)
    stop = asyncio.Event()
    bot_task = asyncio.create_task(make_runtime(framework)(hotline, settings, stop))

    async def console_link() -> str:
        return await staff_link(hotline, settings, log)

    screen = Screen(chats=list(roles.values()), role=roles["citizen"])
    try:
        screen.print(INTRO)
        screen.print(await console_link())
        screen.become(emu, roles["citizen"])
        await terminal(emu, roles, screen, console_link)
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


async def staff_link(hotline: Hotline, settings: Settings, log: Path) -> str:
    """A one-time login link to the web console for the demo's staff member."""
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
