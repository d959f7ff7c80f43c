"""How long each export format takes, and how much memory it holds, with a surge's cases.

    python -m bench.exports [--cases 30000] [--postgres URL] [--formats csv xlsx geojson json]
                            [--folder var/bench-exports] [--fresh] [--no-sqlite] [--whole]

The database is seeded with `bench.seed` (reused when it holds the cases already), then each format
is exported in a process of its own, twice: once timed, with the process's peak resident memory
(VmHWM: the interpreter and its imports included; and its resident memory when the export started),
and once under tracemalloc for the peak of Python's own allocations. The file goes to an unnamed
temporary file, as the chat's /export and the console's export write it.

--whole reads every case at once and builds the file in memory (`load_cases` and `export`): the
way the exports worked before they were streamed; the same command on the older code gives the
"before" figures of docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from sqlalchemy.engine import make_url

from bench.console import SERVER_ENV, postgres_database, prepare
from bench.processes import ROOT, bot_env
from storage.crypto import Keyring
from storage.db import make_engine, make_sessionmaker
from storage.keyfile import create_key_file, key_file_for, read_key_file

FORMATS = ("csv", "xlsx", "geojson", "json")
ZONE = ZoneInfo("Asia/Phnom_Penh")
ONE_RUN_SECONDS = 900


@dataclass(frozen=True, slots=True)
class Figure:
    fmt: str
    rows: int
    seconds: float
    rss_before_mb: float
    rss_peak_mb: float
    traced_peak_mb: float
    size_mb: float


def _memory_mb(field: str) -> float:
    """This process's resident memory now (VmRSS) or at its peak (VmHWM), from Linux's
    /proc/self/status. (ru_maxrss would not do: Linux keeps it across exec, so a process started by a
    big one reports the parent's peak.) Elsewhere: ru_maxrss, for both."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def export_once(url: str, key_file: Path, fmt: str, whole: bool, traced: bool) -> dict[str, Any]:
    """One export of every case into an unnamed temporary file; what it took."""
    keyring = Keyring(read_key_file(key_file), f"the key file {key_file}")
    engine = make_engine(url, keyring)
    before = _memory_mb("VmRSS")
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    try:
        with tempfile.TemporaryFile() as out:
            async with make_sessionmaker(engine)() as session:
                if whole:
                    from bot.services.exports import export, load_cases

                    cases = await load_cases(session)
                    content = export(cases, fmt, ZONE)[0]
                    out.write(content)
                    rows = len(cases)
                else:
                    from bot.services.exports import case_query, stream_cases, write_export

                    query = await case_query(session)
                    rows = (await write_export(stream_cases(session, query), fmt, ZONE, out)).rows
            size = out.tell()
        seconds = time.perf_counter() - started
        traced_peak = tracemalloc.get_traced_memory()[1] if traced else 0
    finally:
        tracemalloc.stop()
        await engine.dispose()
    return {
        "rows": rows,
        "seconds": seconds,
        "rss_before_mb": before,
        "rss_peak_mb": _memory_mb("VmHWM"),
        "traced_peak_mb": traced_peak / 2**20,
        "size_mb": size / 2**20,
    }


def _run(url: str, key_file: Path, fmt: str, whole: bool, traced: bool) -> dict[str, Any]:
    args = [sys.executable, "-m", "bench.exports", "one", "--database", url, "--key-file", str(key_file)]
    args += ["--format", fmt] + (["--whole"] if whole else []) + (["--traced"] if traced else [])
    done = subprocess.run(  # from the project's folder, wherever the caller stands (a test's tmp dir)
        args, capture_output=True, text=True, timeout=ONE_RUN_SECONDS, check=False, cwd=ROOT, env=bot_env({})
    )
    if done.returncode != 0:
        raise RuntimeError(f"the {fmt} export failed: {done.stderr.strip()[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure(url: str, key_file: Path, formats: list[str], whole: bool) -> list[Figure]:
    figures = []
    for fmt in formats:
        timed = _run(url, key_file, fmt, whole, traced=False)
        traced = _run(url, key_file, fmt, whole, traced=True)
        figures.append(
            Figure(
                fmt,
                timed["rows"],
                timed["seconds"],
                timed["rss_before_mb"],
                timed["rss_peak_mb"],
                traced["traced_peak_mb"],
                timed["size_mb"],
            )
        )
    return figures


def report(label: str, figures: list[Figure], out: TextIO) -> None:
    print(f"\n{label}", file=out)
    print(
        f"  {'format':8} {'rows':>7} {'time':>8} {'RSS before':>11} {'RSS peak':>9} {'traced peak':>12}"
        f" {'file':>8}",
        file=out,
    )
    for f in figures:
        print(
            f"  {f.fmt:8} {f.rows:7,} {f.seconds:6.1f} s {f.rss_before_mb:8.0f} MB {f.rss_peak_mb:6.0f} MB"
            f" {f.traced_peak_mb:9.1f} MB {f.size_mb:5.1f} MB",
            file=out,
            flush=True,
        )


async def ready(url: str, key_file: Path, cases: int, fresh: bool, out: TextIO) -> str:
    if not key_file.exists():
        create_key_file(key_file)
    keyring = Keyring(read_key_file(key_file), f"the key file {key_file}")
    return await prepare(url, keyring, cases, fresh, out)


def main(
    cases: int, server: str | None, formats: list[str], folder: Path, fresh: bool, sqlite: bool, whole: bool,
    out: TextIO,
) -> list[Figure]:  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    databases: list[tuple[str, str, Path]] = []
    if sqlite:
        url = f"sqlite+aiosqlite:///{folder.resolve()}/sqlite.db"
        databases.append(("SQLite", url, key_file_for(url) or folder / "sqlite.key"))
    if server:
        databases.append(("PostgreSQL", asyncio.run(postgres_database(server)), folder / "postgres.key"))
    figures: list[Figure] = []
    for label, url, key_file in databases:
        print(f"{label}: {cases:,} cases in {make_url(url).render_as_string()}", file=out, flush=True)
        prepared = asyncio.run(ready(url, key_file, cases, fresh, out))
        measured = measure(url, key_file, formats, whole)
        how = "all at once (--whole)" if whole else "streamed"
        report(f"{label}, {cases:,} cases ({prepared}), {how}", measured, out)
        figures.extend(measured)
    return figures


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.exports", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    one = sub.add_parser("one", help="one export in this process; prints its figures as JSON")
    one.add_argument("--database", required=True)
    one.add_argument("--key-file", type=Path, required=True)
    one.add_argument("--format", choices=FORMATS, required=True)
    one.add_argument("--whole", action="store_true")
    one.add_argument("--traced", action="store_true")
    parser.add_argument("--cases", type=int, default=30_000)
    parser.add_argument(
        "--postgres", default=os.environ.get(SERVER_ENV), help=f"a PostgreSQL server's URL (or {SERVER_ENV})"
    )
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    parser.add_argument("--folder", type=Path, default=Path("var/bench-exports"))
    parser.add_argument("--fresh", action="store_true", help="seed again even if the database has the cases")
    parser.add_argument("--no-sqlite", dest="sqlite", action="store_false", help="PostgreSQL only")
    parser.add_argument("--whole", action="store_true", help="every case at once, as before streaming")
    return parser.parse_args(argv)


def run_command(argv: list[str]) -> int:
    args = arguments(argv)
    if args.command == "one":
        figures = asyncio.run(export_once(args.database, args.key_file, args.format, args.whole, args.traced))
        print(json.dumps(figures))
        return 0
    formats = args.formats
    main(args.cases, args.postgres, formats, args.folder, args.fresh, args.sqlite, args.whole, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(run_command(sys.argv[1:]))
