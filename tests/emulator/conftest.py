"""Fixtures for the emulator tests: a running emulator, both frameworks' bots, raw HTTP, the API spec."""

from __future__ import annotations

import json
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import telegram
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from emulator import Emulator, Limits

SPEC_PATH = Path(os.environ.get("TELEGRAM_BOT_API_SPEC", "/work/shared/data/telegram-bot-api.json"))


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    emulator = Emulator(limits=Limits(enabled=False))
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()


@pytest.fixture
async def aio_bot(emu: Emulator) -> AsyncIterator[Bot]:
    bot = Bot(emu.token, session=AiohttpSession(api=TelegramAPIServer.from_base(emu.api_url)))
    try:
        yield bot
    finally:
        await bot.session.close()


@pytest.fixture
async def ptb_bot(emu: Emulator) -> AsyncIterator[telegram.Bot]:
    bot = telegram.Bot(emu.token, base_url=f"{emu.api_url}/bot", base_file_url=f"{emu.api_url}/file/bot")
    await bot.initialize()
    try:
        yield bot
    finally:
        await bot.shutdown()


class RawApi:
    """Plain HTTP calls to the Bot API, answering (status, body)."""

    def __init__(self, emu: Emulator, session: aiohttp.ClientSession) -> None:
        self.emu = emu
        self.session = session

    async def call(self, method: str, token: str | None = None, **params: Any) -> tuple[int, dict[str, Any]]:
        url = f"{self.emu.api_url}/bot{token or self.emu.token}/{method}"
        async with self.session.post(url, json=params) as response:
            return response.status, await response.json()

    async def ok(self, method: str, **params: Any) -> Any:
        status, body = await self.call(method, **params)
        assert status == 200 and body["ok"] is True, (method, status, body)
        return body["result"]


@pytest.fixture
async def raw(emu: Emulator) -> AsyncIterator[RawApi]:
    async with aiohttp.ClientSession() as session:
        yield RawApi(emu, session)


# Fields newer than the 10.1 description that the frameworks (aiogram 3.31 follows Bot API 10.3) require.
NEWER_FIELDS = {"ChatMemberAdministrator": {"can_send_welcome_messages"}}


class ShapeChecker:
    """Checks a JSON value against an object type of the machine-readable Bot API description."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.types: dict[str, Any] = spec["types"]

    def errors(self, value: Any, type_name: str, path: str = "$") -> list[str]:
        if type_name.startswith("Array of "):
            if not isinstance(value, list):
                return [f"{path}: expected an array, got {type(value).__name__}"]
            inner = type_name.removeprefix("Array of ")
            return [e for i, item in enumerate(value) for e in self.errors(item, inner, f"{path}[{i}]")]
        primitive = {
            "Integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "Float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
            "String": lambda v: isinstance(v, str),
            "Boolean": lambda v: isinstance(v, bool),
        }
        if type_name in primitive:
            return [] if primitive[type_name](value) else [f"{path}: expected {type_name}, got {value!r}"]
        definition = self.types[type_name]
        if "subtypes" in definition:
            attempts = [self.errors(value, sub, path) for sub in definition["subtypes"]]
            if any(not a for a in attempts):
                return []
            return [f"{path}: matches no subtype of {type_name}: {min(attempts, key=len)}"]
        if not isinstance(value, dict):
            return [f"{path}: expected {type_name} object, got {type(value).__name__}"]
        fields = {f["name"]: f for f in definition.get("fields", [])}
        newer = NEWER_FIELDS.get(type_name, set())
        problems = [
            f"{path}: unknown field {k!r} for {type_name}"
            for k in value
            if k not in fields and k not in newer
        ]
        for name, field in fields.items():
            if name not in value:
                if field["required"]:
                    problems.append(f"{path}: {type_name} lacks required field {name!r}")
                continue
            options = [self.errors(value[name], t, f"{path}.{name}") for t in field["types"]]
            if all(options):
                problems.extend(options[0])
            fixed = re.search(r'always "([^"]+)"', field["description"])
            if fixed and value[name] != fixed.group(1):
                problems.append(f"{path}.{name}: must be {fixed.group(1)!r}, is {value[name]!r}")
        return problems

    def check(self, value: Any, type_name: str) -> None:
        problems = self.errors(value, type_name)
        assert not problems, "\n".join(problems)


@pytest.fixture(scope="session")
def api_spec() -> dict[str, Any]:
    if not SPEC_PATH.exists():
        pytest.skip(f"Bot API description not found at {SPEC_PATH}")
    spec: dict[str, Any] = json.loads(SPEC_PATH.read_text())
    return spec


@pytest.fixture(scope="session")
def shapes(api_spec: dict[str, Any]) -> ShapeChecker:
    return ShapeChecker(api_spec)
