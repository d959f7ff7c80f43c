"""Test control over HTTP under /_emulator/: thin JSON wrappers over the Python API."""

from __future__ import annotations

import base64
import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from emulator.actors import UserActions
from emulator.errors import ApiError
from emulator.groups import ChatActions
from emulator.limits import Limits
from emulator.observe import Inspection
from emulator.state import EmuUser, TranscriptEntry

Body = dict[str, Any]


class Controlled(UserActions, ChatActions, Inspection, ABC):
    """What the control routes drive: the emulator's Python API (emulator.server.Emulator)."""

    @property
    @abstractmethod
    def limits(self) -> Limits: ...

    @limits.setter
    @abstractmethod
    def limits(self, limits: Limits) -> None: ...

    @abstractmethod
    def reset(self) -> None:
        """Forget every user, chat, message and update."""


Route = Callable[[Controlled, Body], Awaitable[Any]]


def entry_dict(entry: TranscriptEntry) -> dict[str, Any]:
    out = dataclasses.asdict(entry)
    document = out.pop("document")
    out["document_base64"] = base64.b64encode(document).decode() if document is not None else None
    return out


def _user(emu: Controlled, body: Body) -> EmuUser:
    data = body["user"]
    if isinstance(data, int):
        return emu.user(data)
    return emu.user(
        int(data["id"]),
        data.get("first_name"),
        data.get("last_name"),
        data.get("username"),
        data.get("language_code"),
    )


async def _send(emu: Controlled, body: Body) -> Any:
    user, chat_id = _user(emu, body), body.get("chat_id")
    if "command" in body:
        return await emu.send_command(user, body["command"], body.get("args", ""), chat_id=chat_id)
    if "text" in body and body.get("reply_to_message_id") is not None:
        target_chat = chat_id if chat_id is not None else user.id
        return await emu.reply_to(user, target_chat, int(body["reply_to_message_id"]), body["text"])
    if "text" in body:
        return await emu.send_text(user, body["text"], chat_id=chat_id, thread_id=body.get("thread_id"))
    if "location" in body:
        loc = body["location"]
        return await emu.send_location(
            user, loc["latitude"], loc["longitude"], loc.get("live_period"), chat_id
        )
    if "contact" in body:
        c = body["contact"]
        return await emu.send_contact(
            user, c["phone_number"], c["first_name"], c.get("user_id"), chat_id=chat_id
        )
    if "document" in body:
        d = body["document"]
        content = base64.b64decode(d.get("content_base64", ""))
        return await emu.send_document(user, d["filename"], content, d.get("caption"), chat_id=chat_id)
    if "photo" in body:
        caption = body["photo"].get("caption") if isinstance(body["photo"], dict) else None
        return await emu.send_photo(user, caption, chat_id=chat_id)
    if body.get("sticker"):
        return await emu.send_sticker(user, chat_id=chat_id)
    if body.get("voice"):
        return await emu.send_voice(user, chat_id=chat_id)
    raise ValueError("say what to send: text, command, location, contact, document, photo, sticker or voice")


async def _live_location(emu: Controlled, body: Body) -> Any:
    user = _user(emu, body)
    return await emu.update_live_location(
        user, int(body["message_id"]), body["latitude"], body["longitude"], body.get("chat_id")
    )


async def _press(emu: Controlled, body: Body) -> Any:
    user = _user(emu, body)
    return await emu.press(
        user, int(body["chat_id"]), int(body["message_id"]), body["data"], bool(body.get("force"))
    )


async def _block(emu: Controlled, body: Body) -> Any:
    emu.block(int(body["user_id"]))
    return True


async def _unblock(emu: Controlled, body: Body) -> Any:
    emu.unblock(int(body["user_id"]))
    return True


async def _group(emu: Controlled, body: Body) -> Any:
    members = [_user(emu, {"user": m}) for m in body.get("members", [])]
    admins = [int(a) for a in body.get("admins", [])]
    return emu.create_group(
        int(body["chat_id"]),
        body["title"],
        members,
        bool(body.get("is_forum")),
        admins,
        body.get("bot_status", "member"),
    )


async def _fault(emu: Controlled, body: Body) -> Any:
    emu.inject_fault(
        method=body.get("method", "sendMessage"),
        count=int(body.get("count", 1)),
        kind=body.get("kind", "error"),
        code=int(body.get("code", 500)),
        description=body.get("description"),
        retry_after=body.get("retry_after"),
        hang_seconds=float(body.get("hang_seconds", 30.0)),
        chat_id=int(body["chat_id"]) if body.get("chat_id") is not None else None,
    )
    return True


async def _storm(emu: Controlled, body: Body) -> Any:
    emu.fault_storm(
        seconds=float(body["seconds"]),
        rate=float(body["rate"]),
        methods=[str(m) for m in body.get("methods", ["*"])],
        faults=list(body.get("faults", [{"kind": "error", "code": 500}])),
        seed=body.get("seed"),
    )
    return True


async def _raw_update(emu: Controlled, body: Body) -> Any:
    update = body["update"]
    if not isinstance(update, dict):
        raise ValueError("update must be a JSON object")
    chat_id = body.get("chat_id")
    return emu.queue_raw_update(update, int(chat_id) if chat_id is not None else None)


async def _reset(emu: Controlled, body: Body) -> Any:
    emu.reset()
    return True


async def _limits(emu: Controlled, body: Body) -> Any:
    emu.limits = dataclasses.replace(emu.limits, **body)
    return dataclasses.asdict(emu.limits)


async def _advance(emu: Controlled, body: Body) -> Any:
    emu.advance(float(body["seconds"]))
    return True


async def _stats(emu: Controlled, body: Body) -> Any:
    calls = emu.calls
    counts: dict[str, int] = {}
    for call in calls:
        counts[call.method] = counts.get(call.method, 0) + 1
    return {
        "calls": [[c.method, c.status] for c in calls],
        "counts": counts,
        "errors_sent": {str(code): n for code, n in emu.errors_sent.items()},
        "faults_injected": dict(emu.faults_injected),
        "callback_answers": emu.callback_answers,
        "commands": emu.commands,
        "pending_updates": emu.pending_updates,
        "webhook": emu.webhook_info(),
        "limits": dataclasses.asdict(emu.limits),
    }


async def _transcript(emu: Controlled, body: Body) -> Any:
    return [entry_dict(e) for e in emu.transcript(int(body["chat_id"]))]


_POST: dict[str, Route] = {
    "send": _send,
    "live_location": _live_location,
    "press": _press,
    "block": _block,
    "unblock": _unblock,
    "group": _group,
    "fault": _fault,
    "storm": _storm,
    "raw_update": _raw_update,
    "reset": _reset,
    "limits": _limits,
    "advance": _advance,
}
_GET: dict[str, Route] = {"transcript": _transcript, "stats": _stats}


def add_control_routes(app: web.Application, emu: Controlled) -> None:
    def wrap(route: Route, from_query: bool) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handler(request: web.Request) -> web.Response:
            try:
                body: Body = (
                    dict(request.query)
                    if from_query
                    else await request.json()
                    if request.can_read_body
                    else {}
                )
                if not isinstance(body, dict):
                    raise ValueError("send a JSON object")
                result = await route(emu, body)
            except (ValueError, KeyError, TypeError, ApiError) as exc:
                return web.json_response({"ok": False, "error": f"{type(exc).__name__}: {exc}"}, status=400)
            return web.json_response({"ok": True, "result": result})

        return handler

    for name, route in _POST.items():
        app.router.add_post(f"/_emulator/{name}", wrap(route, from_query=False))
    for name, route in _GET.items():
        app.router.add_get(f"/_emulator/{name}", wrap(route, from_query=True))
