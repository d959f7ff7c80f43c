"""The Bot API over HTTP: /bot<token>/<method> (any body format) and /file/bot<token>/<path>."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from aiohttp import BodyPartReader, hdrs, web

from emulator.context import CallContext
from emulator.errors import ApiError, ClientGone, bad_request
from emulator.faults import Fault
from emulator.methods import HANDLERS
from emulator.spec import Params, UploadedFile, canonical_name, decode
from emulator.state import NO_ANSWER, PROCESSING, Call, EmulatorState

MAX_BODY = 64 * 1024 * 1024
_TOKEN_RE = re.compile(r"\d+:[A-Za-z0-9_-]+")


async def read_params(request: web.Request) -> tuple[dict[str, object], dict[str, UploadedFile]]:
    """Query string plus the body: JSON, urlencoded or multipart (files kept apart)."""
    raw: dict[str, object] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if not request.body_exists:
        return raw, files
    content_type = request.content_type
    if content_type == "multipart/form-data":
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.filename is not None:
                content = bytes(await part.read(decode=False))
                files[part.name] = UploadedFile(
                    part.filename, content, part.headers.get(hdrs.CONTENT_TYPE, "")
                )
            else:
                raw[part.name] = await part.text()
    elif content_type == "application/json":
        try:
            body = json.loads(await request.read() or b"{}")
        except ValueError:
            raise bad_request("can't parse JSON encoded request") from None
        if not isinstance(body, dict):
            raise bad_request("can't parse JSON encoded request")
        raw.update(body)
    elif content_type == "application/x-www-form-urlencoded":
        raw.update({key: str(value) for key, value in (await request.post()).items()})
    return raw, files


def _client_alive(request: web.Request) -> bool:
    transport = request.transport
    return transport is not None and not transport.is_closing()


class BotApi:
    def __init__(self, st: EmulatorState) -> None:
        self.st = st

    def _open(self, method: str, params: dict[str, Any]) -> tuple[list[Call], int]:
        """Records a call on arrival, with status PROCESSING until it is answered."""
        calls = self.st.calls
        calls.append(Call(method, params, PROCESSING))
        return calls, len(calls) - 1

    def _close(self, slot: tuple[list[Call], int], params: dict[str, Any], status: int) -> None:
        calls, index = slot
        call = calls[index] = Call(calls[index].method, params, status)
        if status == 200:
            for listener in self.st.listeners:
                listener(call)
        if status >= 400:
            self.st.errors_sent[status] += 1

    def _error(self, slot: tuple[list[Call], int], params: dict[str, Any], error: ApiError) -> web.Response:
        self._close(slot, params, error.code)
        return web.json_response(error.body(), status=error.code)

    async def _hang(self, request: web.Request, fault: Fault) -> bool:
        """Waits out a hang fault; False when the client gave up meanwhile."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + fault.hang_seconds
        while loop.time() < deadline and not self.st.closing:
            if not _client_alive(request):
                return False
            await asyncio.sleep(min(0.05, max(0.0, deadline - loop.time())))
        return _client_alive(request)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["method"]
        method = canonical_name(name) or name
        token = request.match_info["token"]
        if token != self.st.token:
            # Telegram: a malformed token is 404, a well-formed but wrong one 401.
            well_formed = _TOKEN_RE.fullmatch(token) is not None
            wrong = ApiError(401, "Unauthorized") if well_formed else ApiError(404, "Not Found")
            return self._error(self._open(method, {}), {}, wrong)
        try:
            raw, files = await read_params(request)
        except ApiError as error:
            return self._error(self._open(method, {}), {}, error)
        params: dict[str, Any] = dict(raw) | dict(files)
        invalid: ApiError | None = None
        try:
            params = decode(method, raw, files)
        except ApiError as error:
            invalid = error
        slot = self._open(method, params)
        try:
            fault = self.st.faults.take(method, params.get("chat_id"))
            if fault is not None and fault.kind == "error":
                raise fault.error()
            if fault is not None and fault.kind == "drop":
                raise ClientGone
            if fault is not None and fault.kind == "hang" and not await self._hang(request, fault):
                raise ClientGone
            handler = HANDLERS.get(method)
            if handler is None:
                raise ApiError(404, "Not Found")
            if invalid is not None:
                raise invalid
            result = await handler(CallContext(self.st, Params(params), lambda: _client_alive(request)))
        except ApiError as error:
            return self._error(slot, params, error)
        except ClientGone:
            self._close(slot, params, NO_ANSWER)
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=204)
        self._close(slot, params, 200)
        return web.json_response({"ok": True, "result": result})

    async def handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.st.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        path = request.match_info["path"]
        for stored in self.st.files.values():
            if stored.file_path == path:
                return web.Response(
                    body=stored.content, content_type=stored.mime_type or "application/octet-stream"
                )
        return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)

    def add_routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/bot{token}/{method}", self.handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self.handle_file)
