"""The terminal as a phone: each line you type becomes what the person you are now does in their chat."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable, Mapping

from bot.core.callbacks import Callback, Scope
from bot.demo.cast import Role
from bot.demo.screen import Screen
from emulator import Emulator, TranscriptEntry

ConsoleLink = Callable[[], Awaitable[str]]


async def terminal(
    emu: Emulator, roles: Mapping[str, Role], screen: Screen, console_link: ConsoleLink
) -> None:
    """Read lines until /quit or the end of input, while a watcher shows what changes."""
    watcher = asyncio.create_task(watch(emu, screen))
    try:
        while True:
            line = await asyncio.to_thread(sys.stdin.readline)
            if not line:
                break
            line = line.strip()
            if line in ("/quit", "/exit"):
                break
            if line == "/as" or line.startswith("/as "):
                become(emu, roles, screen, line[3:].strip())
            elif line == "/console" and screen.role.name != "staff":  # staff ask the bot itself
                screen.print(await console_link())
            elif line:
                try:
                    await act(emu, screen, line)
                except ValueError as refused:  # the emulator refuses what Telegram would: say it, go on
                    screen.print(f"   that did not work: {refused}")
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        await asyncio.sleep(0)


async def watch(emu: Emulator, screen: Screen) -> None:
    while True:
        screen.show(emu)
        await asyncio.sleep(0.1)


def become(emu: Emulator, roles: Mapping[str, Role], screen: Screen, name: str) -> None:
    role = roles.get(name.lower())
    if role is None:
        screen.print("   type /as " + ", /as ".join(roles) + f" (you are now: {screen.role.who})")
        return
    screen.show(emu)  # what happened until now still shows as it was, under the old role's tags
    screen.become(emu, role)


async def act(emu: Emulator, screen: Screen, line: str) -> None:
    role = screen.role
    user, chat_id = role.user, role.chat_id
    if line.isdigit() and await press(emu, screen, int(line)):
        return
    if line.startswith("'"):
        await emu.send_text(user, line[1:], chat_id=chat_id)
    elif line.startswith(">") and role.name == "officer":
        await answer(emu, screen, line[1:].strip())
    elif line.startswith("/location"):
        parts = line.split()
        try:
            lat, lon = float(parts[1]), float(parts[2])
        except (IndexError, ValueError):
            screen.print("   type it like: /location 11.5564 104.9282")
            return
        await emu.send_location(user, lat, lon, chat_id=chat_id)
    elif line == "/contact":
        await emu.send_contact(user, role.phone, user.first_name, user_id=user.id, chat_id=chat_id)
    elif line.startswith("/"):
        name, _, args = line[1:].partition(" ")
        await emu.send_command(user, name, args=args, chat_id=chat_id)
    else:
        await emu.send_text(user, line, chat_id=chat_id)


async def press(emu: Emulator, screen: Screen, number: int) -> bool:
    """Press your button with this number; False: there is none, the number is a message."""
    button = screen.pressable(emu, number)
    if button is None:
        return False
    if isinstance(button, str):
        screen.print(f"   {button}")
        return True
    chat_id, message_id = button.key
    try:
        await emu.press(screen.role.user, chat_id, message_id, button.data)
    except ValueError:  # deleted or edited in the moment since pressable() looked
        reason = screen.pressable(emu, number)
        screen.print(f"   {reason if isinstance(reason, str) else 'that button is no longer there'}")
    return True


async def answer(emu: Emulator, screen: Screen, text: str) -> None:
    """The officer's answer to a citizen: a reply to the newest case card, as an officer swipes it."""
    chat_id = screen.role.chat_id
    card = newest_card(emu.transcript(chat_id))
    if not text:
        screen.print("   type it like: > We will call you within the hour.")
    elif card is None:
        screen.print("   there is no case card here yet: make a report as the citizen first (/as citizen)")
    else:
        await emu.reply_to(screen.role.user, chat_id, card.message_id, text)


def newest_card(entries: list[TranscriptEntry]) -> TranscriptEntry | None:
    """The newest message of the bot with a case's buttons (a card, or an SOS of its case)."""
    for entry in reversed(entries):
        rows = (entry.reply_markup or {}).get("inline_keyboard", [])
        if entry.from_bot and not entry.deleted and any(_case_button(b) for row in rows for b in row):
            return entry
    return None


def _case_button(button: dict[str, str]) -> bool:
    pressed = Callback.parse(button.get("callback_data"))
    return pressed is not None and pressed.scope is Scope.CASE
