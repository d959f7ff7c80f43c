"""The emulator: an aiohttp server speaking the Bot API on loopback, plus the Python API for tests."""

from __future__ import annotations

import asyncio

from aiohttp import web

from emulator.control import Controlled, add_control_routes
from emulator.http_api import MAX_BODY, BotApi
from emulator.limits import Limits
from emulator.state import EmulatorState
from emulator.webhook import WebhookSender

DEFAULT_TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"


class Emulator(Controlled):
    """One bot's view of Telegram. Start it, point a framework at `api_url`, act as users, read results."""

    def __init__(
        self, token: str = DEFAULT_TOKEN, limits: Limits | None = None, privacy_mode: bool = True
    ) -> None:
        self._st = EmulatorState(token, limits or Limits(), privacy_mode)
        self._api = BotApi(self._st)
        self._webhook = WebhookSender(self._st, lambda: self.api_url)
        self._runner: web.AppRunner | None = None
        self._url: str | None = None

    @property
    def token(self) -> str:
        return self._st.token

    @property
    def bot_id(self) -> int:
        return self._st.bot_id

    @property
    def api_url(self) -> str:
        """Base URL for frameworks; they append /bot<token>/<method> (files: /file/bot<token>/<path>)."""
        if self._url is None:
            raise RuntimeError("the emulator is not running: await emu.start() first")
        return self._url

    @property
    def limits(self) -> Limits:
        return self._st.limiter.limits

    @limits.setter
    def limits(self, limits: Limits) -> None:
        self._st.limiter.limits = limits
        self._st.limiter.reset()

    @property
    def webhook_deliveries(self) -> int:
        """How many updates the bot's webhook accepted."""
        return self._webhook.delivered

    @property
    def webhook_answers(self) -> list[str]:
        """The Bot API methods the bot called in its answers to webhook requests, in order."""
        return list(self._webhook.answers)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        if self._runner is not None:
            return self.api_url
        app = web.Application(client_max_size=MAX_BODY)
        self._api.add_routes(app)
        add_control_routes(app, self)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        bound_port = runner.addresses[0][1]
        shown_host = f"[{host}]" if ":" in host else host
        self._url = f"http://{shown_host}:{bound_port}"
        self._st.closing = False
        await self._webhook.start()
        return self._url

    async def stop(self) -> None:
        if self._runner is None:
            return
        self._st.closing = True
        self._st.updates.notify()
        await self._webhook.stop()
        await self._runner.cleanup()
        self._runner = None
        self._url = None

    def reset(self) -> None:
        """Forgets chats, users, updates, faults, counters and the webhook; the server keeps running."""
        self._st.reset()
        self._webhook.reset()

    async def __aenter__(self) -> Emulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


async def serve(host: str, port: int, token: str, limits: Limits) -> None:
    """Runs an emulator until cancelled; prints one line with the API URL and the token."""
    emulator = Emulator(token=token, limits=limits)
    url = await emulator.start(host=host, port=port)
    print(
        f"Telegram Bot API emulator: api_url={url} token={token} (test control: {url}/_emulator/)", flush=True
    )
    try:
        await asyncio.Event().wait()
    finally:
        await emulator.stop()
