"""The command menu each runtime registers with setMyCommands: a default one, Indonesian and English."""

from __future__ import annotations

from bot.runtime.commands import COMMANDS
from tests.runtime.conftest import Serve

NAMES = ["start", "status", "update", "sos", "language", "delete", "hide", "find", "verify", "help", "cancel"]


async def test_the_command_menu_is_registered_per_language(serve: Serve) -> None:
    served = await serve()
    menus = served.emu.commands
    assert set(menus) == {"", "id", "en"}  # "": the default, for every other language
    for commands in menus.values():
        assert [c["command"] for c in commands] == NAMES
        assert all(1 <= len(c["description"]) <= 256 for c in commands)
    english = {c["command"]: c["description"] for c in menus["en"]}
    assert english == dict(COMMANDS)
    assert menus[""] == menus["en"]
