"""How long the daily situation report takes to make with a surge's cases: its figures (the
database's counts), its chart (Pillow) and its PDF (fpdf2), p50 and max of several runs.

    python -m bench.sitrep [--cases 30000] [--runs 7] [--postgres URL] [--folder var/bench-sitrep] [--fresh]

The goal: the whole report (figures, chart and PDF) in under 2 s with 30,000 cases. The cases are
seeded by bench.seed (stages, SOS, flights and their passengers) into a SQLite file in --folder,
reused when it holds that many; with --postgres (or HOTLINE_BENCH_DATABASE_URL) also into the
database bench_console on that server (shared with bench.console). It prints the report's text too.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sqlalchemy.engine import make_url

from bench.console import key_text, postgres_database, prepare
from bot.config import load_settings
from bot.core.clock import utc_now
from bot.i18n import Catalogs
from bot.services.sitreps import Sitreps
from storage.crypto import Keyring
from storage.db import make_engine, make_sessionmaker
from storage.keyfile import key_file_for, read_key_file

SERVER_ENV = "HOTLINE_BENCH_DATABASE_URL"
GOAL_SECONDS = 2.0
PARTS = ("figures", "chart", "pdf", "whole")


@dataclass(frozen=True)
class Run:
    label: str
    cases: int
    prepared: str
    seconds: dict[str, list[float]]
    text: str

    def p50(self, part: str) -> float:
        return statistics.median(self.seconds[part])

    def max(self, part: str) -> float:
        return max(self.seconds[part])

    @property
    def met(self) -> bool:
        return self.max("whole") < GOAL_SECONDS


async def time_report(
    url: str, keyring: Keyring, runs: int, language: str = "id"
) -> tuple[dict[str, list[float]], str]:
    """Make yesterday's report `runs` times (the first warms the caches and fonts and is not counted)."""
    engine = make_engine(url, keyring)
    seconds: dict[str, list[float]] = {part: [] for part in PARTS}
    try:
        zone = load_settings().zone
        sitreps = Sitreps(make_sessionmaker(engine), utc_now, Catalogs(zone), zone, "KBRI Phnom Penh")
        day = sitreps.due_day()
        text = ""
        for n in range(runs + 1):
            started = time.perf_counter()
            figures = await sitreps.figures(day)
            counted = time.perf_counter()
            chart = sitreps.chart(figures, language)
            drawn = time.perf_counter()
            sitreps.pdf(figures, language)
            done = time.perf_counter()
            assert chart.startswith(b"\x89PNG")
            if n:
                seconds["figures"].append(counted - started)
                seconds["chart"].append(drawn - counted)
                seconds["pdf"].append(done - drawn)
                seconds["whole"].append(done - started)
            text = sitreps.text(figures, "en")
    finally:
        await engine.dispose()
    return seconds, text


async def bench_database(
    label: str, url: str, key_file: Path, cases: int, runs: int, fresh: bool, out: TextIO
) -> Run:
    key_text(key_file)  # the key file, made on first use
    keyring = Keyring(read_key_file(key_file), f"the key file {key_file}")
    print(f"{label}: {cases:,} cases in {make_url(url).render_as_string()}", file=out, flush=True)
    prepared = await prepare(url, keyring, cases, fresh, out)
    seconds, text = await time_report(url, keyring, runs)
    return Run(label, cases, prepared, seconds, text)


def report(run: Run, out: TextIO) -> None:
    runs = len(run.seconds["whole"])
    print(f"\n{run.label}, {run.cases:,} cases ({run.prepared}), {runs} runs", file=out)
    print(f"  {'':10} {'p50':>9} {'max':>9}", file=out)
    for part in PARTS:
        print(f"  {part:10} {run.p50(part) * 1000:6.0f} ms {run.max(part) * 1000:6.0f} ms", file=out)
    verdict = "PASS" if run.met else "MISS"
    print(f"  the whole report under {GOAL_SECONDS:.0f} s: {verdict}\n", file=out)
    print(run.text, file=out, flush=True)


async def main(
    cases: int, runs: int, server: str | None, folder: Path, fresh: bool, out: TextIO
) -> list[Run]:
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite+aiosqlite:///{folder.resolve()}/sqlite.db"

    async def sqlite_url() -> str:
        return url

    databases: list[tuple[str, Callable[[], Awaitable[str]], Path]] = [
        ("SQLite", sqlite_url, key_file_for(url) or folder / "sqlite.key")
    ]
    if server:
        databases.append(("PostgreSQL", lambda: postgres_database(server), folder / "postgres.key"))
    done = []
    for label, url_of, key_file in databases:
        run = await bench_database(label, await url_of(), key_file, cases, runs, fresh, out)
        report(run, out)
        done.append(run)
    return done


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.sitrep", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=7, help="timed runs (after one to warm up)")
    parser.add_argument(
        "--postgres", default=os.environ.get(SERVER_ENV), help=f"a PostgreSQL server's URL (or {SERVER_ENV})"
    )
    parser.add_argument("--folder", type=Path, default=Path("var/bench-sitrep"))
    parser.add_argument(
        "--fresh", action="store_true", help="seed again even when the database holds the cases"
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    args = arguments(sys.argv[1:])
    runs = asyncio.run(main(args.cases, args.runs, args.postgres, args.folder, args.fresh, sys.stdout))
    sys.exit(0 if all(run.met for run in runs) else 1)
