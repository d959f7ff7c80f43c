"""Serving the console beside the bot, in the same process (every worker serves it: its state is
in the database)."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.console.app import make_app
from bot.console.web import Console

log = logging.getLogger(__name__)


async def start_console(console: Console, host: str, port: int) -> web.AppRunner | None:
    """The console listening on host:port; None (and an error in the log) when it cannot: the chat
    goes on without it, citizens first."""
    runner = web.AppRunner(make_app(console), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as exc:
        log.error("The web console cannot listen on %s:%s (%s); the bot runs without it", host, port, exc)
        await runner.cleanup()
        return None
    log.info("The web console listens on %s:%s", host, port)
    return runner
