"""What a runtime is, framework-free: the protocols both runtimes implement and the shared constants."""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Literal, Protocol

from bot.core.incoming import Incoming
from bot.core.port import BotPort
from bot.i18n import Catalogs

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.runtime.commands import Menu
    from bot.runtime.dispatch import Dispatch

Mode = Literal["polling", "webhook"]

ALLOWED_UPDATES = ("message", "edited_message", "callback_query")
POLL_SECONDS = 25  # a long poll's wait; a stop cancels it at once
REQUEST_SECONDS = 30.0  # one Bot API call; past it the call fails as a network error (code 0)
DRAIN_SECONDS = 10.0  # on stop, how long updates being handled may take (the rest stay in the inbox)
SWEEP_SECONDS = 30.0  # how often each worker looks for updates left in the inbox (an outage, a lost one)
WORKERS_SECONDS = 15.0  # then how long the workers may take (the outbox sender has its own 10 s grace)
WEBHOOK_PATH = "/webhook"
HEALTH_PATH = "/health"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class InboxLike(Protocol):
    """Updates kept from their receipt until handled (bot.services.inbox.Inbox)."""

    async def receive(self, updates: list[dict[str, Any]]) -> None:
        """Store them; raises when it cannot (then they must not be confirmed to Telegram)."""

    def done(self, update_id: int | None) -> None:
        """Handled: it may go."""

    async def failed(self, update_id: int) -> None:
        """Its handling failed (it stays, to be tried again)."""

    async def waiting(self, exclude: Collection[int] = (), left_for: timedelta = ...) -> list[dict[str, Any]]:
        """Updates stored but not handled for `left_for`, oldest first, except `exclude`."""


class HotlineLike(Protocol):
    """What a runtime needs of `bot.app.Hotline`."""

    @property
    def catalogs(self) -> Catalogs: ...

    @property
    def inbox(self) -> InboxLike:
        """Where updates are kept from their receipt until handled (bot.services.inbox)."""

    async def handle(self, inp: Incoming, port: BotPort) -> None: ...

    async def run_workers(self, port: BotPort, stop: asyncio.Event) -> None:
        """Background work beside the updates (the outbox sender, the SOS watch) until `stop` is set."""


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
