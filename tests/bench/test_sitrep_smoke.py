"""The situation report benchmark on a small database: correctness only (its figures are printed by
`python -m bench.sitrep`, on a quiet machine, with 30,000 cases)."""

from __future__ import annotations

import io
from pathlib import Path

from bench.sitrep import PARTS, main


async def test_the_sitrep_benchmark_seeds_and_times_the_report(tmp_path: Path) -> None:
    out = io.StringIO()
    [run] = await main(300, 2, None, tmp_path, fresh=False, out=out)

    assert run.prepared.startswith("seeded")
    assert all(len(run.seconds[part]) == 2 for part in PARTS)
    # the seeded cases stand at every stage of the way home, and flights carry some of them
    assert "Reported: " in run.text and "Arrived home: 0" not in run.text
    assert "Departed: " in run.text and "passengers" in run.text
    printed = out.getvalue()
    assert "the whole report under 2 s" in printed
