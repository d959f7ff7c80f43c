"""Fault storms (a share of calls failing for a while) and raw updates queued as given, in the emulator."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from emulator import Emulator
from tests.emulator.conftest import RawApi

pytestmark = pytest.mark.no_database  # runs on the SQLite pass only (tests/conftest.py)


async def test_a_storm_fails_a_share_of_calls_for_a_while_then_stops(emu: Emulator, raw: RawApi) -> None:
    emu.fault_storm(
        seconds=60, rate=0.5, methods=["getMe"], seed=7,
        faults=[{"kind": "error", "code": 502}, {"kind": "error", "code": 429, "retry_after": 2}],
    )  # fmt: skip
    statuses = [(await raw.call("getMe"))[0] for _ in range(200)]
    assert 60 < statuses.count(200) < 140  # about half
    assert statuses.count(502) > 20 and statuses.count(429) > 20
    assert (await raw.call("getChat", chat_id=1))[0] == 400  # other methods are spared (no such chat)
    _, body = next(
        (s, b) for s, b in [await raw.call("getMe") for _ in range(50)] if s == 429
    )  # a 429 of the storm carries retry_after as Telegram's does
    assert body["parameters"]["retry_after"] == 2
    injected = emu.faults_injected
    assert injected["getMe:error:502"] + injected["getMe:error:429"] == sum(injected.values()) > 40
    emu.advance(61)
    assert all([(await raw.call("getMe"))[0] == 200 for _ in range(30)])


async def test_a_storm_over_http_and_its_count_in_the_stats(emu: Emulator, raw: RawApi) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{emu.api_url}/_emulator/storm",
            json={
                "seconds": 30,
                "rate": 1.0,
                "methods": ["getMe"],
                "faults": [{"kind": "error", "code": 503}],
            },
        ) as response:
            assert response.status == 200
        assert (await raw.call("getMe"))[0] == 503
        async with http.get(f"{emu.api_url}/_emulator/stats") as response:
            stats: dict[str, Any] = (await response.json())["result"]
    assert stats["faults_injected"] == {"getMe:error:503": 1}


async def test_a_raw_update_is_delivered_as_given_with_an_update_id(emu: Emulator, raw: RawApi) -> None:
    forged = {"update_id": "nonsense", "message": {"chat": "not an object"}, "surprise": [1, 2]}
    first = emu.queue_raw_update(forged)
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{emu.api_url}/_emulator/raw_update", json={"update": {"unknown_kind": {"x": 1}}}
        ) as response,
    ):
        second = (await response.json())["result"]
    updates = await raw.ok("getUpdates", timeout=0)
    assert updates == [
        {"update_id": first, "message": {"chat": "not an object"}, "surprise": [1, 2]},
        {"update_id": second, "unknown_kind": {"x": 1}},
    ]
    assert await raw.ok("getUpdates", offset=second + 1, timeout=0) == []
