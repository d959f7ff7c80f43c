"""The terminal as a phone: each line you type becomes what the person you are now does in their chat."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable

from bot.demo.screen import Screen
from emulator import Emulator

ConsoleLink = Callable[[], Awaitable[str]]


async def terminal(emu: Emulator, screen: Screen, console_link: ConsoleLink) -> None:
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
            if line == "/console":
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


async def act(emu: Emulator, screen: Screen, line: str) -> None:
    role = screen.role
    user, chat_id = role.user, role.chat_id
    if line.isdigit() and await press(emu, screen, int(line)):
        return
    if line.startswith("'"):
        await emu.send_text(user, line[1:], chat_id=chat_id)
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
