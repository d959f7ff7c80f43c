"""The webhook's web server (aiohttp, no Telegram framework): POST /webhook and GET /health.

Telegram proves a request is its own with the secret given to setWebhook, sent back in a header;
anything else gets 403, so nobody can post fake updates in a citizen's name.

An update is kept first (bot.services.inbox); one that cannot be kept (the database down) is answered
503, so that Telegram delivers it again. It is answered (200) only once it has been handled, replies
sent: Telegram sends a chat's next update after that answer, so a chat's updates stay in order even
when several workers share one address. The answer to a button tap rides in that 200 (a Bot API call
Telegram carries out).

GET /health answers 200 with the database reachable and this worker's role (the outbox "sender" or
a "standby"), 503 when the database cannot be reached, or when a polling worker has been failing to
get updates for a while (a wrong token, Telegram out of reach: "updates": "failing …").
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.config import Settings, SettingsError
from bot.runtime.base import HEALTH_PATH, SECRET_HEADER, WEBHOOK_PATH

log = logging.getLogger(__name__)

# The update -> a Bot API call to put in the reply, if any
Feed = Callable[[dict[str, Any]], Awaitable[dict[str, Any] | None]]
Health = Callable[[], Awaitable[dict[str, str]]]  # {"database": "reachable"|"unreachable", "role": …}
SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what setWebhook accepts as secret_token


class Refusals:
    """Refused requests are logged, but not a line each: someone hammering the address would fill the
    disk. The first is logged at once, then one line a minute says how many more there were."""

    def __init__(self, every: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.every = every
        self.clock = clock
        self._last: float | None = None
        self._quiet = 0

    def refused(self, why: str, remote: str | None) -> None:
        now = self.clock()
        if self._last is not None and now - self._last < self.every:
            self._quiet += 1
            return
        more = f" ({self._quiet} more refused since the last line)" if self._quiet else ""
        log.warning("Webhook request from %s refused: %s%s", remote, why, more)
        self._last, self._quiet = now, 0


class NotKept(Exception):
    """The update could not be kept: the request is answered 503 and Telegram sends it again."""


def webhook_config(settings: Settings) -> tuple[str, str]:
    """The webhook's URL and secret; one clear sentence naming the setting when one is missing."""
    if not settings.webhook_url:
        raise SettingsError("HOTLINE_WEBHOOK_URL is not set: give the public https URL Telegram should call.")
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if not SECRET.fullmatch(secret):
        raise SettingsError(
            "HOTLINE_WEBHOOK_SECRET is wrong: it must be 1 to 256 letters, digits, _ or -, "
            "so that only Telegram can post updates."
        )
    return settings.webhook_url, secret


class WebhookServer:
    def __init__(
        self, host: str, port: int, secret: str, feed: Feed | None, health: Health | None = None
    ) -> None:
        """`feed` None: only GET /health (a polling worker's, on HOTLINE_HEALTH_PORT)."""
        self.host = host
        self.port = port
        self._secret = secret.encode()
        self._feed = feed
        self._check = health
        self._runner: web.AppRunner | None = None
        self.refusals = Refusals()

    async def start(self) -> None:
        app = web.Application()
        if self._feed is not None:
            app.router.add_post(WEBHOOK_PATH, self._update)
        app.router.add_get(HEALTH_PATH, self._health)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=5.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        if self.port == 0 and runner.addresses:
            self.port = int(runner.addresses[0][1])
        log.info("Webhook server listening on %s:%d", self.host, self.port)

    async def stop(self) -> None:
        """Stop taking requests (the updates already taken are the dispatcher's to finish)."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _health(self, request: web.Request) -> web.Response:
        if self._check is None:
            return web.json_response({"status": "ok"})
        try:
            found = await self._check()
        except Exception:
            log.exception("The health check failed")
            found = {"database": "unreachable"}
        up = found.get("database") == "reachable" and not found.get("updates", "").startswith("failing")
        return web.json_response(
            {"status": "ok" if up else "unavailable", **found}, status=200 if up else 503
        )

    async def _update(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            self.refusals.refused("wrong or missing secret", request.remote)
            return web.Response(status=403, text="forbidden")
        try:
            update = json.loads(await request.read())
        except (ValueError, RecursionError):  # not JSON, or nested past what any update is
            self.refusals.refused("not an update's JSON", request.remote)
            return web.Response(status=400, text="not JSON")
        if not isinstance(update, dict):
            return web.Response(status=400, text="not an update")
        assert self._feed is not None
        try:
            call = await self._feed(update)
        except NotKept as exc:
            log.warning(
                "Webhook update %r not kept, Telegram will send it again: %s", update.get("update_id"), exc
            )
            return web.Response(status=503, text="not kept, send it again")
        except Exception:
            # Answering with an error would make Telegram send the same faulty update again and again.
            log.exception("Webhook update %r could not be taken", update.get("update_id"))
            call = None
        return web.json_response(call) if call else web.Response(text="ok")
