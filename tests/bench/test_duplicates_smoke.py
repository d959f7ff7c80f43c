"""The duplicates benchmark on a small database: correctness only (its figures are printed by
`python -m bench.duplicates`, on a quiet machine, with 30,000 cases)."""

from __future__ import annotations

import io
from pathlib import Path

from bench.duplicates import run
from tests.support.databases import database_url


async def test_the_duplicates_benchmark_checks_and_rescans(tmp_path: Path) -> None:
    out = io.StringIO()
    measured = await run(300, 20, database_url(tmp_path, "bench"), out)
    assert measured.cases == 300 and measured.pairs > 0  # some citizens reported twice
    assert 0 < measured.check_p50 <= measured.check_p95
    assert measured.found > 0  # a variant of a name reported before is found
    printed = out.getvalue()
    assert "one new case checked" in printed and "full re-scan" in printed
