"""Webhook delivery: POST each pending update to the bot, one at a time per chat, in order.

Failed deliveries (non-2xx answers, connection errors, timeouts) are retried after a short
back-off; an update leaves the queue only once the bot answered it with 2xx. When the answer
carries a Bot API call ({"method": ...} as JSON or a form), it is executed like Telegram does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import Callable

import aiohttp

from emulator.state import EmulatorState
from emulator.updates import PendingUpdate

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
FIRST_BACKOFF = 0.1
MAX_BACKOFF = 2.0
DELIVERY_TIMEOUT = 10.0

ChatKey = int | tuple[str, int]
_FORM_METHOD_RE = re.compile(rb'name="?method"?\r\n(?:[^\r\n]+\r\n)*\r\n([A-Za-z]+)\r\n')


class WebhookSender:
    def __init__(self, st: EmulatorState, api_url: Callable[[], str]) -> None:
        self.st = st
        self._api_url = api_url
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._inflight: dict[int, asyncio.Task[None]] = {}
        self._retry_at: dict[ChatKey, float] = {}
        self._backoff: dict[ChatKey, float] = {}
        self.delivered = 0
        self.answers: list[str] = []  # the Bot API methods the bot put in its webhook answers

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=DELIVERY_TIMEOUT))
        self._task = asyncio.create_task(self._run(), name="emulator-webhook")

    async def stop(self) -> None:
        tasks = [t for t in (self._task, *self._inflight.values()) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._task = None
        self._inflight.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None

    def reset(self) -> None:
        self._retry_at.clear()
        self._backoff.clear()

    async def _run(self) -> None:
        while True:
            self._dispatch()
            loop = asyncio.get_running_loop()
            waits = [at - loop.time() for at in self._retry_at.values()]
            await self.st.updates.wait_changed(max(0.01, min([1.0, *waits])))

    def _dispatch(self) -> None:
        hook = self.st.webhook
        if not hook.url:
            return
        now = asyncio.get_running_loop().time()
        seen: set[ChatKey] = set()
        for update in self.st.updates.pending:
            key: ChatKey = update.chat_id if update.chat_id is not None else ("update", update.update_id)
            if key in seen:
                continue  # an earlier update of this chat goes first
            seen.add(key)
            if update.update_id in self._inflight or self._retry_at.get(key, 0.0) > now:
                continue
            if len(self._inflight) >= hook.max_connections:
                break
            task = asyncio.create_task(self._deliver(update, key, hook.url, hook.secret_token))
            self._inflight[update.update_id] = task

    async def _deliver(self, update: PendingUpdate, key: ChatKey, url: str, secret: str | None) -> None:
        assert self._session is not None
        headers = {"Content-Type": "application/json"}
        if secret:
            headers[SECRET_HEADER] = secret
        error: str | None = None
        try:
            body = json.dumps(update.to_dict())
            async with self._session.post(url, data=body, headers=headers) as response:
                answer = await response.read()
                if 200 <= response.status < 300:
                    await self._execute_answer(answer, response.headers.get("Content-Type", ""))
                else:
                    error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except TimeoutError:
            error = "Read timeout expired"
        except (aiohttp.ClientError, OSError) as exc:
            error = "Connection refused" if isinstance(exc, aiohttp.ClientConnectorError) else str(exc)
        finally:
            self._inflight.pop(update.update_id, None)
        loop = asyncio.get_running_loop()
        if error is None:
            self.delivered += 1
            self._retry_at.pop(key, None)
            self._backoff.pop(key, None)
            self.st.updates.remove(update)
        else:
            self.st.webhook.last_error_date = self.st.now()
            self.st.webhook.last_error_message = error
            delay = self._backoff.get(key, FIRST_BACKOFF / 2) * 2
            self._backoff[key] = min(MAX_BACKOFF, delay)
            self._retry_at[key] = loop.time() + self._backoff[key]
        self.st.updates.notify()

    async def _execute_answer(self, answer: bytes, content_type: str) -> None:
        """Runs a Bot API call the bot put in its webhook answer (the answer itself is not reported)."""
        if not answer.strip() or self._session is None:
            return
        method: object = None
        if content_type.startswith("application/json"):
            with contextlib.suppress(ValueError):
                decoded = json.loads(answer)
                method = decoded.get("method") if isinstance(decoded, dict) else None
        elif content_type.startswith("multipart/form-data"):
            found = _FORM_METHOD_RE.search(answer)
            method = found.group(1).decode() if found else None
        if not isinstance(method, str) or not method:
            return
        self.answers.append(method)
        url = f"{self._api_url()}/bot{self.st.token}/{method}"
        with contextlib.suppress(aiohttp.ClientError, TimeoutError):
            async with self._session.post(
                url, data=answer, headers={"Content-Type": content_type}
            ) as response:
                await response.read()
