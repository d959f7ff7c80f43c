"""GET /health: the database reachable or not, and the worker's role; 503 when the database is gone."""

from __future__ import annotations

import aiohttp

from bot.runtime.webhook import WebhookServer
from bot.services.leader import Leadership
from storage.crypto import Keyring, new_key, parse_keys
from storage.db import make_engine


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
