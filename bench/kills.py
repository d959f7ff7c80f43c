"""The bot killed with SIGKILL at random moments, mid-report and mid-broadcast, and started again,
round after round; then checked: no stored answer lost, no message lost or doubled, every alert there.

    python -m bench.kills [--rounds 50] [--framework aiogram|ptb] [--seed N]

The bot runs as its own process (`python -m bot run`); this process hosts the emulator, three
citizens reporting at a time (patient ones: when no answer comes, they send /start and are asked
again) and, every few rounds, a broadcast to 40 citizens. Printed: rounds, kills survived (and how
many hit a report or a broadcast in flight), losses, doubles, and the doubles the outbox's one
documented window explains (a message Telegram accepted, killed before its row was marked sent:
such rows are seen still "sending" in the database right after the kill), and its twin in a chat:
an answer stored as unsent when the kill came is sent at the restart, twice if Telegram had already
taken it (such chats are seen marked in the database right after the kill).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bench.processes import ROOT, bot_env
from bot.flow.model import UNSENT
from bot.services.broadcasts import Filters, Plan, launch
from emulator import DEFAULT_TOKEN, Emulator, Limits
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from storage.models import Conversation, Report
from tests.broadcasts.seed import Person, seed
from tests.security.patient import Citizen

GROUP, OFFICER, STAFF = -1001000000055, 6401, 6402
WAVE = range(6500, 6540)  # broadcast recipients (seeded, each has written once)
FIRST_CITIZEN = 6600
AT_ONCE = 3  # citizens reporting at the same time
BROADCAST_EVERY = 4  # rounds
NOTICE = re.compile(r"(?:Pengumuman nomor|Notice number) (\d+)\.")


@dataclass
class Figures:
    rounds: int = 0
    kills: int = 0
    mid_report: int = 0
    mid_broadcast: int = 0
    reports: int = 0
    broadcasts: int = 0
    lost_answers: list[str] = field(default_factory=list)
    lost_messages: list[str] = field(default_factory=list)
    lost_alerts: list[str] = field(default_factory=list)
    doubles: list[str] = field(default_factory=list)
    window_doubles: list[str] = field(default_factory=list)
    in_window: set[tuple[int, int]] = field(default_factory=set)  # rows seen "sending" right after a kill
    unsent_chats: set[int] = field(default_factory=set)  # chats whose answer was stored unsent at a kill
    re_asks: int = (
        0  # times a citizen got no answer within 4 s (the bot down, or a reply lost) and sent /start
    )

    @property
    def losses(self) -> int:
        return len(self.lost_answers) + len(self.lost_messages) + len(self.lost_alerts)

    def line(self, framework: str) -> str:
        return (
            f"[kills] {framework}: rounds {self.rounds}, kills survived {self.kills} "
            f"(mid-report {self.mid_report}, mid-broadcast {self.mid_broadcast}), reports {self.reports}, "
            f"broadcasts {self.broadcasts} x {len(WAVE)}; losses {self.losses} "
            f"(answers {len(self.lost_answers)}, messages {len(self.lost_messages)}, "
            f"alerts {len(self.lost_alerts)}), doubles {len(self.doubles)}, "
            f"doubles in the outbox's documented window {len(self.window_doubles)}; "
            f"citizens re-asked {self.re_asks} times (no answer within 4 s: the bot down, or a reply lost)"
        )


class Bot:
    """The bot process, started and killed again and again."""

    def __init__(self, emu: Emulator, db: Path, framework: str, log: Path) -> None:
        self.emu = emu
        self.db = db
        self.log = log
        self.env = bot_env(
            {
                "HOTLINE_BOT_TOKEN": DEFAULT_TOKEN, "HOTLINE_TELEGRAM_API": emu.api_url,
                "HOTLINE_DATABASE_URL": f"sqlite+aiosqlite:///{db}", "HOTLINE_FRAMEWORK": framework,
                "HOTLINE_OFFICER_CHAT_ID": str(GROUP), "HOTLINE_STAFF_IDS": str(STAFF),
                "HOTLINE_FLOOD_LIMIT": "10000", "HOTLINE_SOS_REPEAT_SECONDS": "3600",
                "HOTLINE_SOS_ESCALATE_SECONDS": "7200", "HOTLINE_SEND_RATE": "25",
                "HOTLINE_GROUP_RATE_PER_MINUTE": "600",  # limits are off here: kills matter, not pacing
            }
        )  # fmt: skip
        self.proc: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        calls = len(self.emu.calls)
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(  # noqa: ASYNC220 - started once a round
                [sys.executable, "-m", "bot", "run"], env=self.env, cwd=ROOT, stdout=out, stderr=out
            )

        def up() -> bool:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"the bot stopped at start; see {self.log}")
            return any(c.method in ("getUpdates", "deleteWebhook") for c in self.emu.calls[calls:])

        await self.emu.wait_for(up, timeout=180, what="the bot up")

    def kill(self) -> set[tuple[int, int]]:
        """SIGKILL; the outbox rows caught "sending" (the window where a double may come), as
        (chat, broadcast id) for a broadcast's message and (chat, -report id) for a card."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        with contextlib.closing(sqlite3.connect(self.db)) as conn:
            rows = conn.execute(
                "SELECT o.chat_id, o.kind, o.report_id, r.broadcast_id FROM outbox o "
                "LEFT JOIN broadcast_recipients r ON r.outbox_id = o.id WHERE o.status = 'sending'"
            ).fetchall()
        return {(int(chat), int(bc) if bc else -int(report or 0)) for chat, _, report, bc in rows}

    async def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            await asyncio.to_thread(self.proc.wait, 60)


@contextlib.asynccontextmanager
async def world(framework: str, folder: Path) -> AsyncIterator[tuple[Emulator, Bot]]:
    emu = Emulator(token=DEFAULT_TOKEN, limits=Limits(enabled=False))
    await emu.start(host="127.0.0.1", port=0)
    db = folder / "kills.db"
    engine = make_engine(f"sqlite+aiosqlite:///{db}")
    await upgrade(engine)
    await seed(make_sessionmaker(engine), [Person(u, tags=["wave-k"]) for u in WAVE], datetime.now(UTC))
    await engine.dispose()
    emu.create_group(GROUP, "Duty officers", [emu.user(OFFICER, first_name="Budi")])
    for user_id in WAVE:
        await emu.send_text(emu.user(user_id, language_code="id"), "halo")
    bot = Bot(emu, db, framework, folder / "bot.log")
    try:
        yield emu, bot
    finally:
        with contextlib.suppress(Exception):
            await bot.stop()
        await emu.stop()


class Reporters:
    """Citizens reporting one after another, AT_ONCE at a time, until told to finish."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.next_id = FIRST_CITIZEN
        self.started: list[int] = []
        self.finished: list[int] = []
        self.busy: set[int] = set()
        self.stopping = False
        self.re_asks = 0

    async def one(self) -> None:
        while not self.stopping:
            user_id, self.next_id = self.next_id, self.next_id + 1
            self.started.append(user_id)
            user = self.emu.user(user_id, first_name=f"Warga {user_id}", language_code="id")
            citizen = Citizen(self.emu, user, attempts=100)  # the bot is down often: very patient
            self.busy.add(user_id)
            await citizen.report(name_of(user_id))
            self.re_asks += citizen.retries
            self.busy.discard(user_id)
            self.finished.append(user_id)

    async def run(self) -> None:
        await asyncio.gather(*(self.one() for _ in range(AT_ONCE)))


def name_of(user_id: int) -> str:
    return f"Warga Nomor {user_id}"


async def launch_broadcast(db: Path, n: int) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{db}")
    async with make_sessionmaker(engine)() as session, session.begin():
        plan = Plan(
            Filters({"tag": ("wave-k",)}), f"Pengumuman nomor {n}.", f"Notice number {n}.", "none", None
        )
        await launch(session, plan, STAFF, STAFF, None, datetime.now(UTC))
    await engine.dispose()


async def unsent_chats(db: Path) -> set[int]:
    """The chats whose conversation holds an answer stored but not yet recorded as sent."""
    engine = make_engine(f"sqlite+aiosqlite:///{db}")
    try:
        async with make_sessionmaker(engine)() as session:
            return {c.chat_id for c in await session.scalars(select(Conversation)) if c.data.get(UNSENT)}
    finally:
        await engine.dispose()


def outbox_busy(db: Path) -> bool:
    """Rows still to go: alerts (paced at 20 a minute in the group, after back-offs) and broadcasts."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        (n,) = conn.execute("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')").fetchone()
    return bool(n)


def broadcast_sending(db: Path) -> bool:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        (n,) = conn.execute(
            "SELECT count(*) FROM outbox WHERE kind LIKE 'broadcast%' AND status IN ('pending', 'sending')"
        ).fetchone()
    return bool(n)


async def run(rounds: int, framework: str, seed_value: int = 1, folder: Path | None = None) -> Figures:
    rng = random.Random(seed_value)
    figures = Figures()
    with tempfile.TemporaryDirectory(prefix="hotline-kills-") as tmp:
        where = folder or Path(tmp)
        async with world(framework, where) as (emu, bot):
            reporters = Reporters(emu)
            citizens = asyncio.create_task(reporters.run())
            try:
                for n in range(1, rounds + 1):
                    await bot.start()
                    if n % BROADCAST_EVERY == 0:
                        figures.broadcasts += 1
                        await launch_broadcast(bot.db, figures.broadcasts)
                        await asyncio.sleep(rng.uniform(0.3, 2.0))  # about 40 messages at 25 a second
                    else:
                        await asyncio.sleep(rng.uniform(0.5, 4.0))
                    figures.mid_report += bool(reporters.busy)
                    figures.mid_broadcast += broadcast_sending(bot.db)
                    figures.in_window |= bot.kill()
                    figures.unsent_chats |= await unsent_chats(bot.db)
                    figures.kills += 1
                    figures.rounds = n
                    print(f"  round {n}: killed; reports sent so far {len(reporters.finished)}", flush=True)
                    if citizens.done():
                        citizens.result()  # a citizen stuck for good: raise it
                await bot.start()  # the last start: everyone finishes, nothing more is killed
                reporters.stopping = True
                await asyncio.wait_for(citizens, 300)
                await emu.wait_for(lambda: not outbox_busy(bot.db), timeout=300, what="the outbox empty")
                await asyncio.sleep(2.0)  # and nothing more comes
                await check(emu, bot.db, reporters, figures)
                figures.re_asks = reporters.re_asks
            finally:
                citizens.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await citizens
                await bot.stop()
    return figures


async def check(emu: Emulator, db: Path, reporters: Reporters, figures: Figures) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{db}")
    async with make_sessionmaker(engine)() as session:
        reports = (await session.execute(select(Report).where(Report.submitted))).scalars().all()
    await engine.dispose()
    ours = {name_of(u) for u in reporters.started}
    reports = [r for r in reports if r.full_name in ours]  # the seeded wave's reports never had cards
    figures.reports = len(reports)
    by_name = {r.full_name: r for r in reports}
    for user_id in reporters.finished:  # every answer given is stored
        report = by_name.get(name_of(user_id))
        if report is None or report.city != "phnom_penh" or report.safety is None:
            figures.lost_answers.append(f"citizen {user_id}")
    for report in reports:  # every alert reached the group: one card per report
        reference = report.reference or f"report {report.id}"
        cards = [e for e in emu.bot_messages(GROUP) if reference in (e.text or "").split("\n")[0]]
        if not cards:
            figures.lost_alerts.append(reference)
        elif len(cards) > 1:
            double = f"card {reference} x{len(cards)}"
            explained = (GROUP, -report.id) in figures.in_window
            (figures.window_doubles if explained else figures.doubles).append(double)
    for user_id in WAVE:  # each broadcast reached each citizen once
        got = Counter(
            int(found[1]) for e in emu.bot_messages(user_id) if (found := NOTICE.search(e.text or ""))
        )
        for n in range(1, figures.broadcasts + 1):
            count = got.get(n, 0)
            if count == 0:
                figures.lost_messages.append(f"broadcast {n} to {user_id}")
            elif count > 1:
                double = f"broadcast {n} to {user_id} x{count}"
                explained = (user_id, n) in figures.in_window
                (figures.window_doubles if explained else figures.doubles).append(double)
    for user_id in reporters.started:  # the conversation: no answer said twice, no message unanswered
        entries = emu.transcript(user_id)
        for before, after in itertools.pairwise(entries):
            if before.from_bot and after.from_bot and before.text and before.text == after.text:
                double = f"chat {user_id}: {before.text[:40]!r} twice"
                # an answer stored as unsent at a kill is sent again at the restart: if Telegram had
                # taken it just before the kill, it comes twice (the handler's window, like the outbox's)
                explained = user_id in figures.unsent_chats
                (figures.window_doubles if explained else figures.doubles).append(double)
        for i, entry in enumerate(entries):
            if entry.from_bot:
                continue
            answered = any(e.from_bot for e in entries[i + 1 :])
            if not answered:
                figures.lost_messages.append(
                    f"chat {user_id}: {(entry.text or entry.kind)[:30]!r} unanswered"
                )


def cli() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--framework", choices=("aiogram", "ptb"), default="aiogram")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.monotonic()
    figures = asyncio.run(run(args.rounds, args.framework, args.seed))
    print(figures.line(args.framework) + f" in {time.monotonic() - started:.0f} s")
    for item in [*figures.lost_answers, *figures.lost_messages, *figures.lost_alerts, *figures.doubles]:
        print(f"  {item}")
    for item in figures.window_doubles:
        print(f"  (window) {item}")
    sys.exit(1 if figures.losses or figures.doubles else 0)


if __name__ == "__main__":
    cli()
