"""What a framework's adapter is to the rest of the runtime (lifecycle.serve drives it)."""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from bot.config import Settings
from bot.core.port import BotPort
from bot.runtime.base import HotlineLike, Mode
from bot.runtime.commands import Menu
from bot.runtime.dispatch import Dispatch


class Runtime(Protocol):
    """One framework's adapter; `bot.runtime.lifecycle.serve` drives it."""

    @property
    def port(self) -> BotPort: ...

    @property
    def dispatch(self) -> Dispatch: ...

    async def open(self) -> None:
        """Connect and learn who the bot is (getMe)."""

    async def set_commands(self, menu: Menu) -> None:
        """setMyCommands for one language (or the default menu)."""

    async def start_polling(self) -> None:
        """Start taking updates with getUpdates in the background."""

    async def stop_polling(self) -> None:
        """Stop taking updates, and confirm to Telegram the ones already taken."""

    async def set_webhook(self, url: str, secret: str) -> None: ...

    async def feed(self, update: dict[str, Any]) -> None:
        """One update from the webhook, in the Bot API's JSON shape."""

    async def close(self) -> None:
        """Close the HTTP session."""


class RunFunction(Protocol):
    """`run` of each runtime module: serve until `stop` is set, then stop gracefully."""

    async def __call__(
        self, hotline: HotlineLike, settings: Settings, stop: asyncio.Event, *, mode: Mode | None = None
    ) -> None: ...
