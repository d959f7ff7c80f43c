"""The bot stopped with updates waiting (bench/stops.py, few rounds): kill -9, SIGTERM and, on
PostgreSQL, the database taken away for a while; every message reaches its case once and is
answered. `python -m bench.stops` runs the same with more rounds and prints the figures."""

from __future__ import annotations

from bench.stops import run
from tests.support.databases import server_url


async def test_stopped_with_updates_waiting_nothing_is_lost(framework: str) -> None:
    figures = await run(rounds=3, framework=framework, how="all", database=server_url(), seed=5)
    print("\n" + figures.line(framework))
    assert figures.rounds == 3 and figures.sent >= 3 * 36
    assert figures.lost == [] and figures.doubles == []
    assert figures.reached == figures.sent == figures.answered
