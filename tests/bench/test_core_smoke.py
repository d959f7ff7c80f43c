"""The core benchmark on a small scale: correctness only (what it times is the full reports' work)."""

from __future__ import annotations

from bench.core import WARMUP, measure, scripts


async def test_every_citizen_of_the_core_benchmark_sends_a_full_report() -> None:
    updates, cpu, wall, sent = await measure(citizens=10, database=None)

    assert sent == 10 + WARMUP  # the scripts reach the end: the work timed is the real flow's
    assert updates == sum(len(script) for _, script in scripts(10 + WARMUP)[WARMUP:])
    assert cpu > 0 and wall > 0
