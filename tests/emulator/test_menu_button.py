"""The bot's menu button per private chat (setChatMenuButton, getChatMenuButton): kept per chat,
checked as Telegram checks it (a Mini App only at an https address), read back by both frameworks."""

from __future__ import annotations

from typing import Any

import pytest
import telegram
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import MenuButtonWebApp, WebAppInfo

from emulator import Emulator

pytestmark = pytest.mark.no_database  # runs on the SQLite pass only (tests/conftest.py)

USER_ID, OTHER_ID, GROUP_ID = 1001, 1002, -1001000000001
APP = {"type": "web_app", "text": "Konsol", "web_app": {"url": "https://console.example.org/app"}}


async def test_a_chat_keeps_its_own_button_and_others_keep_the_default(
    emu: Emulator, raw: Any, shapes: Any
) -> None:
    siti, budi = emu.user(USER_ID, first_name="Siti"), emu.user(OTHER_ID, first_name="Budi")
    await emu.send_text(siti, "halo")
    await emu.send_text(budi, "halo")
    assert await raw.ok("getChatMenuButton", chat_id=USER_ID) == {"type": "commands"}

    assert await raw.ok("setChatMenuButton", chat_id=USER_ID, menu_button=APP) is True
    shown = await raw.ok("getChatMenuButton", chat_id=USER_ID)
    assert shown == APP and emu.menu_button(USER_ID) == APP
    shapes.check(shown, "MenuButton")
    assert emu.menu_button(OTHER_ID) is None
    assert await raw.ok("getChatMenuButton", chat_id=OTHER_ID) == {"type": "commands"}

    # back to the default: the chat shows the bot's button again
    await raw.ok("setChatMenuButton", chat_id=USER_ID, menu_button={"type": "default"})
    assert emu.menu_button(USER_ID) is None
    shapes.check(await raw.ok("getChatMenuButton"), "MenuButton")


async def test_refused_as_telegram_refuses(emu: Emulator, raw: Any) -> None:
    await emu.send_text(emu.user(USER_ID, first_name="Siti"), "halo")
    emu.create_group(GROUP_ID, "Petugas", [emu.user(OTHER_ID)])
    plain_http = APP | {"web_app": {"url": "http://console.example.org/app"}}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"chat_id": USER_ID, "menu_button": plain_http}, "Only HTTPS links are allowed"),
        ({"chat_id": USER_ID, "menu_button": APP | {"web_app": {}}}, "Web App URL '' is invalid"),
        ({"chat_id": USER_ID, "menu_button": APP | {"text": " "}}, "menu button text is empty"),
        ({"chat_id": USER_ID, "menu_button": {"type": "link"}}, "unsupported menu button type"),
        ({"chat_id": USER_ID, "menu_button": ["web_app"]}, "can't parse menu button JSON object"),
        ({"chat_id": 999, "menu_button": APP}, "chat not found"),
        ({"chat_id": GROUP_ID, "menu_button": APP}, "invalid chat_id specified"),
    ]
    for params, wording in cases:
        status, body = await raw.call("setChatMenuButton", **params)
        assert status == 400 and wording in body["description"], (params, body)
    assert emu.menu_button(USER_ID) is None


async def test_both_frameworks_set_and_read_it(emu: Emulator, aio_bot: Bot, ptb_bot: telegram.Bot) -> None:
    await emu.send_text(emu.user(USER_ID, first_name="Siti"), "halo")
    button = MenuButtonWebApp(text="Konsol", web_app=WebAppInfo(url="https://console.example.org/app"))
    assert await aio_bot.set_chat_menu_button(chat_id=USER_ID, menu_button=button)
    read = await ptb_bot.get_chat_menu_button(chat_id=USER_ID)
    assert isinstance(read, telegram.MenuButtonWebApp) and read.web_app.url.endswith("/app")
    await ptb_bot.set_chat_menu_button(chat_id=USER_ID, menu_button=telegram.MenuButtonDefault())
    assert emu.menu_button(USER_ID) is None
    with pytest.raises(TelegramBadRequest, match="Only HTTPS"):
        await aio_bot.set_chat_menu_button(
            chat_id=USER_ID,
            menu_button=MenuButtonWebApp(text="K", web_app=WebAppInfo(url="http://console.example.org/app")),
        )
