"""How long finding likely duplicates takes, with many cases: one new case checked (as the bot
checks every report sent: its name keyed, its candidates found by keyed hashes, scored, the pair
stored) and the full re-scan (`hotline duplicates scan`: every case's name keyed, every pair found).

    python -m bench.duplicates [--cases 30000] [--checks 300] [--database FILE | --postgres URL]

The cases are bench.seed's, with real-looking Indonesian names (bench.names); a few per cent of the
citizens reported twice (the same NIK and phone). Each check is a new report of someone: half the
time a person already reported, their name written another way, the same date of birth; the check
runs in a transaction rolled back after, so every check sees the same database. Goals: a check under
50 ms (p95), the re-scan under a minute.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TextIO

from sqlalchemy import delete, func, select

from bench import names
from bench.seed import seed
from bot.services import duplicates
from bot.services.duplicate_scan import scan
from storage.crypto import Keyring
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from storage.models import Citizen, DuplicatePair, NameKey, Report

CHECK_GOAL, SCAN_GOAL = 0.050, 60.0
BENCH_KEY = b"bench.duplicates: a made-up key"[:32].ljust(32, b".")  # made-up people: a fixed key, reusable


@dataclass(frozen=True, slots=True)
class Measured:
    cases: int
    scan_seconds: float
    pairs: int
    check_p50: float
    check_p95: float
    found: int  # checks that found a likely duplicate


async def run(
    cases: int, checks: int, url: str, out: TextIO = sys.stdout, seed_number: int = 2026
) -> Measured:
    engine = make_engine(url, Keyring([BENCH_KEY], "bench.duplicates"))
    try:
        await upgrade(engine)
        sessions = make_sessionmaker(engine)
        now = datetime.now(UTC)
        async with sessions() as session:
            held = int(await session.scalar(select(func.count()).select_from(Report)) or 0)
        if held < cases:
            print(
                f"Seeding {cases:,} cases with Indonesian names ({engine.dialect.name})…",
                file=out,
                flush=True,
            )
            await seed(engine, cases - held, now=now, seed=seed_number, namer=names.name)
        async with sessions() as session, session.begin():  # a full re-scan: from nothing
            await session.execute(delete(NameKey))
            await session.execute(delete(DuplicatePair))

        started = time.perf_counter()

        def said(line: str) -> None:
            print(f"  {time.perf_counter() - started:6.1f} s  {line}", file=out, flush=True)

        done = await scan(sessions, now, said)
        scan_seconds = time.perf_counter() - started
        print(f"full re-scan: {scan_seconds:.1f} s for {done.cases:,} cases ({done.keyed:,} names keyed), "
              f"{done.pairs:,} pairs (goal < {SCAN_GOAL:.0f} s)", file=out, flush=True)  # fmt: skip

        rng = random.Random(seed_number)
        async with sessions() as session:
            citizen = int(await session.scalar(select(func.min(Citizen.id))) or 1)
            top = int(await session.scalar(select(func.max(Report.id))) or 1)
        times, found = [], 0
        variants = variants_found = strangers = strangers_found = 0
        for n in range(checks):
            async with sessions() as session, session.begin() as tx:
                report = Report(citizen_id=citizen, language="id", submitted=True, created_at=now,
                                updated_at=now, reference=f"PNH-9{n:08d}")  # fmt: skip
                other = await session.get(Report, rng.randint(1, top)) if rng.random() < 0.5 else None
                variant = other is not None and bool(other.full_name) and other.birth_date is not None
                if other is not None and other.full_name and other.birth_date:
                    report.full_name = names.variant(other.full_name, rng)
                    report.birth_date = other.birth_date
                else:
                    report.full_name = names.name(rng)
                    report.birth_date = date(rng.randint(1972, 2007), rng.randint(1, 12), rng.randint(1, 28))
                session.add(report)
                await session.flush()
                started = time.perf_counter()
                proposed = await duplicates.check(session, report, now)
                times.append(time.perf_counter() - started)
                found += bool(proposed)
                if variant:  # the person reported before: found when a pair names them
                    variants += 1
                    variants_found += other is not None and any(f.other_id == other.id for f in proposed)
                else:  # someone new: any pair is a false one (unless they share a date and a name by chance)
                    strangers += 1
                    strangers_found += bool(proposed)
                await tx.rollback()
        times.sort()
        p50, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
        print(f"one new case checked: p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms over {checks} checks "
              f"(goal < {CHECK_GOAL * 1000:.0f} ms); {found} found a likely duplicate", file=out)  # fmt: skip
        print(f"names: {variants_found} of {variants} reports of someone reported before (the name written "
              f"another way) found; {strangers_found} of {strangers} others paired", file=out)  # fmt: skip
        return Measured(done.cases, scan_seconds, done.pairs, p50, p95, found)
    finally:
        await engine.dispose()


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.duplicates", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=30_000)
    parser.add_argument("--checks", type=int, default=300)
    parser.add_argument("--database", help="a SQLite file to keep the cases in (reused when it has them)")
    parser.add_argument(
        "--postgres", help="a PostgreSQL URL to run on (its tables are created; use a fresh database)"
    )
    return parser.parse_args()


if __name__ == "__main__":
    args = arguments()
    with tempfile.TemporaryDirectory() as folder:
        file = Path(args.database) if args.database else Path(folder) / "duplicates.db"
        database = args.postgres or f"sqlite+aiosqlite:///{file}"
        asyncio.run(run(args.cases, args.checks, database))
