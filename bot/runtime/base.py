"""What the runtimes share, framework-free: the constants, and what they need of the hotline
(the adapters' own protocols are in bot.runtime.protocols)."""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from datetime import timedelta
from typing import Any, Literal, Protocol

from bot.core.incoming import Incoming
from bot.core.port import BotPort
from bot.i18n import Catalogs

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
