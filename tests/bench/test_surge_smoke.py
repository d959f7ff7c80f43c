"""The surge benchmark on a small scale: correctness only (its timings belong to a quiet machine)."""

from __future__ import annotations

from bench.surge import Load, main


async def test_small_surge_stores_every_report_and_delivers_every_alert() -> None:
    load = Load(citizens=30, sos_share=0.1, think=0.2, seed=3)

    [(hotline, floor)] = await main(["aiogram"], load, database=None, profile=False)

    steps = sum(len(script) for _, script in load.scripts())
    assert hotline.figures.failed == []
    assert hotline.figures.finished == 30 and hotline.figures.updates == steps
    assert hotline.reports == 30  # every report stored, sent
    assert sorted(hotline.figures.cards) == [user_id for user_id, _ in load.scripts()]  # a card each
    assert len(hotline.figures.sos_latencies()) == 3  # each SOS reached the officer group
    assert floor is not None and floor.figures.updates == steps and floor.figures.failed == []
