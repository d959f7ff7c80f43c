"""Stops with updates waiting: each round, citizens write a burst of messages (the flood gate makes
them wait their turn), and the bot is stopped in the middle of it, then started again; at the end,
every message must have reached its case once and been answered once.

    python -m bench.stops [--rounds 10] [--framework aiogram|ptb] [--how kill|term|outage|all]
                          [--database postgresql+asyncpg://…]

- kill: SIGKILL; term: SIGTERM (the default 10 s to finish, not enough for the queue: the rest must
  wait in the inbox for the next start); outage: the database taken away for OUTAGE_SECONDS behind a
  proxy while citizens keep writing (PostgreSQL only: give --database), the bot left running.

Printed: messages sent, reached their case, answered; lost (sent, never reached or never answered:
must be 0), doubles (reached twice: must be 0), and answers sent twice because a kill came between
Telegram taking an answer and the bot recording it (the one window where an answer goes twice).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from bench.processes import ROOT, bot_env
from emulator import DEFAULT_TOKEN, Emulator, Limits
from storage.crypto import Keyring, new_key, parse_keys
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from storage.models import ReportEvent
from tests.support.proxy import Proxy
from tests.support.sent import sent_reports

WRITERS = range(7300, 7306)  # citizens with a sent report, writing bursts
BURST = 6  # messages each writer sends at once, each round
OUTAGE_SECONDS = 8.0
THANKS = ("Pesan Anda sudah ditambahkan", "Your message is added")
KEY = new_key()  # the bot and this process read the same database: one data key, given to both


def engine_for(url: str):  # type: ignore[no-untyped-def]
    return make_engine(url, Keyring(parse_keys(KEY), "bench.stops"))


@dataclass
class Figures:
    how: str
    rounds: int = 0
    sent: int = 0
    reached: int = 0
    answered: int = 0
    lost: list[str] = field(default_factory=list)
    doubles: list[str] = field(default_factory=list)
    window_doubles: list[str] = field(default_factory=list)  # an answer sent, killed before recorded

    def line(self, framework: str) -> str:
        return (
            f"[stops] {framework}, {self.how}: rounds {self.rounds}, messages sent {self.sent}, "
            f"reached their case {self.reached}, answered {self.answered}; lost {len(self.lost)}, "
            f"doubles {len(self.doubles)} (answers sent again after a kill caught them between "
            f"sending and recording: {len(self.window_doubles)})"
        )


async def seed_writers(url: str) -> None:
    engine = engine_for(url)
    try:
        await upgrade(engine)
        await sent_reports(make_sessionmaker(engine), WRITERS, "id")
    finally:
        await engine.dispose()


class Bot:
    def __init__(self, emu: Emulator, url: str, framework: str, log: Path) -> None:
        self.emu = emu
        self.log = log
        self.env = bot_env(
            {
                "HOTLINE_BOT_TOKEN": DEFAULT_TOKEN, "HOTLINE_TELEGRAM_API": emu.api_url,
                "HOTLINE_DATABASE_URL": url, "HOTLINE_FRAMEWORK": framework, "HOTLINE_DATA_KEY": KEY,
                "HOTLINE_FLOOD_LIMIT": "2", "HOTLINE_FLOOD_WINDOW_SECONDS": "1",  # past two, two a second
            }
        )  # fmt: skip
        self.proc: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        calls = len(self.emu.calls)
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(  # noqa: ASYNC220 - once a round
                [sys.executable, "-m", "bot", "run"], env=self.env, cwd=ROOT, stdout=out, stderr=out
            )

        def up() -> bool:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"the bot stopped at start; see {self.log}")
            return any(c.method == "getUpdates" for c in self.emu.calls[calls:])

        await self.emu.wait_for(up, timeout=180, what="the bot up")

    async def stop(self, how: str) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGKILL if how == "kill" else signal.SIGTERM)
        await asyncio.to_thread(self.proc.wait, 60)


@contextlib.asynccontextmanager
async def world(database: str | None, folder: Path) -> AsyncIterator[tuple[Emulator, str, Proxy | None]]:
    emu = Emulator(token=DEFAULT_TOKEN, limits=Limits(enabled=False))
    await emu.start(host="127.0.0.1", port=0)
    proxy = None
    url = f"sqlite+aiosqlite:///{folder}/stops.db"
    if database is not None:
        from tests.support.databases import create_database, drop_database

        url = await create_database(database, "hotline_stops")
        target = make_url(url)
        proxy = Proxy(target.host or "127.0.0.1", target.port or 5432)
        await proxy.start()
    try:
        await seed_writers(url)
        through = url
        if proxy is not None:
            through = make_url(url).set(host="127.0.0.1", port=proxy.port).render_as_string(False)
        yield emu, through, proxy
    finally:
        if proxy is not None:
            await proxy.stop()
        await emu.stop()
        if database is not None:
            await drop_database(database, url)


async def burst(emu: Emulator, round_no: int, sent: list[tuple[int, str]]) -> None:
    for user in WRITERS:
        person = emu.user(user, first_name=f"Warga {user}", language_code="id")
        for n in range(BURST):
            text = f"pesan {round_no}-{n} dari {user}"
            await emu.send_text(person, text)
            sent.append((user, text))


async def run(rounds: int, framework: str, how: str, database: str | None = None, seed: int = 1) -> Figures:
    rng = random.Random(seed)
    hows = ["kill", "term", "outage"] if how == "all" else [how]
    if "outage" in hows and database is None:
        hows = [h for h in hows if h != "outage"] or ["kill"]
    figures = Figures("/".join(hows))
    sent: list[tuple[int, str]] = []
    with tempfile.TemporaryDirectory(prefix="hotline-stops-") as tmp:
        async with world(database, Path(tmp)) as (emu, url, proxy):
            bot = Bot(emu, url, framework, Path(tmp) / "bot.log")
            await bot.start()
            for n in range(1, rounds + 1):
                stop = hows[(n - 1) % len(hows)]
                await burst(emu, n, sent)
                await asyncio.sleep(rng.uniform(0.5, 2.5))  # some handled, most waiting their turn
                if stop == "outage" and proxy is not None:
                    proxy.cut()
                    await burst(emu, n + 1000, sent)  # they keep writing meanwhile
                    await asyncio.sleep(OUTAGE_SECONDS)
                    proxy.restore()
                else:
                    await bot.stop(stop)
                    await bot.start()
                figures.rounds = n
                print(f"  round {n}: {stop}; messages sent so far {len(sent)}", flush=True)
            for _ in range(300):  # every message reaches its case within five minutes (or is lost)
                if (await reached(url)).total() >= len(sent):
                    break
                await asyncio.sleep(1.0)
            await asyncio.sleep(2.0)
            await bot.stop("term")
            await check(emu, url, sent, figures)
    return figures


async def reached(url: str) -> Counter[str]:
    engine = engine_for(url)
    try:
        async with make_sessionmaker(engine)() as session:
            events = await session.scalars(select(ReportEvent).where(ReportEvent.kind == "citizen_message"))
            return Counter(str(e.detail.get("text")) for e in events)
    finally:
        await engine.dispose()


async def check(emu: Emulator, url: str, sent: list[tuple[int, str]], figures: Figures) -> None:
    stored = await reached(url)
    figures.sent = len(sent)
    figures.reached = sum(min(stored[text], 1) for _, text in sent)
    figures.lost = [text for _, text in sent if stored[text] == 0]
    figures.doubles = [f"{text} x{stored[text]}" for _, text in sent if stored[text] > 1]
    for user in WRITERS:
        thanks = sum(1 for e in emu.bot_messages(user) if any(t in (e.text or "") for t in THANKS))
        mine = sum(1 for who, _ in sent if who == user)
        figures.answered += min(thanks, mine)
        if thanks > mine:  # the reply went, the kill came before it was recorded: it goes again
            figures.window_doubles.append(f"chat {user}: {thanks} answers to {mine} messages")
        elif thanks < mine:
            figures.lost.append(f"chat {user}: {mine - thanks} messages unanswered")


def cli() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--framework", choices=("aiogram", "ptb"), default="aiogram")
    parser.add_argument("--how", choices=("kill", "term", "outage", "all"), default="all")
    parser.add_argument("--database", help="a PostgreSQL server (needed for the outage rounds)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.monotonic()
    figures = asyncio.run(run(args.rounds, args.framework, args.how, args.database, args.seed))
    print(figures.line(args.framework) + f" in {time.monotonic() - started:.0f} s")
    for item in [*figures.lost, *figures.doubles][:20]:
        print(f"  {item}")
    for item in figures.window_doubles[:20]:
        print(f"  (window) {item}")
    sys.exit(1 if figures.lost or figures.doubles else 0)


if __name__ == "__main__":
    cli()
