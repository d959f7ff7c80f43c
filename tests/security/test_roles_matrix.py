"""Every role × every command and button the bot knows, through a real runtime and the emulator.

Roles: a citizen, an officer (a member of the officer group, asked of Telegram with getChatMember), an
officer who has left the group, staff and a supervisor. Each attempt is judged by what the person sees:
allowed (a real answer), refused (exactly the polite refusal: no reference, name or count, and a log
line), or inactive (a stale or foreign button: "no longer active", nothing revealed). The lists of
commands and buttons come from the code; a command or a button prefix the matrix does not cover
fails `test_the_matrix_covers_every_command_and_button`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.callbacks import Scope
from bot.handlers import officer, staff
from bot.runtime.commands import COMMANDS as MENU
from bot.services.broadcasts import Filters, Plan, launch
from emulator import Emulator, EmuUser, TranscriptEntry
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from tests.broadcasts.seed import Person, seed
from tests.e2e.conftest import Running, e2e_settings, running

ROOT = Path(__file__).resolve().parents[2]
GROUP = -1001000000077
CITIZEN, OFFICER, LEFT, STAFF, SUPERVISOR = 6201, 6202, 6205, 6203, 6204
ROLES = {
    "citizen": CITIZEN,
    "officer": OFFICER,
    "left officer": LEFT,
    "staff": STAFF,
    "supervisor": SUPERVISOR,
}
WAIT = 10.0

# The commands, with the arguments an officer would give; where each is meant to work.
OFFICER_ARGS = {
    "case": "1", "open": "", "mine": "", "note": "1 checked", "tag": "1 wave-9", "export": "",
    "reply": "1 Kami segera datang", "status": "1 in_progress", "help": "", "start": "",
    "stage": "1 verified ktp", "refer": "1", "screen": "1 possible_victim checked",
}  # fmt: skip
CITIZEN_COMMANDS = (
    "start", "status", "update", "sos", "language", "delete", "hide", "help", "cancel", "find", "verify",
)  # fmt: skip
STAFF_COMMANDS = ("broadcast", "broadcasts")
# Button data on a card of case 1, staff's panels and broadcast #1, the broadcast's answer, a citizen's own.
OFFICER_BUTTONS = ("o:ack:1", "o:take:1", "o:det:1")
STAFF_BUTTONS = ("bc:rep:1", "bc:csv:1", "bc:n", "bc:stop:1")
ANSWER_BUTTONS = (f"{Scope.ANSWER.value}:1:yes",)
FLIGHT_BUTTONS = (f"{Scope.FLIGHT.value}:1:yes",)  # no flight here: a forged answer, refused for all
FOUND_BUTTONS = (f"{Scope.FOUND.value}:1:yes",)  # nobody was asked about a family's search: refused
CITIZEN_BUTTONS = ("f:welcome:agree", "sum:send", "chg:back", "cx:no", "del:no", "lang:en", "upd:safety",
                   "hide:no", "pref:any", "dgr:no", "sos", "sk:agree:yes",
                   "vf:report", "scr:no")  # fmt: skip
REFER_BUTTONS = (f"{Scope.REFER.value}:1:yes",)  # no referral here: a forged answer, refused for all
BUTTONS = (
    *OFFICER_BUTTONS,
    *STAFF_BUTTONS,
    *ANSWER_BUTTONS,
    *FLIGHT_BUTTONS,
    *FOUND_BUTTONS,
    *REFER_BUTTONS,
    *CITIZEN_BUTTONS,
)
PREFIXES = {d.split(":")[0] for d in BUTTONS}

DESK = {"officer", "staff", "supervisor"}  # may use the case commands (in private: staff, supervisors)
STAFF_ROLES = {"staff", "supervisor"}
# (expected, seen) that agree: a foreign broadcast answer is refused as "no longer active"; a citizen's
# own flow button pressed out of its moment does nothing ("no longer active", "already answered").
ACCEPTED = {("refused", "inactive"), ("own", "allowed"), ("own", "inactive")}


@dataclass(frozen=True)
class Cell:
    role: str
    where: str  # "private" or "group"
    kind: str  # "command" or "button"
    what: str  # command name or callback data
    expect: str  # "allowed", "refused", "inactive", "own" or "ignored"


def expected_command(role: str, where: str, name: str) -> str:
    if where == "group":
        if name in OFFICER_ARGS:
            return "allowed"
        return "ignored"  # citizens' and staff commands mean nothing in the officer group
    if name in officer.OFFICER_ONLY:
        return "allowed" if role in STAFF_ROLES else "refused"
    if name in STAFF_COMMANDS:
        return "allowed" if role in STAFF_ROLES else "refused"
    return "allowed"  # a citizen's own commands: anyone in a private chat is a citizen there


def expected_button(role: str, where: str, data: str) -> str:
    prefix = data.split(":")[0]
    if prefix == "o":
        return "allowed" if where == "group" or role in STAFF_ROLES else "refused"
    if prefix == "bc":
        if data == "bc:n":  # a composing panel's button, with no draft being composed
            return "inactive" if role in STAFF_ROLES else "refused"
        return "allowed" if role in STAFF_ROLES else "refused"
    if prefix == Scope.ANSWER:
        return "allowed" if role == "citizen" else "refused"  # only a recipient's answer counts
    if prefix in (Scope.FLIGHT, Scope.FOUND, Scope.REFER):
        return "refused"  # only the answer of the one asked counts, and nobody was asked here
    return "own"  # a citizen's flow buttons act on the presser's own chat only (or are no longer active)


def matrix() -> list[Cell]:
    cells: list[Cell] = []
    for role in ROLES:
        places = ("private", "group") if role == "officer" else ("private",)
        for where in places:
            for name in sorted({*OFFICER_ARGS, *CITIZEN_COMMANDS, *STAFF_COMMANDS}):
                cells.append(Cell(role, where, "command", name, expected_command(role, where, name)))
            for data in BUTTONS:
                if where == "group" and not data.startswith("o:"):
                    continue  # only cards carry buttons in the group
                cells.append(Cell(role, where, "button", data, expected_button(role, where, data)))
    return cells


def test_the_matrix_covers_every_command_and_button() -> None:
    """New commands or button prefixes in the code must be added to the matrix above."""
    handled_by_citizens = set(re.findall(r'name == "(\w+)"', (ROOT / "bot/flow/commands.py").read_text()))
    known = {*OFFICER_ARGS, *CITIZEN_COMMANDS, *STAFF_COMMANDS}
    in_code = handled_by_citizens | officer.OFFICER_COMMANDS | staff.COMMANDS | {name for name, _ in MENU}
    assert in_code <= known, f"commands the matrix does not cover: {sorted(in_code - known)}"
    prefixes = {scope.value for scope in Scope}  # every button's data is built by bot.core.callbacks
    assert prefixes <= PREFIXES, f"button prefixes the matrix does not cover: {sorted(prefixes - PREFIXES)}"
    cells = matrix()
    assert len({(c.role, c.where, c.kind, c.what) for c in cells}) == len(cells) > 100


@pytest.fixture
async def desk(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    settings = e2e_settings(emu, tmp_path, framework, "polling").model_copy(
        update={
            "officer_chat_id": GROUP, "staff_ids": (STAFF,), "supervisor_ids": (SUPERVISOR,),
            "officer_language": "en", "member_cache_seconds": 0.0, "flood_limit": 10_000,
            "sos_repeat_seconds": 3600.0, "sos_escalate_seconds": 3600.0,
        }
    )  # fmt: skip
    engine = make_engine(settings.database_url)
    await upgrade(engine)
    sessions = make_sessionmaker(engine)
    await seed(sessions, [Person(CITIZEN, lang="en", tags=["wave-1"])], datetime.now(UTC))
    async with sessions() as session, session.begin():
        plan = Plan(Filters({"tag": ("wave-1",)}), "Kumpul di KBRI jam 8.", "Gather at 8.", "attend", None)
        await launch(session, plan, STAFF, STAFF, None, datetime.now(UTC))
    await engine.dispose()
    people = {role: emu.user(uid, first_name=role.title(), language_code="en") for role, uid in ROLES.items()}
    emu.create_group(GROUP, "Duty officers", [people["officer"], people["left officer"]])
    emu.set_member(GROUP, LEFT, "left")
    for person in people.values():  # each has opened the bot once
        await emu.send_text(person, "halo")
    async with running(settings, emu) as r:
        await emu.wait_for(lambda: all(emu.bot_messages(u) for u in ROLES.values()), timeout=WAIT)
        await emu.wait_for(
            lambda: any("Gather at 8" in (e.text or "") for e in emu.bot_messages(CITIZEN)), WAIT
        )
        # case 1 shown in the group (seeded reports have no card): the group's buttons are pressed on it
        await emu.send_command(people["officer"], "case", "1", chat_id=GROUP)
        await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=WAIT)
        yield r


def replied_to(entry: TranscriptEntry) -> int | None:
    reply = entry.raw.get("reply_to_message") or {}
    return reply.get("message_id")


async def answered(desk: Running, chat: int, after: int) -> list[TranscriptEntry]:
    """The bot's new messages in the chat, once it has done all it will (an answer may be several)."""
    await desk.settled()
    return [e for e in desk.emu.bot_messages(chat) if e.message_id > after]


async def act(desk: Running, user: EmuUser, cell: Cell) -> tuple[str | None, int]:
    """Do the cell's action; return what the person saw (None: nothing yet) and the message acted on."""
    emu = desk.emu
    chat = GROUP if cell.where == "group" else user.id
    if cell.kind == "command":
        after = max((e.message_id for e in emu.transcript(chat)), default=0)
        args = OFFICER_ARGS.get(cell.what, "") if cell.where == "group" or cell.role in DESK else ""
        sent = await emu.send_command(user, cell.what, args, chat_id=None if chat == user.id else chat)
        if cell.expect == "ignored":
            return None, int(sent["message_id"])
        await emu.wait_for_bot_message(chat, timeout=WAIT, after=after)
        new = await answered(desk, chat, after)
        refusal = [
            e for e in new if e.raw.get("reply_to_message", {}).get("message_id") == sent["message_id"]
        ]
        entry = (refusal or new)[0]
        return entry.text or entry.caption or entry.kind, int(sent["message_id"])
    target = emu.bot_messages(chat)[-1]
    query = await emu.press(user, chat, target.message_id, cell.what, force=True)
    await emu.wait_for(
        lambda: any(a["callback_query_id"] == query["id"] for a in emu.callback_answers),
        timeout=WAIT, what=f"an answer to {cell}",
    )  # fmt: skip
    answer = next(a for a in emu.callback_answers if a["callback_query_id"] == query["id"])
    return answer.get("text") or "", target.message_id


async def test_every_role_against_every_command_and_button(
    desk: Running, framework: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    emu, t = desk.emu, desk.hotline.catalogs["en"]
    refusals = {
        t("Sorry, only the embassy's duty officers can do this."),
        t("Sorry, only the embassy's staff can do this."),
        t("This button is no longer active."),
    }
    inactive = t("This button is no longer active.")
    users = {role: emu.user(uid, first_name=role.title(), language_code="en") for role, uid in ROLES.items()}
    cells = matrix()
    if framework == "ptb":  # a representative slice on the second framework: every kind of verdict
        cells = [c for n, c in enumerate(cells) if n % 5 == 0 or (c.expect == "refused" and n % 2 == 0)]
    wrong: list[str] = []
    ignored: list[tuple[Cell, int]] = []
    for cell in cells:
        start = len(caplog.records)
        seen, message_id = await act(desk, users[cell.role], cell)
        if cell.expect == "ignored":
            ignored.append((cell, message_id))
            continue
        logged = any(
            "refused" in rec.getMessage() and str(ROLES[cell.role]) in rec.getMessage()
            for rec in caplog.records[start:]
        )
        verdict = (
            "inactive" if seen == inactive else "refused" if seen in refusals else "allowed"
        )  # the button answers of an allowed press may be empty
        if cell.expect == "refused" and seen in refusals and not logged:
            wrong.append(f"{cell}: refused but not logged")
        elif verdict != cell.expect and (cell.expect, verdict) not in ACCEPTED:
            wrong.append(f"{cell}: {verdict} ({(seen or '')[:60]!r})")
        if cell.expect == "refused" and re.search(r"PNH-|\d{2,}", seen or ""):
            wrong.append(f"{cell}: the refusal reveals something: {seen!r}")
    for cell, message_id in ignored:  # nothing in the group answered those
        answers = [
            e
            for e in emu.bot_messages(GROUP)
            if e.raw.get("reply_to_message", {}).get("message_id") == message_id
        ]
        if answers:
            wrong.append(f"{cell}: answered {answers[0].text!r}")
    verdicts = {v: sum(1 for c in cells if c.expect == v) for v in ("allowed", "refused", "own", "ignored")}
    print(f"\n[roles] {framework}: {len(cells)} cells {verdicts}, wrong: {len(wrong)}")
    assert wrong == [], "\n".join(wrong)
