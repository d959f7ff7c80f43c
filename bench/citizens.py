"""Simulated citizens for the surge benchmark: what each one does, and how long the bot takes to answer.

A citizen performs a script of steps (text, button, location, contact) against the emulator. After
each step it waits for the bot's answer: the first message or edit the bot makes in its chat is the
reply latency; the step is over when the bot has asked the next question (the button the next step
needs is on screen), then the citizen reads for a while and acts again. The emulator tells
`Watcher` of every call the bot makes as it answers it, so nobody polls.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from emulator import Call, Emulator, EmuUser, TranscriptEntry

STEP_TIMEOUT = 120.0  # a step not answered within this is a failure, and that citizen stops
PROFILE = re.compile(r"Telegram: Warga (\d+)\)")


@dataclass(frozen=True, slots=True)
class Step:
    kind: str  # "text", "press", "location" or "contact"
    value: str = ""  # the text, the button's callback data or the phone number
    awaits: str | None = None  # the button the bot's answer carries; None: any new message


FORM = (
    Step("location", "", "f:passport:-"),
    Step("press", "f:passport:held", "f:passport_number:-"),
    Step("text", "B1234567", "f:safety:-"),
    Step("press", "f:safety:free", "f:full_name:-"),  # the one answer of several that goes alone
    Step("text", "Siti Aminah", "f:birth_date:-"),
    Step("text", "17/8/95", "f:nik:-"),
    Step("text", "3201015708950001", "f:phone:-"),  # the NIK names the province: it is not asked
    Step("contact", "+62 812-3456-7890", "f:family_contact:-"),
    Step("press", "f:family_contact:-", "f:companions:-"),
    Step("text", "4", "f:going_home:-"),
    Step("press", "f:going_home:yes", "f:home_city:-"),
    Step("text", "Malang", "f:medical:-"),
    Step("press", "f:medical:none", "f:documents_held:-"),  # "none of these" goes alone
    Step("press", "f:documents_held:-", "f:sex:-"),
    Step("press", "f:sex:female", "f:children:-"),
    Step("press", "f:children:1", "f:notes:-"),
    Step("text", "Kami berempat di lantai 3.", "sum:send"),
    Step("press", "sum:send", None),
)
REPORT = (
    Step("text", "/start", "f:welcome:agree"),
    Step("press", "f:welcome:agree", "f:safe:yes"),
    Step("press", "f:safe:yes", "f:location:-"),
    *FORM,
)
SOS = (
    Step("text", "/start", "f:welcome:sos"),
    Step("press", "f:welcome:sos", "f:location:-"),
    *FORM,
)
SOS_STEP = 1  # the index of the SOS press in SOS


def echo_script(script: Sequence[Step]) -> tuple[Step, ...]:
    """The same updates for the echo bot, each answered with one message (any button may be pressed)."""
    return tuple(Step(s.kind, s.value, None) for s in script)


@dataclass
class Figures:
    """What the citizens measured (seconds from time.perf_counter)."""

    replies: list[float] = field(default_factory=list)  # action -> the bot's first message or edit
    sos_pressed: dict[int, float] = field(default_factory=dict)  # user id -> when SOS was pressed
    cards: dict[int, float] = field(default_factory=dict)  # user id -> its first card in the group
    updates: int = 0  # steps whose answer came
    failed: list[str] = field(default_factory=list)
    first: float = float("inf")
    last: float = 0.0
    finished: int = 0  # citizens who went through their whole script

    def sos_latencies(self) -> list[float]:
        return [self.cards[u] - t for u, t in self.sos_pressed.items() if u in self.cards]


class Citizen:
    def __init__(self, emu: Emulator, user_id: int, script: Sequence[Step], figures: Figures) -> None:
        self.emu = emu
        self.user: EmuUser = emu.user(user_id, first_name="Warga", last_name=str(user_id), language_code="id")
        self.script = script
        self.figures = figures
        self.changed = asyncio.Event()  # the bot did something in this chat
        self.acted_at = 0.0
        self.answered_at: float | None = None

    def on_bot(self, when: float) -> None:
        if self.answered_at is None:
            self.answered_at = when
        self.changed.set()

    async def run(self, start: float, think: Callable[[], float]) -> None:
        await asyncio.sleep(start)
        for n, step in enumerate(self.script):
            try:
                await self._do(step, n)
            except (TimeoutError, ValueError) as exc:
                why = str(exc) or f"no answer within {STEP_TIMEOUT:.0f} s"
                self.figures.failed.append(f"user {self.user.id}, step {n} ({step.kind} {step.value}): {why}")
                return
            if n + 1 < len(self.script):
                await asyncio.sleep(think())
        self.figures.finished += 1

    async def _do(self, step: Step, n: int) -> None:
        emu, chat = self.emu, self.user.id
        self.answered_at, figures = None, self.figures
        self.changed.clear()
        self.acted_at = time.perf_counter()
        figures.first = min(figures.first, self.acted_at)
        if step.kind == "text":
            await emu.send_text(self.user, step.value)
        elif step.kind == "press":
            target, present = self._button(step.value)
            await emu.press(self.user, chat, target, step.value, force=not present)
            if step.value.endswith(":sos"):
                figures.sos_pressed[chat] = self.acted_at
        elif step.kind == "location":
            await emu.send_location(self.user, 11.5564, 104.9282)
        elif step.kind == "contact":
            await emu.send_contact(self.user, step.value, "Warga", user_id=chat)
        before = self._newest()
        async with asyncio.timeout(STEP_TIMEOUT):
            while not self._settled(step, before):
                await self.changed.wait()
                self.changed.clear()
        assert self.answered_at is not None
        figures.replies.append(self.answered_at - self.acted_at)
        figures.updates += 1
        figures.last = max(figures.last, time.perf_counter())

    def _newest(self) -> int:
        return max((e.message_id for e in self.emu.transcript(self.user.id)), default=0)

    def _settled(self, step: Step, before: int) -> bool:
        if self.answered_at is None:
            return False
        for entry in reversed(self.emu.transcript(self.user.id)):
            if entry.message_id <= before:
                return False
            if entry.from_bot and (step.awaits is None or step.awaits in buttons(entry)):
                return True
        return False

    def _button(self, data: str) -> tuple[int, bool]:
        """The newest bot message with this button (and True); the echo bot's have none: its newest."""
        newest = None
        for entry in reversed(self.emu.transcript(self.user.id)):
            if not entry.from_bot or entry.deleted:
                continue
            newest = newest or entry.message_id
            if data in buttons(entry):
                return entry.message_id, True
        if newest is None:
            raise ValueError("no bot message to press a button on")
        return newest, False


class Watcher:
    """Told by the emulator of each call the bot makes: wakes the citizen it concerns, notes cards."""

    def __init__(self, citizens: dict[int, Citizen], group_id: int | None, figures: Figures) -> None:
        self.citizens = citizens
        self.group_id = group_id
        self.figures = figures
        self.card_calls = 0

    def __call__(self, call: Call) -> None:
        if not call.method.startswith(("send", "edit")):
            return
        chat = _chat_id(call.params)
        now = time.perf_counter()
        citizen = self.citizens.get(chat) if chat is not None else None
        if citizen is not None:
            citizen.on_bot(now)
        elif chat == self.group_id and call.method == "sendMessage":
            self._card(call.params, now)

    def _card(self, params: dict[str, Any], now: float) -> None:
        if "o:det:" not in str(params.get("reply_markup", "")):
            return
        self.card_calls += 1
        found = PROFILE.search(str(params.get("text", "")))
        if found:
            self.figures.cards.setdefault(int(found.group(1)), now)


def buttons(entry: TranscriptEntry) -> set[str]:
    """The callback data of a message's inline buttons."""
    rows = (entry.reply_markup or {}).get("inline_keyboard", [])
    return {str(b.get("callback_data")) for row in rows for b in row}


def _chat_id(params: dict[str, Any]) -> int | None:
    try:
        return int(params.get("chat_id"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def thinker(rng: random.Random, mean: float) -> Callable[[], float]:
    """A citizen's reading and typing time before the next step: from half to one and a half `mean`."""
    return lambda: rng.uniform(0.5 * mean, 1.5 * mean) if mean > 0 else 0.0
