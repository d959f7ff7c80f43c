"""A citizen on a bad line, for tests and benchmarks of faults and kills: does the next step of the
whole report and, when no answer comes, sends /start to be asked again, as a patient person would."""

from __future__ import annotations

import contextlib

from bot.flow.asking import SKIP
from bot.flow.steps import QUESTIONS
from emulator import Emulator, EmuUser


def the_path(name: str) -> list[tuple[str, str]]:
    """(step, what to do) through the whole form: the first option or a skip; the name typed."""
    steps: list[tuple[str, str]] = [("start", "/start")]
    for q in QUESTIONS:
        if q.id == "full_name":
            steps.append((q.id, name))
        elif q.multi:  # an option that answers alone, else a skip: a toggle alone answers nothing
            steps.append((q.id, f"f:{q.id}:{q.single[0] if q.single else SKIP}"))
        else:
            steps.append((q.id, f"f:{q.id}:{q.options[0].value}" if q.options else f"f:{q.id}:{SKIP}"))
    return [*steps, ("summary", "sum:send")]


def answered(emu: Emulator, query_id: str) -> bool:
    return any(a["callback_query_id"] == query_id for a in emu.callback_answers)


class Citizen:
    """Acts like a patient person on a bad line: when no answer comes, sends /start to be asked again."""

    def __init__(self, emu: Emulator, user: EmuUser, attempts: int = 12) -> None:
        self.emu = emu
        self.user = user
        self.attempts = attempts
        self.retries = 0

    def buttons(self, after: int = 0) -> list[tuple[int, str]]:
        found = []
        for entry in self.emu.bot_messages(self.user.id):
            if entry.message_id <= after:
                continue
            for row in (entry.reply_markup or {}).get("inline_keyboard", []):
                found += [(entry.message_id, b.get("callback_data", "")) for b in row]
        return found

    def moved_past(self, step: str, after: int) -> bool:
        """A newer question than `step` is on screen, or the reference came (the report is sent)."""
        for entry in self.emu.bot_messages(self.user.id):
            if entry.message_id > after and "PNH-" in (entry.text or "") and step == "summary":
                return True
        return (
            any(
                (data.startswith("f:") and not data.startswith(f"f:{step}:")) or data == "sum:send"
                for _, data in self.buttons(after)
            )
            and step != "summary"
        )

    async def do(self, step: str, what: str) -> None:
        for _ in range(self.attempts):
            after = max((e.message_id for e in self.emu.transcript(self.user.id)), default=0)
            shown = [m for m, data in self.buttons() if data == what]
            if what.startswith("/"):
                await self.emu.send_command(self.user, what[1:])
            elif ":" in what and shown:
                await self.emu.press(self.user, self.user.id, shown[-1], what)
            elif ":" not in what:
                await self.emu.send_text(self.user, what)
            with contextlib.suppress(TimeoutError):
                if step == "start":
                    await self.emu.wait_for_bot_message(self.user.id, timeout=4, after=after)
                    return
                await self.emu.wait_for(lambda a=after: self.moved_past(step, a), timeout=4)  # type: ignore[misc]
                return
            self.retries += 1
            await self.emu.send_command(self.user, "start")  # "hello? ask me again"
            with contextlib.suppress(TimeoutError):
                await self.emu.wait_for(lambda a=after: self.moved_past(step, a), timeout=4)  # type: ignore[misc]
                return
        raise AssertionError(f"citizen {self.user.id} stuck at {step}")

    async def report(self, name: str) -> None:
        for step, what in the_path(name):
            await self.do(step, what)
