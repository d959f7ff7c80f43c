"""Bot API methods for receiving updates: getUpdates (long polling) and the webhook settings."""

from __future__ import annotations

import asyncio
import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

from emulator import models
from emulator.context import CallContext
from emulator.errors import POLL_CONFLICT, WEBHOOK_CONFLICT, ApiError, ClientGone, bad_request
from emulator.spec import Params
from emulator.state import EmulatorState, WebhookConfig

_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
_CHECK_CLIENT_EVERY = 0.25


def _remember_allowed(st: EmulatorState, params: Params) -> None:
    allowed = params.get_json("allowed_updates")
    if isinstance(allowed, list):
        st.updates.allowed = [str(kind) for kind in allowed]


async def get_updates(ctx: CallContext) -> list[dict[str, Any]]:
    st, params = ctx.st, ctx.params
    if st.webhook.url:
        raise ApiError(409, WEBHOOK_CONFLICT)
    _remember_allowed(st, params)
    st.updates.confirm(params.get_int("offset"))
    limit = min(100, max(1, params.get_int("limit", 100) or 100))
    timeout = max(0, params.get_int("timeout", 0) or 0)
    st.poll_generation += 1
    mine = st.poll_generation
    st.updates.notify()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        pending = st.updates.pending[:limit]
        if pending:
            return [update.to_dict() for update in pending]
        remaining = deadline - loop.time()
        if remaining <= 0 or st.closing:
            return []
        await st.updates.wait_changed(min(remaining, _CHECK_CLIENT_EVERY))
        if not ctx.client_alive():
            raise ClientGone
        if st.poll_generation != mine:
            raise ApiError(409, POLL_CONFLICT)
        if st.webhook.url:
            raise ApiError(409, WEBHOOK_CONFLICT)


def _check_webhook_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname:
        host = parts.hostname
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if loopback:
            return  # the emulator allows plain http on loopback; Telegram requires https
    raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")


async def set_webhook(ctx: CallContext) -> bool:
    st, params = ctx.st, ctx.params
    url = params.get_str("url") or ""
    if not url:
        return await delete_webhook(ctx)
    _check_webhook_url(url)
    max_connections = params.get_int("max_connections", 40) or 40
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    secret = params.get_str("secret_token")
    if secret is not None and not _SECRET_RE.fullmatch(secret):
        raise bad_request("bad webhook: secret token contains unallowed characters")
    _remember_allowed(st, params)
    if params.get_bool("drop_pending_updates"):
        st.updates.drop_all()
    st.webhook = WebhookConfig(url=url, secret_token=secret, max_connections=max_connections)
    st.updates.notify()
    return True


async def delete_webhook(ctx: CallContext) -> bool:
    st = ctx.st
    if ctx.params.get_bool("drop_pending_updates"):
        st.updates.drop_all()
    st.webhook = WebhookConfig()
    st.updates.notify()
    return True


async def get_webhook_info(ctx: CallContext) -> dict[str, Any]:
    st = ctx.st
    return models.webhook_info(st, len(st.updates.pending), st.updates.allowed)
