"""The aiogram 3 runtime (with aiogram_port.py, the only modules that import aiogram).

Updates come by the shared long-polling loop (bot.runtime.polling: a batch is confirmed only once it
is kept; a batch aiogram cannot parse is handed on raw, update by update) or by the webhook, which
goes through aiogram's Dispatcher and one Router whose handler hands the update to `Dispatch`.
`AiogramPort` carries out the core's actions.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import ClientDecodeError, TelegramAPIError
from aiogram.methods import GetUpdates
from aiogram.types import BotCommand, TelegramObject, Update
from aiogram.types.update import UpdateTypeLookupError
from pydantic import ValidationError

from bot.config import Settings
from bot.logs import guard_settings
from bot.runtime.aiogram_models import response_models
from bot.runtime.aiogram_port import AiogramPort, delivery_error, telegram_errors
from bot.runtime.base import ALLOWED_UPDATES, POLL_SECONDS, REQUEST_SECONDS, HotlineLike, Mode
from bot.runtime.commands import Menu
from bot.runtime.dispatch import Dispatch, wanted
from bot.runtime.lifecycle import serve
from bot.runtime.polling import Poller

log = logging.getLogger(__name__)


class AiogramRuntime:
    def __init__(
        self,
        hotline: HotlineLike,
        settings: Settings,
        *,
        request_timeout: float = REQUEST_SECONDS,
        poll_seconds: int = POLL_SECONDS,
    ) -> None:
        guard_settings(settings)  # before the framework may log a URL with the token in it
        api = TelegramAPIServer.from_base(settings.telegram_api)
        self._responses = response_models()  # built once, kept: see aiogram_models
        logging.getLogger("aiogram.event").setLevel(logging.WARNING)  # not a line for every update
        self.bot = Bot(settings.require_token(), session=AiohttpSession(api=api, timeout=request_timeout))
        self.port = AiogramPort(self.bot)
        self.dispatch = Dispatch(hotline, self.port)
        self.dp = Dispatcher()
        router = Router(name="hotline")
        for observer in (router.message, router.edited_message, router.callback_query):
            observer.register(self._on_event)
        self.dp.include_router(router)
        self._timeout = request_timeout
        self.poller = Poller(self._fetch, self._confirm, self.dispatch, poll_seconds)

    async def _on_event(self, event: TelegramObject, event_update: Update) -> None:
        self.dispatch.submit(event_update.model_dump(mode="json", by_alias=True, exclude_none=True))

    async def open(self) -> None:
        with telegram_errors():
            me = await self.bot.me()
        self.dispatch.bot_username = me.username

    async def set_commands(self, menu: Menu) -> None:
        commands = [BotCommand(command=name, description=text) for name, text in menu.commands]
        await self.bot.set_my_commands(commands, language_code=menu.language_code)

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.bot.set_webhook(url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES))

    async def feed(self, update: dict[str, Any]) -> None:
        if not wanted(update):
            return
        try:
            parsed = Update.model_validate(update, context={"bot": self.bot})
        except ValidationError as exc:
            log.warning("Update %r skipped, aiogram cannot read it: %s", update.get("update_id"), exc)
            return
        await self._feed(parsed)

    async def _feed(self, update: Update) -> None:
        try:
            kind: str | None = update.event_type
        except UpdateTypeLookupError:
            kind = None
        if kind not in ALLOWED_UPDATES:
            log.warning("Update %s skipped: not a kind the hotline takes (%s)", update.update_id, kind)
            return
        try:
            await self.dp.feed_update(self.bot, update)
        except Exception:
            log.exception("Update %s could not be dispatched", update.update_id)

    async def start_polling(self) -> None:
        await self.bot.delete_webhook(drop_pending_updates=False)
        self.poller.start()

    async def stop_polling(self) -> None:
        await self.poller.stop()

    async def _fetch(self, offset: int | None, wait: int) -> list[dict[str, Any]]:
        method = GetUpdates(offset=offset, timeout=wait, allowed_updates=[*ALLOWED_UPDATES])
        try:
            updates = await self.bot(method, request_timeout=int(wait + self._timeout))
        except ClientDecodeError as exc:  # one update aiogram cannot read must not hold up the others
            return self._raw(exc.data)
        except TelegramAPIError as exc:
            raise delivery_error(exc) from exc
        return [u.model_dump(mode="json", by_alias=True, exclude_none=True) for u in updates]

    async def _confirm(self, offset: int) -> None:
        with telegram_errors():
            await self.bot(GetUpdates(offset=offset, timeout=0, limit=1), request_timeout=5)

    @staticmethod
    def _raw(data: object) -> list[dict[str, Any]]:
        """The batch as Telegram sent it: Dispatch reads each update itself (and skips a bad one)."""
        items = data.get("result") if isinstance(data, dict) else None
        return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []

    async def close(self) -> None:
        await self.bot.session.close()


async def run(
    hotline: HotlineLike, settings: Settings, stop: asyncio.Event, *, mode: Mode | None = None
) -> None:
    """Serve the hotline with aiogram until `stop` is set."""
    await serve(AiogramRuntime(hotline, settings), hotline, settings, stop, mode)
