"""A broadcast to 10,000 citizens against the emulator with Telegram's limits on, while 20 others write.

    python -m bench.broadcast [--recipients 10000] [--framework aiogram|ptb] [--scale K] [--database URL]

The bot runs as its own process (`python -m bot run`), as in production; this process hosts the
emulator and the citizens. --scale K multiplies the emulator's overall limit and the bot's send rate
(HOTLINE_SEND_RATE) by K to shorten the run: what counts is the fraction of the limit reached.
Printed: messages a second as a fraction of the limit, 429s, duplicates, losses, and the p95 time
from a writing citizen's message to the bot's answer.
--database: a SQLite file in a temporary folder by default; given a PostgreSQL server's URL
(postgresql+asyncpg://user@host:port/postgres), a fresh database on it, dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

from bot.services.broadcasts import Filters, Plan, launch
from emulator import DEFAULT_TOKEN, Emulator, Limits
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from tests.broadcasts.seed import Person, seed
from tests.support.databases import create_database, drop_database

ROOT = Path(__file__).resolve().parents[1]
TEXT_ID = "Penerbangan pulang: Kamis 08.00, kumpul di KBRI jam 05.00. Bawa SPLP."
TEXT_EN = "Flight home: Thursday 08:00, gather at the embassy at 05:00. Bring your ETD."
FIRST_RECIPIENT, FIRST_WRITER, PROBE = 100_000, 900_000, 999_999


@contextlib.asynccontextmanager
async def bot_process(
    api_url: str, db_url: str, framework: str, rate: float, log: Path
) -> AsyncIterator[subprocess.Popen[bytes]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env.update(
        PYTHONPATH=str(ROOT), HOTLINE_BOT_TOKEN=DEFAULT_TOKEN, HOTLINE_TELEGRAM_API=api_url,
        HOTLINE_DATABASE_URL=db_url, HOTLINE_FRAMEWORK=framework, HOTLINE_SEND_RATE=str(rate),
    )  # fmt: skip
    with log.open("wb") as out:
        command = [sys.executable, "-m", "bot", "run"]
        proc = subprocess.Popen(command, env=env, cwd=ROOT, stderr=out)  # noqa: ASYNC220 - started once
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.terminate()  # a graceful stop: it needs the emulator, which runs in this loop
            await asyncio.to_thread(proc.wait, 30)


async def forget_updates(emu: Emulator) -> None:
    """The citizens have written to the bot (so it may write to them), but it never sees those updates."""
    async with aiohttp.ClientSession() as http:
        await http.post(
            f"{emu.api_url}/bot{emu.token}/getUpdates", json={"offset": 2_000_000_000, "timeout": 0}
        )


async def warm_up(emu: Emulator, user_id: int) -> None:
    """The bot answers a first message before anything is measured."""
    await emu.send_text(emu.user(user_id), "halo")
    await emu.wait_for_bot_message(user_id, timeout=30)
    await asyncio.sleep(1.0)


class Writers:
    """Citizens who write during the broadcast; the time to the bot's first answer to each message."""

    def __init__(self, emu: Emulator, ids: list[int]) -> None:
        self.emu, self.ids = emu, ids
        self.times: list[float] = []
        self.unanswered = 0

    async def run(self, until: asyncio.Event) -> None:
        await asyncio.gather(*(self._one(user_id, until) for user_id in self.ids))

    async def _one(self, user_id: int, until: asyncio.Event) -> None:
        user = self.emu.user(user_id, language_code="id")
        rng = random.Random(user_id)
        await asyncio.sleep(rng.uniform(0.5, 3.0))
        while not until.is_set():
            after = max((e.message_id for e in self.emu.transcript(user_id)), default=0)
            start = time.perf_counter()
            await self.emu.send_text(user, rng.choice(["halo", "apakah ada kabar?", "saya di Bavet"]))
            try:
                await self.emu.wait_for_bot_message(user_id, timeout=10, after=after)
                self.times.append(time.perf_counter() - start)
            except TimeoutError:
                self.unanswered += 1
            await asyncio.sleep(rng.uniform(3.0, 6.0))  # reads the answer, types the next


@contextlib.asynccontextmanager
async def database(given: str | None, folder: Path) -> AsyncIterator[str]:
    """The benchmark's database URL: a SQLite file in `folder`, or a fresh one on the given server."""
    if given is None or given.startswith("sqlite"):
        yield given or f"sqlite+aiosqlite:///{folder}/bench.db"
        return
    url = await create_database(given, prefix="hotline_bench")
    try:
        yield url
    finally:
        await drop_database(given, url)


async def main(recipients: int, framework: str, scale: float, writers: int, given: str | None) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-broadcast-"))
    async with database(given, folder) as db_url:
        await bench(recipients, framework, scale, writers, folder, db_url)


async def bench(
    recipients: int, framework: str, scale: float, writers: int, folder: Path, db_url: str
) -> None:
    limit = 30.0 * scale
    emu = Emulator(token=DEFAULT_TOKEN, limits=Limits(global_per_s=limit))
    await emu.start(host="127.0.0.1", port=0)
    engine = make_engine(db_url)
    await upgrade(engine)
    sessions = make_sessionmaker(engine)
    targets = list(range(FIRST_RECIPIENT, FIRST_RECIPIENT + recipients))
    chatty = list(range(FIRST_WRITER, FIRST_WRITER + writers))
    people = [Person(u, lang="en" if u % 3 == 0 else "id", tags=["wave-9"]) for u in targets]
    others = [Person(u, tags=["wave-1"]) for u in [*chatty, PROBE]]
    await seed(sessions, people + others, datetime.now(UTC))
    for user_id in [*targets, *chatty, PROBE]:
        await emu.send_text(emu.user(user_id), "halo")
    await forget_updates(emu)
    setup = f"{recipients} recipients, {writers} citizens writing, {framework}, {engine.dialect.name}"
    print(f"{setup}, limit {limit:g}/s (scale {scale:g})")
    print(f"the bot's log: {folder}/bot.log", flush=True)
    async with bot_process(emu.api_url, db_url, framework, limit, folder / "bot.log") as proc:
        await emu.wait_for(lambda: bool(emu.commands) or proc.poll() is not None, timeout=60)
        await warm_up(emu, PROBE)
        done, calls_before = asyncio.Event(), len(emu.calls)
        chatter = Writers(emu, chatty)
        talking = asyncio.create_task(chatter.run(done))
        async with sessions() as session, session.begin():
            plan = Plan(Filters({"tag": ("wave-9",)}), TEXT_ID, TEXT_EN, "ack", None)
            await launch(session, plan, 1, 1, None, datetime.now(UTC))
        window = await watch(emu, set(targets), calls_before)
        done.set()
        await talking
    await engine.dispose()
    report(emu, targets, chatter, window, limit)
    await emu.stop()


@dataclass
class Window:
    """From the broadcast's first message to its last: when, and which of the emulator's calls."""

    first: float = 0.0
    last: float = 0.0
    first_call: int = 0
    last_call: int = 0

    @property
    def seconds(self) -> float:
        return self.last - self.first


async def watch(emu: Emulator, targets: set[int], since: int) -> Window:
    """Follow the broadcast's sendMessage calls until each recipient has had one."""
    seen, index, window = 0, since, Window()
    while seen < len(targets):
        calls = emu.calls
        for n, call in enumerate(calls[index:], start=index):
            if call.method == "sendMessage" and call.status == 200 and call.params.get("chat_id") in targets:
                now = time.perf_counter()
                if not seen:
                    window.first, window.first_call = now, n
                window.last, window.last_call, seen = now, n, seen + 1
        index = len(calls)
        await asyncio.sleep(0.005)
    return window


def report(emu: Emulator, targets: list[int], chatter: Writers, window: Window, limit: float) -> None:
    wanted = (TEXT_ID, TEXT_EN)
    counts = [
        sum(1 for e in emu.bot_messages(u) if any(w in (e.text or "") for w in wanted)) for u in targets
    ]
    seconds = window.seconds
    rate = (len(targets) - 1) / seconds if seconds > 0 else float("inf")
    calls = emu.calls[window.first_call + 1 : window.last_call + 1]
    made = sum(
        1 for c in calls if c.status == 200 and c.method in ("sendMessage", "sendLocation", "sendDocument")
    )
    times = sorted(chatter.times)
    p95 = times[int(0.95 * (len(times) - 1))] if times else float("nan")
    share = rate / limit
    print(f"broadcast: {len(targets)} messages in {seconds:.1f} s: {rate:.1f}/s = {share:.3f} of the limit")
    print(
        f"every message the bot made meanwhile (its answers to citizens too): {made / seconds:.1f}/s "
        f"= {made / seconds / limit:.3f} of the limit"
    )
    print(f"429 answers received: {emu.errors_sent[429]}")
    print(f"duplicates: {sum(1 for c in counts if c > 1)}  losses: {sum(1 for c in counts if c == 0)}")
    if times:
        median, slowest = statistics.median(times) * 1000, times[-1] * 1000
        print(
            f"citizens' answers: {len(times)}, median {median:.0f} ms, p95 {p95 * 1000:.0f} ms, "
            f"max {slowest:.0f} ms, unanswered {chatter.unanswered}"
        )


def cli() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.broadcast", description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--framework", choices=("aiogram", "ptb"), default="aiogram")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the limit and the send rate by K")
    parser.add_argument("--writers", type=int, default=20, help="citizens writing during the broadcast")
    parser.add_argument(
        "--database", metavar="URL", help="a PostgreSQL server to run on (default: a SQLite file)"
    )
    args = parser.parse_args()
    asyncio.run(main(args.recipients, args.framework, args.scale, args.writers, args.database))


if __name__ == "__main__":
    cli()
