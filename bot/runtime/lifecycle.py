"""One runtime's life, the same for both frameworks: open, menu, take updates until stopped, drain, close."""

from __future__ import annotations

import asyncio
import logging

from bot.config import Settings
from bot.runtime.base import DRAIN_SECONDS, HotlineLike, Mode, Runtime
from bot.runtime.commands import menus
from bot.runtime.webhook import WebhookServer, webhook_config

log = logging.getLogger(__name__)


def choose_mode(settings: Settings, mode: Mode | None) -> Mode:
    """The mode asked for, else webhook when HOTLINE_WEBHOOK_URL is set, else long polling."""
    if mode is not None:
        return mode
    return "webhook" if settings.webhook_url else "polling"


async def serve(
    runtime: Runtime,
    hotline: HotlineLike,
    settings: Settings,
    stop: asyncio.Event,
    mode: Mode | None = None,
    drain_seconds: float = DRAIN_SECONDS,
) -> None:
    """Take updates until `stop` is set; then stop taking them, let the ones taken finish, close."""
    chosen = choose_mode(settings, mode)
    webhook = webhook_config(settings) if chosen == "webhook" else None  # fail before connecting
    try:
        await runtime.open()
        await register_commands(runtime, hotline)
        if webhook is None:
            await runtime.start_polling()
            log.info("Taking updates by long polling")
            try:
                await stop.wait()
            finally:
                await runtime.stop_polling()
        else:
            server = WebhookServer(settings.webhook_host, settings.webhook_port, webhook[1], runtime.feed)
            await server.start()
            try:
                await runtime.set_webhook(*webhook)
                log.info("Taking updates by webhook at %s", webhook[0])
                await stop.wait()
            finally:
                await server.stop()
        log.info("Stopped taking updates")
        await runtime.dispatch.drain(drain_seconds)
    finally:
        await runtime.close()
        log.info("Runtime closed")


async def register_commands(runtime: Runtime, hotline: HotlineLike) -> None:
    """The command menu per language; a failure is logged, the hotline still runs without it."""
    for menu in menus(hotline.catalogs):
        try:
            await runtime.set_commands(menu)
        except Exception as exc:
            log.warning("Command menu for %s not set: %s", menu.language_code or "the default", exc)
