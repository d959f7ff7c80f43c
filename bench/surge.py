"""A surge: N citizens complete full reports at once against the emulator, beside a bare echo bot.

    python -m bench.surge [--citizens 3000] [--framework aiogram|ptb|both] [--database URL]
    python -m bench.surge --knee [--crowds 100,200,400,…] [--window 60] [--think 10] [--framework …]

--knee answers the operator's question: how many citizens reporting at the same time, at a human
pace, can one process serve with reply p99 under 250 ms and SOS-to-group p99 under 1 s? It steps
the crowd up, each crowd for --window seconds on a fresh hotline, and prints a table and the knee.

For each framework the hotline runs as its own process (`python -m bot run`, as in production) and
this process hosts the emulator and the citizens; then the echo bot (`python -m bot.runtime.echo`)
takes the same citizens' load: the same updates, each answered with one message. That is the floor:
what the framework and the emulator cost on this machine without the hotline.

A share of the citizens (--sos, 5%) press SOS first; the officer group is configured, so cards flow
through the outbox. Telegram's flood limits are lifted in the emulator and in the bot (a surge is
beyond them whatever the bot does): what is measured is the bot. Each citizen reads and types for
--think seconds on average (half to one and a half times) between steps, and starts within one
--think of the others. The database is SQLite in a temporary folder unless --database names one
(which is emptied first). --profile writes the bot's cProfile output next to its log.

Printed per framework: updates handled per second, reply latency p50/p95/p99 (a citizen's action to
the bot's first message or edit in that chat), SOS-to-officer-group latency p99, the bot's peak
resident memory, reports stored, alerts delivered (cards in the group), and the floor's figures.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, func, inspect, select

from bench.citizens import REPORT, SOS, Citizen, Figures, Step, Watcher, echo_script, thinker
from bench.processes import bot_env, cpu_seconds, peak_memory_mb, process
from emulator import DEFAULT_TOKEN, Emulator, Limits
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import Base, Report

GROUP = -1_001_700_000_000
OFFICER = 700
FIRST_CITIZEN = 200_000
START_SECONDS = 300  # a loaded machine, or cProfile, makes the bots slow to start
UNLIMITED = {
    "HOTLINE_SEND_RATE": "1000000",
    "HOTLINE_GROUP_RATE_PER_MINUTE": "100000000",
    "HOTLINE_SOS_REPEAT_SECONDS": "3600",  # no repeated SOS cards while the surge runs
    "HOTLINE_SOS_ESCALATE_SECONDS": "7200",
}
GOALS = "goals on SQLite: >= 0.8 of the floor, reply p99 < 250 ms, SOS p99 < 1 s, memory < 300 MB"


@dataclass(frozen=True)
class Load:
    citizens: int
    sos_share: float
    think: float
    seed: int

    def scripts(self) -> list[tuple[int, tuple[Step, ...]]]:
        rng = random.Random(self.seed)
        sos = set(rng.sample(range(self.citizens), round(self.citizens * self.sos_share)))
        return [(FIRST_CITIZEN + n, SOS if n in sos else REPORT) for n in range(self.citizens)]


@dataclass
class Result:
    name: str
    figures: Figures
    memory_mb: float
    cpu: float  # the bot's CPU seconds during the surge
    reports: int | None = None
    expected_alerts: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        f = self.figures
        return max(f.last - f.first, 1e-9)

    @property
    def rate(self) -> float:
        return self.figures.updates / self.seconds


def percentile(values: Sequence[float], share: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


async def drive(
    emu: Emulator, load: Load, echo: bool, group: int | None, window: float | None = None
) -> Figures:
    """Every citizen through its script at once; returns when all are done (or have failed), or with
    `window`, after that many seconds (what is under way is dropped; SOS cards are waited for)."""
    figures = Figures()
    people: dict[int, Citizen] = {}
    for user_id, script in load.scripts():
        people[user_id] = Citizen(emu, user_id, echo_script(script) if echo else script, figures)
    watcher = Watcher(people, group, figures)
    stop_listening = emu.listen(watcher)
    rng = random.Random(load.seed + 1)
    try:
        starts = {u: rng.uniform(0, load.think) for u in people}
        thinkers = {u: thinker(random.Random(load.seed * 1_000_003 + u), load.think) for u in people}
        runs = [asyncio.create_task(c.run(starts[u], thinkers[u])) for u, c in people.items()]
        _, cut = await asyncio.wait(runs, timeout=window)
        for run in cut:
            run.cancel()
        await asyncio.gather(*runs, return_exceptions=window is not None)
        if group is not None:
            await wait_for_cards(
                figures, len(people) if window is None else len(figures.sos_pressed), sos=window is not None
            )
    finally:
        stop_listening()
    return figures


async def wait_for_cards(figures: Figures, wanted: int, quiet: float = 20.0, sos: bool = False) -> None:
    """The outbox may still be sending cards after the last answer: wait while they keep coming
    (`sos`: only the cards of the citizens who pressed SOS count)."""

    def got() -> int:
        return len(figures.sos_latencies()) if sos else len(figures.cards)

    seen, since = got(), time.perf_counter()
    while got() < wanted and time.perf_counter() - since < quiet:
        await asyncio.sleep(0.1)
        if got() != seen:
            seen, since = got(), time.perf_counter()


async def fresh_database(url: str) -> None:
    """The newest schema, with no rows: a benchmark's database starts empty."""
    engine = make_engine(url)
    try:
        await upgrade(engine)
        async with engine.begin() as conn:
            existing = set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
            for table in reversed(Base.metadata.sorted_tables):
                if table.name in existing:
                    await conn.execute(delete(table))
    finally:
        await engine.dispose()


async def reports_stored(url: str) -> int:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            found = await conn.execute(select(func.count()).select_from(Report).where(Report.submitted))
            return int(found.scalar_one())
    finally:
        await engine.dispose()


async def run_hotline(
    framework: str, load: Load, db_url: str, folder: Path, profile: bool, window: float | None = None
) -> Result:
    await fresh_database(db_url)
    emu = Emulator(token=DEFAULT_TOKEN, limits=Limits(enabled=False))
    await emu.start(host="127.0.0.1", port=0)
    emu.create_group(GROUP, "Duty officers", [emu.user(OFFICER, first_name="Officer")])
    settings = {
        "HOTLINE_BOT_TOKEN": DEFAULT_TOKEN, "HOTLINE_TELEGRAM_API": emu.api_url,
        "HOTLINE_DATABASE_URL": db_url, "HOTLINE_FRAMEWORK": framework,
        "HOTLINE_OFFICER_CHAT_ID": str(GROUP), **UNLIMITED,
    }  # fmt: skip
    log = folder / f"hotline-{framework}.log"
    prof = folder / f"hotline-{framework}.prof" if profile else None
    try:
        async with process(["-m", "bot", "run"], bot_env(settings), log, prof) as proc:
            await emu.wait_for(lambda: bool(emu.commands) or proc.poll() is not None, timeout=START_SECONDS)
            if proc.poll() is not None:
                raise SystemExit(f"the hotline did not start; see {log}")
            cpu_before = cpu_seconds(proc.pid)
            figures = await drive(emu, load, echo=False, group=GROUP, window=window)
            memory, cpu = peak_memory_mb(proc.pid), cpu_seconds(proc.pid) - cpu_before
    finally:
        await emu.stop()
    reports = await reports_stored(db_url)
    result = Result(f"hotline ({framework})", figures, memory, cpu, reports, load.citizens)
    result.notes.append(f"log: {log}" + (f", profile: {prof}" if prof else ""))
    return result


async def run_floor(framework: str, load: Load, folder: Path) -> Result:
    emu = Emulator(token=DEFAULT_TOKEN, limits=Limits(enabled=False))
    await emu.start(host="127.0.0.1", port=0)
    settings = {"HOTLINE_BOT_TOKEN": DEFAULT_TOKEN, "HOTLINE_TELEGRAM_API": emu.api_url}
    log = folder / f"echo-{framework}.log"
    try:
        args = ["-m", "bot.runtime.echo", "--framework", framework]
        async with process(args, bot_env(settings), log) as proc:
            await emu.wait_for(
                lambda: emu.count("getUpdates") > 0 or proc.poll() is not None, timeout=START_SECONDS
            )
            if proc.poll() is not None:
                raise SystemExit(f"the echo bot did not start; see {log}")
            cpu_before = cpu_seconds(proc.pid)
            figures = await drive(emu, load, echo=True, group=None)
            memory, cpu = peak_memory_mb(proc.pid), cpu_seconds(proc.pid) - cpu_before
    finally:
        await emu.stop()
    return Result(f"echo floor ({framework})", figures, memory, cpu)


def ms(seconds: float) -> str:
    return "n/a" if math.isnan(seconds) else f"{seconds * 1000:.0f} ms"


def describe(result: Result) -> list[str]:
    f = result.figures
    replies = f.replies
    lines = [
        f"{result.name}: {f.updates:,} updates in {result.seconds:.1f} s = {result.rate:.0f} updates/s",
        f"  reply latency p50 {ms(percentile(replies, 0.5))}, p95 {ms(percentile(replies, 0.95))}, "
        f"p99 {ms(percentile(replies, 0.99))}, max {ms(max(replies, default=math.nan))}",
        f"  peak resident memory {result.memory_mb:.0f} MB; CPU {result.cpu:.1f} s "
        f"= {result.cpu / max(f.updates, 1) * 1000:.1f} ms an update",
    ]
    if result.reports is not None:
        sos = f.sos_latencies()
        slowest = ms(max(sos, default=math.nan))
        lines.append(
            f"  SOS to the officer group p99 {ms(percentile(sos, 0.99))} (max {slowest}, "
            f"{len(sos)} of {len(f.sos_pressed)} SOS)"
        )
        lines.append(f"  reports stored {result.reports:,} of {result.expected_alerts:,}")
        lines.append(
            f"  alerts delivered {len(f.cards):,} of {result.expected_alerts:,} (cards in the group)"
        )
    if f.failed:
        lines.append(f"  {len(f.failed)} citizens stopped; first: {f.failed[0]}")
    lines.extend(f"  {note}" for note in result.notes)
    return lines


def verdict(hotline: Result, floor: Result) -> list[str]:
    share = hotline.rate / floor.rate if floor.rate else math.nan
    sos = hotline.figures.sos_latencies()
    checks = [
        ("throughput >= 0.8 of the floor", share >= 0.8),
        ("reply p99 < 250 ms", percentile(hotline.figures.replies, 0.99) < 0.25),
        ("SOS p99 < 1 s", percentile(sos, 0.99) < 1.0 if sos else True),
        ("memory < 300 MB", hotline.memory_mb < 300),
        ("every report stored", hotline.reports == hotline.expected_alerts),
        ("every alert delivered", len(hotline.figures.cards) == hotline.expected_alerts),
    ]
    met = ", ".join(f"{name}: {'yes' if ok else 'NO'}" for name, ok in checks)
    return [f"throughput: {share:.2f} of the floor", f"goals: {met}"]


async def main(
    frameworks: Sequence[str], load: Load, database: str | None, profile: bool, floor: bool = True
) -> list[tuple[Result, Result | None]]:
    folder = Path(tempfile.mkdtemp(prefix="bench-surge-"))
    sos = round(load.citizens * load.sos_share)
    kind = "SQLite" if database is None or database.startswith("sqlite") else database.split(":", 1)[0]
    print(
        f"surge: {load.citizens:,} citizens ({sos} press SOS first), {load.think:g} s reading between "
        f"steps, on {kind}; Telegram's limits lifted; files in {folder}",
        flush=True,
    )
    results: list[tuple[Result, Result | None]] = []
    for framework in frameworks:
        db_url = database or f"sqlite+aiosqlite:///{folder}/surge-{framework}.db"
        hotline = await run_hotline(framework, load, db_url, folder, profile)
        print("\n".join(describe(hotline)), flush=True)
        echo = await run_floor(framework, load, folder) if floor else None
        if echo is not None:
            print("\n".join([*describe(echo), *verdict(hotline, echo)]), flush=True)
        results.append((hotline, echo))
    print(GOALS)
    return results


KNEE_REPLY_P99, KNEE_SOS_P99 = 0.25, 1.0  # the goals a step must meet to be within capacity


@dataclass(frozen=True)
class Crowd:
    citizens: int
    offered: float  # updates a second the crowd offers
    handled: float
    reply_p50: float
    reply_p99: float
    sos_p99: float
    cpu_ms: float
    memory_mb: float

    @property
    def within(self) -> bool:
        return self.reply_p99 < KNEE_REPLY_P99 and (math.isnan(self.sos_p99) or self.sos_p99 < KNEE_SOS_P99)


async def knee(
    frameworks: Sequence[str], crowds: Sequence[int], think: float, window: float, database: str | None,
    sos_share: float, seed: int,
) -> dict[str, list[Crowd]]:  # fmt: skip
    """Each crowd in turn, `window` seconds each, on a fresh hotline and database; stops after the
    first crowd that misses a goal. The knee: the largest crowd within both goals."""
    folder = Path(tempfile.mkdtemp(prefix="bench-knee-"))
    kind = "SQLite" if database is None or database.startswith("sqlite") else database.split(":", 1)[0]
    print(
        f"knee: crowds of {', '.join(f'{n:,}' for n in crowds)} citizens reporting at once, "
        f"{think:g} s between steps, {window:g} s each, on {kind}; goals: reply p99 < "
        f"{KNEE_REPLY_P99 * 1000:.0f} ms, SOS p99 < {KNEE_SOS_P99:g} s; files in {folder}",
        flush=True,
    )
    found: dict[str, list[Crowd]] = {}
    for framework in frameworks:
        steps: list[Crowd] = []
        print(
            f"\n{framework}\n  citizens  offered/s  handled/s  reply p50  reply p99  SOS p99  "
            "CPU/update  memory"
        )
        for n in crowds:
            db_url = database or f"sqlite+aiosqlite:///{folder}/knee-{framework}-{n}.db"
            result = await run_hotline(
                framework, Load(n, sos_share, think, seed), db_url, folder, False, window
            )
            f = result.figures
            step = Crowd(
                n, n / think, result.rate, percentile(f.replies, 0.5), percentile(f.replies, 0.99),
                percentile(f.sos_latencies(), 0.99), result.cpu / max(f.updates, 1) * 1000, result.memory_mb,
            )  # fmt: skip
            steps.append(step)
            print(
                f"  {n:>8,}  {step.offered:>9.0f}  {step.handled:>9.0f}  {ms(step.reply_p50):>9}  "
                f"{ms(step.reply_p99):>9}  {ms(step.sos_p99):>7}  {step.cpu_ms:>7.1f} ms  "
                f"{step.memory_mb:>4.0f} MB"
                f"{'' if step.within else '  <- past the knee'}",
                flush=True,
            )
            if not step.within:
                break
        within = [s.citizens for s in steps if s.within]
        print(
            f"  knee ({framework}, {kind}): "
            + (f"{max(within):,} citizens at once" if within else f"below {crowds[0]:,} citizens"),
            flush=True,
        )
        found[framework] = steps
    return found


def cli(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.surge", description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=3000)
    parser.add_argument("--framework", choices=("aiogram", "ptb", "both"), default="both")
    parser.add_argument("--database", help="a database URL (emptied first); default SQLite in a temp folder")
    parser.add_argument("--sos", type=float, default=0.05, help="the share of citizens who press SOS first")
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds between a citizen's steps")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="run the hotline under cProfile")
    parser.add_argument("--no-floor", action="store_true", help="skip the echo bot (while profiling)")
    parser.add_argument(
        "--knee", action="store_true",
        help="step the crowd up (--crowds) at a human pace (--think, 10 s unless given) and print where "
        "reply p99 < 250 ms and SOS p99 < 1 s stop holding",
    )  # fmt: skip
    parser.add_argument("--crowds", default="100,200,400,600,800,1000,1200", help="with --knee: the crowds")
    parser.add_argument("--window", type=float, default=60.0, help="with --knee: seconds each crowd runs")
    args = parser.parse_args(argv)
    frameworks = ("aiogram", "ptb") if args.framework == "both" else (args.framework,)
    if args.knee:
        think = args.think if "--think" in (argv if argv is not None else sys.argv) else 10.0
        crowds = [int(n) for n in args.crowds.split(",") if n.strip()]
        asyncio.run(knee(frameworks, crowds, think, args.window, args.database, args.sos, args.seed))
        return
    load = Load(args.citizens, args.sos, args.think, args.seed)
    results = asyncio.run(main(frameworks, load, args.database, args.profile, not args.no_floor))
    incomplete = any(
        h.reports != h.expected_alerts or len(h.figures.cards) != h.expected_alerts for h, _ in results
    )
    sys.exit(1 if incomplete else 0)


if __name__ == "__main__":
    cli()
