"""EmulatorClient: drives an emulator running elsewhere (another process) over /_emulator/ routes."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import aiohttp

from emulator.state import EmuUser

UserLike = EmuUser | dict[str, Any] | int


def _user(user: UserLike) -> dict[str, Any] | int:
    if isinstance(user, EmuUser):
        fields = {
            "id": user.id,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "username": user.username,
            "language_code": user.language_code,
        }
        return {k: v for k, v in fields.items() if v is not None}
    return user


class EmulatorError(Exception):
    """The emulator refused a control request."""


class EmulatorClient:
    """`async with EmulatorClient("http://127.0.0.1:40123") as c: await c.send_text(user, "hi")`."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> EmulatorClient:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _call(
        self, name: str, body: dict[str, Any] | None = None, query: dict[str, str] | None = None
    ) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        url = f"{self.base_url}/_emulator/{name}"
        if query is not None:
            request = self._session.get(url, params=query)
        else:
            request = self._session.post(url, json=body or {})
        async with request as response:
            answer = await response.json()
        if not answer.get("ok"):
            raise EmulatorError(answer.get("error", f"{name} failed"))
        return answer["result"]

    @staticmethod
    def user(
        user_id: int,
        first_name: str | None = None,
        language_code: str | None = None,
        username: str | None = None,
    ) -> EmuUser:
        return EmuUser(user_id, first_name or f"User {user_id}", None, username, language_code)

    async def send_text(self, user: UserLike, text: str, chat_id: int | None = None) -> dict[str, Any]:
        result: dict[str, Any] = await self._call(
            "send", {"user": _user(user), "text": text, "chat_id": chat_id}
        )
        return result

    async def send_command(
        self, user: UserLike, command: str, args: str = "", chat_id: int | None = None
    ) -> dict[str, Any]:
        body = {"user": _user(user), "command": command, "args": args, "chat_id": chat_id}
        result: dict[str, Any] = await self._call("send", body)
        return result

    async def reply_to(
        self, user: UserLike, chat_id: int, reply_to_message_id: int, text: str
    ) -> dict[str, Any]:
        body = {
            "user": _user(user),
            "chat_id": chat_id,
            "reply_to_message_id": reply_to_message_id,
            "text": text,
        }
        result: dict[str, Any] = await self._call("send", body)
        return result

    async def send_location(
        self,
        user: UserLike,
        latitude: float,
        longitude: float,
        live_period: int | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude, "live_period": live_period}
        result: dict[str, Any] = await self._call(
            "send", {"user": _user(user), "location": location, "chat_id": chat_id}
        )
        return result

    async def update_live_location(
        self, user: UserLike, message_id: int, latitude: float, longitude: float
    ) -> dict[str, Any]:
        body = {"user": _user(user), "message_id": message_id, "latitude": latitude, "longitude": longitude}
        result: dict[str, Any] = await self._call("live_location", body)
        return result

    async def send_contact(
        self, user: UserLike, phone_number: str, first_name: str, user_id: int | None = None
    ) -> dict[str, Any]:
        contact = {"phone_number": phone_number, "first_name": first_name, "user_id": user_id}
        result: dict[str, Any] = await self._call("send", {"user": _user(user), "contact": contact})
        return result

    async def send_document(
        self, user: UserLike, filename: str, content: bytes, caption: str | None = None
    ) -> dict[str, Any]:
        document = {
            "filename": filename,
            "content_base64": base64.b64encode(content).decode(),
            "caption": caption,
        }
        result: dict[str, Any] = await self._call("send", {"user": _user(user), "document": document})
        return result

    async def send_photo(self, user: UserLike, caption: str | None = None) -> dict[str, Any]:
        result: dict[str, Any] = await self._call(
            "send", {"user": _user(user), "photo": {"caption": caption}}
        )
        return result

    async def send_sticker(self, user: UserLike) -> dict[str, Any]:
        result: dict[str, Any] = await self._call("send", {"user": _user(user), "sticker": True})
        return result

    async def send_voice(self, user: UserLike) -> dict[str, Any]:
        result: dict[str, Any] = await self._call("send", {"user": _user(user), "voice": True})
        return result

    async def press(self, user: UserLike, chat_id: int, message_id: int, data: str) -> dict[str, Any]:
        body = {"user": _user(user), "chat_id": chat_id, "message_id": message_id, "data": data}
        result: dict[str, Any] = await self._call("press", body)
        return result

    async def block(self, user_id: int) -> None:
        await self._call("block", {"user_id": user_id})

    async def unblock(self, user_id: int) -> None:
        await self._call("unblock", {"user_id": user_id})

    async def create_group(
        self,
        chat_id: int,
        title: str,
        members: list[UserLike],
        is_forum: bool = False,
        admins: list[int] | None = None,
    ) -> dict[str, Any]:
        body = {
            "chat_id": chat_id,
            "title": title,
            "members": [_user(m) for m in members],
            "is_forum": is_forum,
            "admins": admins or [],
        }
        result: dict[str, Any] = await self._call("group", body)
        return result

    async def transcript(self, chat_id: int) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self._call("transcript", query={"chat_id": str(chat_id)})
        return result

    async def inject_fault(
        self,
        method: str = "sendMessage",
        count: int = 1,
        kind: str = "error",
        code: int = 500,
        description: str | None = None,
        retry_after: int | None = None,
        hang_seconds: float = 30.0,
    ) -> None:
        body = {
            "method": method,
            "count": count,
            "kind": kind,
            "code": code,
            "description": description,
            "retry_after": retry_after,
            "hang_seconds": hang_seconds,
        }
        await self._call("fault", body)

    async def reset(self) -> None:
        await self._call("reset")

    async def set_limits(self, **limits: Any) -> dict[str, Any]:
        """Any of per_chat_per_s, global_per_s, group_per_min, enabled."""
        result: dict[str, Any] = await self._call("limits", limits)
        return result

    async def advance(self, seconds: float) -> None:
        await self._call("advance", {"seconds": seconds})

    async def stats(self) -> dict[str, Any]:
        result: dict[str, Any] = await self._call("stats", query={})
        return result

    async def wait_for_bot_message(
        self,
        chat_id: int,
        contains: str | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - the public API takes a timeout
        after: int = 0,
    ) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            entries = await self.transcript(chat_id)
            for entry in entries:
                body = entry.get("text") or entry.get("caption") or ""
                if (
                    entry["from_bot"]
                    and not entry["deleted"]
                    and entry["message_id"] > after
                    and (contains is None or contains in body)
                ):
                    return entry
            if loop.time() >= deadline:
                seen = [(e["message_id"], e.get("text")) for e in entries if e["from_bot"]]
                raise TimeoutError(
                    f"no bot message in chat {chat_id} matching {contains!r} after {after}: {seen}"
                )
            await asyncio.sleep(0.05)
