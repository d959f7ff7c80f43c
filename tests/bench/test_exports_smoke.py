"""The exports benchmark on a small database: correctness only (its figures are printed by
`python -m bench.exports`, on a quiet machine, with 30,000 cases)."""

from __future__ import annotations

import io
from pathlib import Path

from bench.exports import FORMATS, main


def test_the_exports_benchmark_seeds_and_measures_every_format(tmp_path: Path) -> None:
    out = io.StringIO()
    figures = main(120, None, list(FORMATS), tmp_path, fresh=False, sqlite=True, whole=False, out=out)

    assert [f.fmt for f in figures] == list(FORMATS)
    by_format = {f.fmt: f for f in figures}
    for fmt in ("csv", "xlsx", "json"):
        assert by_format[fmt].rows == 120, fmt  # every case written
    assert 0 < by_format["geojson"].rows <= 120  # those with a pin or a listed city
    for figure in figures:
        assert figure.seconds > 0 and figure.size_mb > 0
        assert figure.rss_peak_mb >= figure.rss_before_mb > 0 and figure.traced_peak_mb > 0
    assert "SQLite, 120 cases" in out.getvalue() and "streamed" in out.getvalue()
    # as before streaming: the same rows
    whole = main(120, None, ["csv"], tmp_path, fresh=False, sqlite=True, whole=True, out=out)
    assert whole[0].rows == 120 and "all at once" in out.getvalue()
