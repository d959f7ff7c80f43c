"""The python-telegram-bot 22 runtime (with ptb_port.py, the only modules that import telegram).

PTB's Application is driven through its async lifecycle (initialize, shutdown), never
`run_polling`; updates come by the shared long-polling loop (bot.runtime.polling: a batch is confirmed
only once it is kept), not PTB's Updater, which confirms a batch by asking for the next one whether
or not the last was handled. By webhook, one TypeHandler takes every update and hands it to
`Dispatch`, which handles it as its own task: updates of different chats run concurrently.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import Application, ExtBot, TypeHandler
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.logs import guard_settings
from bot.runtime.base import ALLOWED_UPDATES, POLL_SECONDS, REQUEST_SECONDS, HotlineLike, Mode
from bot.runtime.commands import Menu
from bot.runtime.dispatch import Dispatch, wanted
from bot.runtime.lifecycle import serve
from bot.runtime.polling import Poller
from bot.runtime.ptb_port import PtbPort, telegram_errors

log = logging.getLogger(__name__)


class LenientBot(ExtBot[None]):
    """PTB's bot, except that one update it cannot read does not fail the whole getUpdates batch.

    PTB parses a batch at once; one bad update fails it, and its Updater then asks for the same
    offset again, forever: the hotline would hear nothing more. Here the batch is read again update by
    update, and an unreadable one is logged and handed on as a bare update id (the Dispatch rejects
    it, and the offset moves past it)."""

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        try:
            return await super().get_updates(*args, **kwargs)
        except TelegramError:
            raise
        except Exception:
            allowed = kwargs.get("allowed_updates")
            data = {"offset": kwargs.get("offset"), "timeout": 0, "allowed_updates": allowed}
            items = await self._post("getUpdates", data)
        found: list[Update] = []
        for item in items if isinstance(items, list) else []:
            update_id = item.get("update_id") if isinstance(item, dict) else None
            try:
                parsed = Update.de_json(item, self)
            except Exception as exc:
                log.warning("Update %r skipped, PTB cannot read it: %s", update_id, exc)
                if not isinstance(update_id, int):
                    continue
                parsed = Update(update_id)
            if parsed is not None:
                found.append(parsed)
        return tuple(found)


def _request(timeout: float, pool: int) -> HTTPXRequest:
    return HTTPXRequest(
        connection_pool_size=pool, connect_timeout=timeout, read_timeout=timeout, write_timeout=timeout,
        pool_timeout=timeout, media_write_timeout=timeout,
    )  # fmt: skip


class PtbRuntime:
    def __init__(
        self,
        hotline: HotlineLike,
        settings: Settings,
        *,
        request_timeout: float = REQUEST_SECONDS,
        poll_seconds: int = POLL_SECONDS,
    ) -> None:
        guard_settings(settings)  # before the framework may log a URL with the token in it
        api = settings.telegram_api.rstrip("/")
        # httpx logs every request at INFO, with its URL, and the URL holds the bot token: whoever
        # reads the log could run the bot. Its warnings still come through.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        bot = LenientBot(
            settings.require_token(),
            base_url=f"{api}/bot",
            base_file_url=f"{api}/file/bot",
            request=_request(request_timeout, 256),
            get_updates_request=_request(request_timeout, 2),  # a spare for the offset confirmation on stop
        )
        # no rate limiter and no retries: the core sees every 429; no Updater: bot.runtime.polling
        self.app = Application.builder().bot(bot).job_queue(None).updater(None).build()
        self.app.add_handler(TypeHandler(Update, self._on_update))
        self.app.add_error_handler(self._on_error)
        self.port = PtbPort(self.app.bot)
        self.dispatch = Dispatch(hotline, self.port)
        self._timeout = request_timeout
        self.poller = Poller(self._fetch, self._confirm, self.dispatch, poll_seconds)

    async def _on_update(self, update: Update, context: object) -> None:
        self.dispatch.submit(update.to_dict())

    async def _on_error(self, update: object, context: Any) -> None:
        log.error("Update %r could not be dispatched", update, exc_info=context.error)

    async def open(self) -> None:
        with telegram_errors():
            await self.app.initialize()
        self.dispatch.bot_username = self.app.bot.username

    async def set_commands(self, menu: Menu) -> None:
        commands = [BotCommand(name, text) for name, text in menu.commands]
        await self.app.bot.set_my_commands(commands, language_code=menu.language_code)

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.app.bot.set_webhook(url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES))

    async def feed(self, update: dict[str, Any]) -> None:
        if not wanted(update):
            return
        try:
            parsed = Update.de_json(update, self.app.bot)
        except Exception as exc:
            log.warning("Update %r skipped, PTB cannot read it: %s", update.get("update_id"), exc)
            return
        await self.app.process_update(parsed)  # straight to the handler: it only starts a task

    async def start_polling(self) -> None:
        with telegram_errors():
            await self.app.bot.delete_webhook(drop_pending_updates=False)
        self.poller.start()

    async def stop_polling(self) -> None:
        await self.poller.stop()

    async def _fetch(self, offset: int | None, wait: int) -> list[dict[str, Any]]:
        with telegram_errors():
            updates = await self.app.bot.get_updates(
                offset=offset, timeout=wait, allowed_updates=list(ALLOWED_UPDATES),
                read_timeout=wait + self._timeout,
            )  # fmt: skip
        return [u.to_dict() for u in updates]

    async def _confirm(self, offset: int) -> None:
        with telegram_errors():
            await self.app.bot.get_updates(offset=offset, timeout=0, limit=1)

    async def close(self) -> None:
        await self.app.shutdown()


async def run(
    hotline: HotlineLike, settings: Settings, stop: asyncio.Event, *, mode: Mode | None = None
) -> None:
    """Serve the hotline with python-telegram-bot until `stop` is set."""
    await serve(PtbRuntime(hotline, settings), hotline, settings, stop, mode)
