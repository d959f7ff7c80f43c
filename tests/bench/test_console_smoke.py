"""The console benchmark on a small database, end to end: correctness only (its figures are printed
by `python -m bench.console`, on a quiet machine, with 30,000 cases)."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import func, select

from bench.console import ITEMS, bench_database, prepare
from storage.crypto import Keyring
from storage.db import make_engine
from storage.keyfile import read_key_file
from storage.models import Report, ReportEvent, SosAlert
from tests.support.databases import database_url


async def test_the_console_benchmark_seeds_serves_and_times_every_item(tmp_path: Path) -> None:
    url, key_file = database_url(tmp_path, "console"), tmp_path / "bench.key"

    run = await bench_database("smoke", url, key_file, 300, 4, tmp_path, fresh=False, out=io.StringIO())

    assert run.prepared.startswith("seeded")
    assert [timing.item for timing in run.timings] == list(ITEMS)
    for timing in run.timings:
        # each answered 200 with what it shows: a NIK search found its case (the seeded hashes are
        # the ones the console looks up), a case page named its case, the map answered a JSON list
        assert timing.failures == [] and len(timing.seconds) == 4
    keyring = Keyring(read_key_file(key_file), "the bench's key file")
    engine = make_engine(url, keyring)
    try:
        async with engine.connect() as conn:
            counts = [await conn.scalar(select(func.count()).select_from(t)) or 0
                      for t in (Report, SosAlert, ReportEvent)]  # fmt: skip
    finally:
        await engine.dispose()
    reports, alerts, events = counts
    assert reports == 300 and alerts > 0 and events > reports
    # a second run takes the database as it is
    assert await prepare(url, keyring, 300, fresh=False, out=io.StringIO()) == "reused"
