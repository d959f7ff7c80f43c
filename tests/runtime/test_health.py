"""GET /health: the database reachable or not, and the worker's role; 503 when the database is gone."""

from __future__ import annotations

from collections.abc import Callable

import aiohttp
import pytest

from bot.config import Settings
from bot.runtime import lifecycle, polling
from bot.runtime.webhook import WebhookServer
from bot.services.leader import Leadership
from emulator import Emulator
from storage.crypto import Keyring, new_key, parse_keys
from storage.db import make_engine
from tests.e2e.conftest import free_port
from tests.runtime.conftest import Serve


async def nothing(update: dict[str, object]) -> None:
    return None


async def test_a_database_that_does_not_answer_makes_the_worker_unhealthy() -> None:
    # a PostgreSQL address where nothing listens: the election stays "starting", the check fails
    engine = make_engine(
        "postgresql+asyncpg://hotline@127.0.0.1:1/hotline", Keyring(parse_keys(new_key()), "test")
    )
    leader = Leadership(engine)
    server = WebhookServer("127.0.0.1", 0, "secret", nothing, leader.health)
    await server.start()
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{server.port}/health") as answer,
        ):
            assert answer.status == 503
            assert await answer.json() == {
                "status": "unavailable",
                "database": "unreachable",
                "role": "starting",
            }
    finally:
        await server.stop()
        await engine.dispose()


async def test_a_refused_token_keeps_polling_and_health_says_so(
    emu: Emulator, serve: Serve, make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    """getUpdates answered 401 (the token revoked, then a new one put in place at BotFather's side):
    the worker does not stay up deaf. It keeps asking, /health says it is failing (503), and once
    Telegram takes the token again the updates come and /health is well."""
    monkeypatch.setattr(polling, "UNAUTHORIZED_PAUSE", 0.3)
    monkeypatch.setattr(lifecycle, "FAILING_SECONDS", 0.0)
    port = free_port()
    settings = make_settings().model_copy(update={"health_port": port})
    emu.inject_fault("getUpdates", count=8, code=401, description="Unauthorized")  # from the first ask
    served = await serve(settings)
    health = f"http://127.0.0.1:{port}/health"
    async with aiohttp.ClientSession() as http:
        await emu.wait_for(lambda: emu.faults_injected["getUpdates:error:401"] >= 2, timeout=10)
        async with http.get(health) as answer:
            assert answer.status == 503
            assert "401" in (await answer.json())["updates"]
        await emu.wait_for(lambda: emu.faults_injected["getUpdates:error:401"] == 8, timeout=15)
        siti = emu.user(1001, first_name="Siti", language_code="en")
        await emu.send_command(siti, "start")
        await emu.wait_for_bot_message(1001, contains="Do you agree to continue?", timeout=15)
        async with http.get(health) as answer:
            assert answer.status == 200 and (await answer.json())["updates"] == "receiving"
    assert not served.task.done()  # up all along
