"""Three webhook workers (`python -m bot run --webhook`, aiogram, ptb, aiogram) on one PostgreSQL
database, behind a round-robin proxy on the one address given to setWebhook, against the emulator
with Telegram's limits on: a surge of citizens completing reports, and a broadcast meanwhile.

Checked: every citizen's replies came in the same order, none twice, none missing; every report is
stored once, with that citizen's own answers; every card reached the officer group; every recipient
got the broadcast once; no 429; the bot's messages, all workers together, within the overall limit;
one worker sends (GET /health: "sender"), the others stand by, and each took updates.

The overall limit and HOTLINE_SEND_RATE are both multiplied by SCALE, and the officer group's limit
raised, to keep the run short: what counts is staying within the limit, whatever its value.
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp import web
from sqlalchemy import select

from bot.i18n import Catalogs
from bot.services.broadcasts import Filters, Plan, launch
from emulator import DEFAULT_TOKEN, Emulator, Limits, TranscriptEntry
from storage.crypto import Keyring, new_key, parse_keys
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from storage.models import Citizen, Report
from tests.broadcasts.seed import Person, seed
from tests.e2e.phone import FAMILY_QUESTION, PHONE_QUESTION, SAFETY_QUESTION, Phone
from tests.scale.conftest import postgres_only
from tests.support.databases import database_url

pytestmark = postgres_only

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = ("aiogram", "ptb", "aiogram")
SCALE = 5.0
LIMIT = 30.0 * SCALE  # messages a second, all chats together (the emulator's and HOTLINE_SEND_RATE)
GROUP_PER_MINUTE = 600
CITIZENS = int(os.environ.get("HOTLINE_SCALE_CITIZENS", "100"))
RECIPIENTS = 400
FIRST_CITIZEN, FIRST_RECIPIENT = 610_000, 620_000
GROUP, STAFF = -1001000000777, 9300
SECRET = "scale-webhook-secret"
MAKES_A_MESSAGE = {"sendMessage", "sendLocation", "sendDocument", "sendPhoto", "sendVenue"}
TEXT_ID = "Penerbangan pulang: Kamis 08.00, kumpul di KBRI jam 05.00."
TEXT_EN = "Flight home: Thursday 08:00, gather at the embassy at 05:00."
WAIT = 120.0  # a reply under the heaviest load (several workers on a small machine)
LOGS = Path(os.environ["HOTLINE_SCALE_LOGS"]) if os.environ.get("HOTLINE_SCALE_LOGS") else None


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RoundRobin:
    """The one address Telegram calls: each update goes to the next worker, answered as it answers."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.taken: Counter[int] = Counter()
        self._next = 0
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self.port = free_port()

    async def start(self) -> None:
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        app = web.Application()
        app.router.add_post("/webhook", self._pass)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.close()

    async def _pass(self, request: web.Request) -> web.Response:
        assert self._http is not None
        port = self.ports[self._next % len(self.ports)]
        self._next += 1
        headers = {
            k: v for k, v in request.headers.items() if k.lower().startswith(("x-telegram", "content-t"))
        }
        try:
            async with self._http.post(
                f"http://127.0.0.1:{port}/webhook", data=await request.read(), headers=headers
            ) as answer:
                body = await answer.read()
                if answer.status == 200:
                    self.taken[port] += 1
                return web.Response(status=answer.status, body=body)
        except (aiohttp.ClientError, TimeoutError):
            return web.Response(status=502)


@contextlib.asynccontextmanager
async def workers(
    emu: Emulator, db_url: str, key: str, proxy: RoundRobin, folder: Path
) -> AsyncIterator[list[subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []
    base = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    try:
        for n, (framework, port) in enumerate(zip(FRAMEWORKS, proxy.ports, strict=True)):
            env = base | {
                "PYTHONPATH": str(ROOT),
                "HOTLINE_BOT_TOKEN": DEFAULT_TOKEN,
                "HOTLINE_TELEGRAM_API": emu.api_url,
                "HOTLINE_DATABASE_URL": db_url,
                "HOTLINE_DATA_KEY": key,
                "HOTLINE_FRAMEWORK": framework,
                "HOTLINE_OFFICER_CHAT_ID": str(GROUP),
                "HOTLINE_OFFICER_LANGUAGE": "en",
                "HOTLINE_STAFF_IDS": str(STAFF),
                "HOTLINE_SEND_RATE": str(LIMIT),
                "HOTLINE_GROUP_RATE_PER_MINUTE": str(GROUP_PER_MINUTE),
                "HOTLINE_WEBHOOK_URL": f"http://127.0.0.1:{proxy.port}/webhook",
                "HOTLINE_WEBHOOK_SECRET": SECRET,
                "HOTLINE_WEBHOOK_HOST": "127.0.0.1",
                "HOTLINE_WEBHOOK_PORT": str(port),
            }
            with (folder / f"worker-{n}.log").open("wb") as log:
                procs.append(
                    subprocess.Popen(  # noqa: ASYNC220 - three, started once
                        [sys.executable, "-m", "bot", "run", "--webhook"],
                        env=env,
                        cwd=folder,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
        yield procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()  # a graceful stop: they need the emulator, which runs in this loop
        for proc in procs:
            try:
                await asyncio.to_thread(proc.wait, 40)
            except subprocess.TimeoutExpired:
                proc.kill()


async def health(port: int) -> tuple[int, dict[str, str]]:
    async with (
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http,
        http.get(f"http://127.0.0.1:{port}/health") as answer,
    ):
        return answer.status, await answer.json()


async def roles(ports: list[int]) -> list[str]:
    found = []
    for port in ports:
        try:
            status, body = await health(port)
        except (aiohttp.ClientError, TimeoutError, ValueError):
            found.append("down")
            continue
        found.append(body.get("role", "?") if status == 200 else "unhealthy")
    return found


@dataclass
class Sends:
    """The time of every message the bot made (any worker), as the emulator answered it."""

    at: list[float] = field(default_factory=list)

    def peak(self, seconds: float) -> int:
        """The most messages made within any window of this length."""
        best, start = 0, 0
        for end, t in enumerate(self.at):
            while t - self.at[start] > seconds:
                start += 1
            best = max(best, end - start + 1)
        return best


class Citizen_(Phone):
    """A phone that waits longer under load, and keeps its chat under Telegram's 1 message a second:
    before each action it waits one second for each message the bot sent it since the last one."""

    def __init__(self, emu: Emulator, n: int, catalogs: Catalogs) -> None:
        super().__init__(emu, FIRST_CITIZEN + n, "en", catalogs, name=f"Citizen {n}")
        self.n = n
        self._seen = 0

    async def expect(self, msgid: str | None, after: int, **params: object) -> TranscriptEntry:
        wanted = self.t(msgid, **params) if msgid is not None else None
        return await self.emu.wait_for_bot_message(self.chat_id, contains=wanted, timeout=WAIT, after=after)

    async def pace(self) -> None:
        made = len(self.emu.bot_messages(self.chat_id))
        await asyncio.sleep(max(1.05 * (made - self._seen) + 0.1, 1.5))  # and under the flood gate
        self._seen = made

    async def report(self) -> None:
        steps: list[tuple[str, str, str | None]] = [
            ("command", "start", "Do you agree to continue?"),
            ("tap", "f:welcome:agree", "Is it safe for you to talk now?"),
            ("tap", "f:safe:yes", "Or choose the city:"),
            (
                "tap",
                "f:location:bavet",
                "Type the name of the place, building or compound, and a landmark near it.",
            ),
            ("say", f"Compound {self.n}, near the market", "Where is your passport?"),
            ("tap", "f:passport:held", "If you know your passport number, type it (for example A1234567)."),
            ("say", f"B{1_000_000 + self.n}", SAFETY_QUESTION),
            ("tap", "f:safety:free", "What is your full name, as written in your passport?"),
            ("say", f"Citizen Number {self.n}", "What is your date of birth? For example 17-08-1995."),
            ("say", "17/8/95", "If you know your NIK (the 16-digit number on your KTP), type it."),
            ("say", "3201015708950001", PHONE_QUESTION),  # the NIK names the province: not asked
            ("say", "+62 812-3456-7890", FAMILY_QUESTION),
            (
                "tap",
                "f:family_contact:-",
                "How many other Indonesians are with you? Choose or type a number.",
            ),
            ("say", "2", None),  # the way home, skipped
            ("tap", "f:going_home:-", None),
            ("tap", "f:medical:-", None),
            ("tap", "f:documents_held:-", None),
            ("tap", "f:sex:-", None),
            ("tap", "f:children:-", "Is there anything else we should know?"),
            ("say", "We are three on the 3rd floor.", "Please check your report:"),
        ]
        for kind, value, expect in steps:
            await self.pace()
            if kind == "command":
                await self.command(value, expect)
            elif kind == "tap":
                await self.tap(value, expect)
            else:
                await self.say(value, expect)
        await self.pace()
        after = self.last_id()
        await self.emu.press(self.user, self.chat_id, self.button_message("sum:send") or 0, "sum:send")
        await self.emu.wait_for_bot_message(
            self.chat_id, contains="Your reference number is", timeout=WAIT, after=after
        )

    def replies(self, reference: str) -> list[str]:
        """The bot's messages in this chat, with what is this citizen's own made alike."""
        own = [f"Compound {self.n}, near the market", f"B{1_000_000 + self.n}", f"Citizen Number {self.n}"]
        texts = []
        for entry in self.emu.bot_messages(self.chat_id):
            line = entry.text or ""
            for value in own:
                line = line.replace(value, "<own>")
            texts.append(line.replace(reference, "<ref>"))
        return texts


def keyring(key: str) -> Keyring:
    return Keyring(parse_keys(key), "the test")


async def test_three_workers_carry_a_surge_and_a_broadcast(tmp_path: Path) -> None:
    key = new_key()
    db_url = database_url(tmp_path, "workers")
    engine = make_engine(db_url, keyring(key))
    await upgrade(engine)
    sessions = make_sessionmaker(engine)
    recipients = list(range(FIRST_RECIPIENT, FIRST_RECIPIENT + RECIPIENTS))
    await seed(sessions, [Person(u, lang="en", tags=["wave-9"]) for u in recipients], datetime.now(UTC))

    emu = Emulator(token=DEFAULT_TOKEN, limits=Limits(global_per_s=LIMIT, group_per_min=GROUP_PER_MINUTE))
    await emu.start(host="127.0.0.1", port=0)
    emu.create_group(GROUP, "Duty officers", [emu.user(9001, first_name="Budi")])
    for user_id in recipients:  # each wrote to the bot once, so that it may write to them
        await emu.send_text(emu.user(user_id, language_code="en"), "halo")
    async with aiohttp.ClientSession() as http:  # … but the bot never sees those messages
        await http.post(f"{emu.api_url}/bot{emu.token}/getUpdates", json={"offset": 2_000_000_000})
    sends = Sends()
    emu.listen(lambda call: sends.at.append(time.perf_counter()) if call.method in MAKES_A_MESSAGE else None)
    proxy = RoundRobin([free_port() for _ in FRAMEWORKS])
    await proxy.start()
    catalogs = Catalogs(ZoneInfo("Asia/Phnom_Penh"))
    try:
        async with workers(emu, db_url, key, proxy, LOGS or tmp_path) as procs:
            await emu.wait_for(
                lambda: (
                    emu.webhook_info().get("url") == f"http://127.0.0.1:{proxy.port}/webhook"
                    or any(p.poll() is not None for p in procs)
                ),
                timeout=240,  # three processes importing their frameworks on a busy machine
            )
            for _ in range(600):
                found = await roles(proxy.ports)
                if sorted(found) == ["sender", "standby", "standby"]:
                    break
                assert all(p.poll() is None for p in procs), f"a worker stopped: see {tmp_path}/worker-*.log"
                await asyncio.sleep(0.1)
            assert sorted(found) == ["sender", "standby", "standby"]

            phones = [Citizen_(emu, n, catalogs) for n in range(CITIZENS)]

            async def one(phone: Citizen_) -> None:
                await asyncio.sleep(phone.n * 0.05)  # they come within a few seconds
                try:
                    await phone.report()
                except TimeoutError as exc:
                    mine = [
                        (c.method, c.status, str(c.params.get("text", ""))[:30])
                        for c in emu.calls
                        if str(c.params.get("chat_id")) == str(phone.chat_id)
                    ]
                    raise AssertionError(f"{exc}\nthe calls for this chat: {mine}") from None

            async def broadcast() -> None:
                await asyncio.sleep(5.0)  # in the thick of the surge
                async with sessions() as session, session.begin():
                    plan = Plan(Filters({"tag": ("wave-9",)}), TEXT_ID, TEXT_EN, "", None)
                    await launch(session, plan, STAFF, STAFF, None, datetime.now(UTC))

            started = time.perf_counter()
            await asyncio.gather(*(one(p) for p in phones), broadcast())
            surge_seconds = time.perf_counter() - started

            async def delivered() -> bool:
                cards = [e for e in emu.bot_messages(GROUP) if "PNH-" in (e.text or "")]
                got = [sum(1 for e in emu.bot_messages(u) if TEXT_EN in (e.text or "")) for u in recipients]
                return len({c.text for c in cards}) >= CITIZENS and all(got)

            for _ in range(1200):
                if await delivered():
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(1.0)  # anything more would be a duplicate: give it the time to show
            final_roles = await roles(proxy.ports)
    finally:
        await proxy.stop()
        await emu.stop()

    # -- the database: every report once, with its own citizen's answers
    async with sessions() as session:
        rows = (
            await session.execute(
                select(Citizen.telegram_user_id, Report.reference, Report.submitted, Report.place)
                .join(Report, Report.citizen_id == Citizen.id)
                .where(Citizen.telegram_user_id >= FIRST_CITIZEN, Citizen.telegram_user_id < FIRST_RECIPIENT)
            )
        ).all()
    await engine.dispose()
    assert len(rows) == CITIZENS
    references = {user_id: reference for user_id, reference, _, _ in rows}
    assert len(set(references.values())) == CITIZENS
    for user_id, _, submitted, place in rows:
        assert submitted and place == f"Compound {user_id - FIRST_CITIZEN}, near the market"

    # -- each citizen: the same replies in the same order, none twice, none missing
    expected = phones[0].replies(references[phones[0].chat_id] or "")
    assert any(t.startswith("✅") and "<ref>" in t for t in expected)
    for phone in phones:
        got = phone.replies(references[phone.chat_id] or "")
        assert got == expected, "\n".join(difflib.unified_diff(expected, got, lineterm="", n=1))

    # -- the officer group: one card for each report; the broadcast: each recipient once
    cards = Counter(
        ref for e in emu.bot_messages(GROUP) for ref in re.findall(r"PNH-\d{6}", e.text or "")[:1]
    )
    assert set(references.values()) <= set(cards)
    sent = Counter(sum(1 for e in emu.bot_messages(u) if TEXT_EN in (e.text or "")) for u in recipients)
    assert sent == Counter({1: RECIPIENTS}), sent

    # -- Telegram's limits: never a 429, and the bot's messages within the overall rate
    assert emu.errors_sent[429] == 0
    peak_second, peak_five = sends.peak(1.0), sends.peak(5.0)
    busy = sends.at[-1] - sends.at[0]
    print(
        f"\n{CITIZENS} citizens in {surge_seconds:.1f} s, {len(sends.at)} messages in {busy:.1f} s "
        f"({len(sends.at) / busy:.1f}/s), peak {peak_second} in a second, {peak_five / 5:.1f}/s over 5 s, "
        f"limit {LIMIT:g}/s; updates taken per worker: {sorted(proxy.taken.values())}"
    )
    assert peak_five <= LIMIT * 6  # a bucket of one second's worth: at most LIMIT × (5 + 1) in 5 s
    assert len(sends.at) / busy <= LIMIT

    # -- the three workers: each took updates; one sent, the others stood by
    assert len(proxy.taken) == 3 and min(proxy.taken.values()) >= CITIZENS
    assert sorted(final_roles) == ["sender", "standby", "standby"]
