"""The bot killed with SIGKILL a few times mid-report and mid-broadcast (bench/kills.py, few rounds):
no stored answer lost, no message lost or doubled, every alert delivered. `python -m bench.kills`
runs the same with many rounds and prints the figures."""

from __future__ import annotations

from pathlib import Path

from bench.kills import run


async def test_killed_again_and_again_nothing_is_lost_or_doubled(framework: str, tmp_path: Path) -> None:
    figures = await run(rounds=4, framework=framework, seed_value=7, folder=tmp_path)
    print("\n" + figures.line(framework))
    assert figures.kills == 4 and figures.mid_report >= 3 and figures.broadcasts == 1
    assert figures.reports >= 3
    assert figures.lost_answers == [] and figures.lost_alerts == [] and figures.lost_messages == []
    assert figures.doubles == []  # doubles only within the outbox's documented window (window_doubles)
