"""The web console's speed with 30,000 cases: real HTTP requests to the console as the bot serves it.

    python -m bench.console [--cases 30000] [--requests 100] [--postgres URL] [--folder var/bench-console]
                            [--fresh] [--no-sqlite]
    python -m bench.console serve --database URL [--port 8090]

For each database (SQLite, and PostgreSQL when --postgres or HOTLINE_BENCH_DATABASE_URL names a
server) the cases are seeded (bench.seed), or reused when the database holds that many already
(--fresh seeds again). Then the console runs as its own process (`serve`: the hotline's own console,
started as the bot starts it, with no Telegram), a staff member logs in with a one-time link as from
/console, and this process times requests over loopback, one at a time, each item in turn:

- the cases table filtered by city and status (every city, every status, now and then page 2),
- a search by NIK (of seeded cases, each found),
- a case page (a random case),
- the map's data, /map.json (every located case, or the table's filters),
- Today,
- the board (/board: the count of cases at each stage of the way home; bench.seed leaves every case
  "reported", so the bench spreads them over the stages first with one UPDATE).

Printed per item: p50, p95 and max in ms, and the goal (p95) with PASS or MISS.
SQLite lives in --folder (sqlite.db, its key file sqlite.key beside it); PostgreSQL in the database
bench_console on the server (made if missing; its data key in --folder/postgres.key).

`serve` alone serves the console on a seeded database (python -m bench.seed) and prints a login
link for a staff member (HOTLINE_DATA_KEY, else the database's key file, as the bot reads them).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import math
import os
import random
import re
import signal
import socket
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import aiohttp
import asyncpg
from sqlalchemy import case, func, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.processes import bot_env, process
from bench.seed import seed
from bot.app import Hotline
from bot.config import database_url, load_settings
from bot.core.case import Status
from bot.flow.steps import CITIES
from storage.crypto import DataKeyError, Keyring
from storage.db import make_engine, make_sessionmaker
from storage.keyfile import create_key_file, key_file_for, read_key_file
from storage.migrate import upgrade
from storage.models import Report

STAFF = 800_900  # the staff member who logs in
SERVER_ENV = "HOTLINE_BENCH_DATABASE_URL"
PG_DATABASE = "bench_console"
START_SECONDS = 60
SAMPLE = 200  # cases whose NIK and reference the requests use


@dataclass(frozen=True)
class Item:
    name: str
    goal_ms: float  # p95


TABLE = Item("cases table, city + status", 200)
SEARCH = Item("search by NIK", 200)
CASE = Item("case page", 150)
MAP = Item("map data (/map.json)", 500)
TODAY = Item("Today", 300)
BOARD = Item("board (/board)", 300)
ITEMS = (TABLE, SEARCH, CASE, MAP, TODAY, BOARD)
# How the bench spreads the seeded cases over the way home (by id % 20), when none has moved yet
SPREAD = {6: "identity_verified", 7: "identity_verified", 8: "identity_verified", 9: "document_ready",
          10: "document_ready", 11: "cleared", 12: "cleared", 13: "on_flight", 14: "departed",
          15: "arrived", 16: "arrived", 17: "referred", 18: "staying", 19: "closed"}  # fmt: skip


@dataclass
class Timing:
    item: Item
    seconds: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def percentile(self, share: float) -> float:
        """Nearest rank, in ms."""
        ordered = sorted(self.seconds)
        return 1000 * ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else math.nan

    @property
    def p50(self) -> float:
        return 1000 * statistics.median(self.seconds) if self.seconds else math.nan

    @property
    def p95(self) -> float:
        return self.percentile(0.95)

    @property
    def max(self) -> float:
        return 1000 * max(self.seconds) if self.seconds else math.nan

    @property
    def met(self) -> bool:
        return not self.failures and self.p95 < self.item.goal_ms


@dataclass(frozen=True)
class Sample:
    """Seeded cases the requests name: references, and NIKs with the reference of their case."""

    references: list[str]
    niks: list[tuple[str, str]]


@dataclass(frozen=True)
class Run:
    label: str
    cases: int
    prepared: str  # "seeded in 12 s" or "reused"
    timings: list[Timing]


# -- the database ---------------------------------------------------------------------------------


def key_text(path: Path) -> str:
    """The data key kept in the file at `path` (made on first use), as HOTLINE_DATA_KEY holds it."""
    create_key_file(path, announce=False)
    return ",".join(base64.urlsafe_b64encode(key).decode("ascii") for key in read_key_file(path))


async def _held(url: str, keyring: Keyring) -> int | None:
    """The cases the database holds, its schema brought up to date; None when the key cannot read it."""
    engine = make_engine(url, keyring)
    try:
        await upgrade(engine)
        async with engine.connect() as conn:
            return int(await conn.scalar(select(func.count()).select_from(Report)) or 0)
    except DataKeyError:
        return None
    finally:
        await engine.dispose()


async def _empty(url: str, keyring: Keyring) -> None:
    if url.startswith("sqlite"):
        path = Path(make_url(url).database or "")
        for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            name.unlink(missing_ok=True)
        return
    engine = make_engine(url, keyring)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


async def prepare(url: str, keyring: Keyring, cases: int, fresh: bool, out: TextIO) -> str:
    """The database holding exactly `cases` seeded cases: reused when it does, else seeded anew."""
    if not fresh and await _held(url, keyring) == cases:
        return "reused"
    await _empty(url, keyring)
    engine = make_engine(url, keyring)
    try:
        await upgrade(engine)
        step = max(1, cases // 5)

        def progress(done: int, total: int) -> None:
            if done % step < 2000 or done == total:
                print(f"  seeded {done:,} of {total:,} cases", file=out, flush=True)

        seeded = await seed(engine, cases, progress=progress)
        if engine.dialect.name == "postgresql":
            await _analyze(engine)
    finally:
        await engine.dispose()
    return f"seeded in {seeded.seconds:.0f} s"


async def spread_stages(url: str, keyring: Keyring) -> None:
    """The seeded cases spread over the stages of the way home (one UPDATE), unless some have moved."""
    engine = make_engine(url, keyring)
    try:
        async with engine.begin() as conn:
            moved = await conn.scalar(
                select(func.count()).select_from(Report).where(Report.stage != "reported")
            )
            if not moved:
                stage = case(SPREAD, value=Report.id % 20, else_="reported")
                await conn.execute(update(Report).values(stage=stage))
    finally:
        await engine.dispose()


async def _analyze(engine: AsyncEngine) -> None:
    """PostgreSQL's planner statistics after the bulk load, as autovacuum gathers them in a database
    that grew by itself within a minute or so. (SQLite gathers none unless told: the hotline never
    does, so neither does the bench.)"""
    async with engine.connect() as conn:
        await conn.execute(text("ANALYZE"))
        await conn.commit()


async def sample_of(url: str, keyring: Keyring, rng: random.Random) -> Sample:
    engine = make_engine(url, keyring)
    try:
        async with make_sessionmaker(engine)() as session:
            ids = list(await session.scalars(select(Report.id)))
            with_nik = list(await session.scalars(select(Report.id).where(Report.nik_hash.is_not(None))))
            chosen = rng.sample(with_nik, min(SAMPLE, len(with_nik)))
            found = await session.execute(select(Report.reference, Report.nik).where(Report.id.in_(chosen)))
            niks = [(nik, reference or "") for reference, nik in found if nik]
            refs = await session.scalars(
                select(Report.reference).where(Report.id.in_(rng.sample(ids, min(SAMPLE, len(ids)))))
            )
            references = [reference for reference in refs if reference]
    finally:
        await engine.dispose()
    rng.shuffle(niks)
    return Sample(references, niks)


async def postgres_database(server: str) -> str:
    """The URL of the bench's database on the PostgreSQL server at `server`, made if missing."""
    admin = make_url(database_url(server)).set(drivername="postgresql")
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", PG_DATABASE):
            await conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    finally:
        await conn.close()
    return admin.set(drivername="postgresql+asyncpg", database=PG_DATABASE).render_as_string(False)


# -- the console ----------------------------------------------------------------------------------


async def serve(database: str, port: int, out: TextIO) -> None:
    """The hotline's console on `database`, as the bot starts it, until SIGTERM or Ctrl-C; prints a
    login link for a staff member."""
    settings = load_settings(
        database_url=database, console_host="127.0.0.1", console_port=port, staff_ids=(STAFF,), map_tiles=""
    )
    hotline = Hotline.from_settings(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await upgrade(hotline.engine)
        console = await hotline.start_console()
        if console is None:
            raise SystemExit(f"The console cannot listen on port {port}.")
        try:
            token = await hotline.console_access.issue_link(STAFF, "Bench staff")
            print(f"Log in (once, within 5 minutes): {settings.console_base}/login?token={token}&lang=en")
            print("Ctrl-C stops it.", file=out, flush=True)
            await stop.wait()
        finally:
            await console.cleanup()
    finally:
        await hotline.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_for_link(log: Path, running: Callable[[], bool]) -> str:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        found = re.search(r"http://\S+/login\?token=\S+", log.read_text(errors="replace"))
        if found:
            return found.group(0)
        if not running():
            break
        await asyncio.sleep(0.1)
    raise RuntimeError(f"The console did not start: see {log}")


async def log_in(http: aiohttp.ClientSession, link: str) -> str:
    """Log in with the link as a browser does (the page, then its button); the console's base URL."""
    async with http.get(link) as page:
        html = await page.text()
    token = re.search(r'name="token" value="([^"]+)"', html)
    if token is None:
        raise RuntimeError("The login page has no button to log in.")
    base = link.split("/login")[0]
    async with http.post(
        f"{base}/login", data={"token": token.group(1), "lang": "en"}, allow_redirects=False
    ) as answer:
        if answer.status != 303:
            raise RuntimeError(f"The login was refused ({answer.status}).")
    return base


# -- the requests ---------------------------------------------------------------------------------

Check = Callable[[bytes], str]  # what is wrong with an answer's body ("": nothing)
Request = tuple[str, dict[str, str], Check]


def _has(words: str) -> Check:
    return lambda body: "" if words.encode() in body else f"{words!r} is not in the page"


def _json_list(body: bytes) -> str:
    return "" if body.startswith(b"[") else "not a JSON list"


class Requests:
    """The requests of each item, varied: filters, cases, NIKs."""

    def __init__(self, sample: Sample, rng: random.Random) -> None:
        self.sample, self.rng = sample, rng
        self.cities = [option.value for option in CITIES]
        self.statuses = ["open", *Status]
        self.n = 0

    def table(self) -> Request:
        params = {"city": self.rng.choice(self.cities), "status": self.rng.choice(self.statuses)}
        if self.rng.random() < 0.2:
            params["page"] = "2"
        return "/cases", params, _has("Cases found:")

    def search(self) -> Request:
        nik, reference = self.sample.niks[self.n % len(self.sample.niks)]
        self.n += 1
        typed = f"{nik[:6]} {nik[6:12]} {nik[12:]}" if self.rng.random() < 0.3 else nik  # as from a KTP
        return "/cases", {"q": typed}, _has(f"/cases/{reference}")

    def case(self) -> Request:
        reference = self.rng.choice(self.sample.references)
        return f"/cases/{reference}", {}, _has(reference)

    def map(self) -> Request:
        filters: list[dict[str, str]] = [{}, {}, {"status": "open"}, {"city": self.rng.choice(self.cities)},
                                         {"priority": "P1"}]  # fmt: skip
        return "/map.json", self.rng.choice(filters), _json_list

    def today(self) -> Request:
        return "/", {}, _has("Cases by status")

    def board(self) -> Request:
        return "/board", {}, _has('data-stage="arrived"')


async def timed(http: aiohttp.ClientSession, base: str, request: Request) -> tuple[float, str]:
    path, params, check = request
    start = time.perf_counter()
    async with http.get(base + path, params=params, allow_redirects=False) as answer:
        body = await answer.read()
        took = time.perf_counter() - start
        problem = f"status {answer.status}" if answer.status != 200 else check(body)
    return took, f"{path} {params}: {problem}" if problem else ""


async def measure(link: str, sample: Sample, requests: int, rng: random.Random) -> list[Timing]:
    """`requests` of each item, the items in a new order each round; one request at a time."""
    makers = Requests(sample, rng)
    kinds: dict[Item, Callable[[], Request]] = {
        TABLE: makers.table, SEARCH: makers.search, CASE: makers.case, MAP: makers.map, TODAY: makers.today,
        BOARD: makers.board,
    }  # fmt: skip
    timings = {item: Timing(item) for item in ITEMS}
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        base = await log_in(http, link)
        for make in kinds.values():  # the first of each (templates, statements) is not timed
            await timed(http, base, make())
        for _ in range(requests):
            order = list(ITEMS)
            rng.shuffle(order)
            for item in order:
                took, problem = await timed(http, base, kinds[item]())
                timings[item].seconds.append(took)
                if problem:
                    timings[item].failures.append(problem)
    return list(timings.values())


async def bench_database(
    label: str, url: str, key_file: Path, cases: int, requests: int, folder: Path, fresh: bool, out: TextIO
) -> Run:
    """Seed (or reuse) the database at `url`, serve the console on it, time the requests."""
    key = key_text(key_file)
    keyring = Keyring(read_key_file(key_file), f"the key file {key_file}")
    print(f"{label}: {cases:,} cases in {make_url(url).render_as_string()}", file=out, flush=True)
    prepared = await prepare(url, keyring, cases, fresh, out)
    await spread_stages(url, keyring)
    rng = random.Random(7)
    sample = await sample_of(url, keyring, rng)
    log = folder / f"console-{label.lower()}.log"
    env = bot_env({"HOTLINE_DATA_KEY": key, "HOTLINE_LOG_LEVEL": "WARNING"})
    port = free_port()
    args = ["-m", "bench.console", "serve", "--database", url, "--port", str(port)]
    async with process(args, env, log) as proc:
        link = await wait_for_link(log, lambda: proc.poll() is None)
        timings = await measure(link, sample, requests, rng)
    return Run(label, cases, prepared, timings)


def report(run: Run, requests: int, out: TextIO) -> None:
    print(f"\n{run.label}, {run.cases:,} cases ({run.prepared}), {requests} requests each", file=out)
    print(f"  {'':30} {'p50':>8} {'p95':>8} {'max':>8}   goal (p95)", file=out)
    for t in run.timings:
        verdict = "PASS" if t.met else "MISS"
        print(
            f"  {t.item.name:30} {t.p50:6.0f} ms {t.p95:6.0f} ms {t.max:6.0f} ms"
            f"   < {t.item.goal_ms:.0f} ms {verdict}",
            file=out,
        )
        for problem in t.failures[:3]:
            print(f"    failed: {problem}", file=out)
    print(file=out, flush=True)


async def main(
    cases: int, requests: int, server: str | None, folder: Path, fresh: bool, sqlite: bool, out: TextIO
) -> list[Run]:
    folder.mkdir(parents=True, exist_ok=True)
    runs: list[Run] = []
    databases: list[tuple[str, Callable[[], Awaitable[str]], Path]] = []
    if sqlite:
        url = f"sqlite+aiosqlite:///{folder.resolve()}/sqlite.db"

        async def sqlite_url() -> str:
            return url

        databases.append(("SQLite", sqlite_url, key_file_for(url) or folder / "sqlite.key"))
    if server:
        databases.append(("PostgreSQL", lambda: postgres_database(server), folder / "postgres.key"))
    for label, url_of, key_file in databases:
        run = await bench_database(label, await url_of(), key_file, cases, requests, folder, fresh, out)
        report(run, requests, out)
        runs.append(run)
    return runs


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.console", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    serving = sub.add_parser("serve", help="serve the console on a database and print a login link")
    serving.add_argument("--database", required=True, help="the database URL")
    serving.add_argument("--port", type=int, default=8090)
    parser.add_argument("--cases", type=int, default=30_000)
    parser.add_argument("--requests", type=int, default=100, help="timed requests of each item")
    parser.add_argument(
        "--postgres", default=os.environ.get(SERVER_ENV), help=f"a PostgreSQL server's URL (or {SERVER_ENV})"
    )
    parser.add_argument("--folder", type=Path, default=Path("var/bench-console"))
    parser.add_argument(
        "--fresh", action="store_true", help="seed again even if the databases hold the cases"
    )
    parser.add_argument("--no-sqlite", dest="sqlite", action="store_false", help="PostgreSQL only")
    return parser.parse_args(argv)


def run_command(argv: list[str]) -> int:
    args = arguments(argv)
    if args.command == "serve":
        asyncio.run(serve(args.database, args.port, sys.stderr))
        return 0
    runs = asyncio.run(
        main(args.cases, args.requests, args.postgres, args.folder, args.fresh, args.sqlite, sys.stdout)
    )
    # a goal missed is a figure to read; a request that failed is a console that does not work
    return 1 if any(t.failures for run in runs for t in run.timings) else 0


if __name__ == "__main__":
    sys.exit(run_command(sys.argv[1:]))
