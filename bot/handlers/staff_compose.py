"""Composing a broadcast in a staff member's private chat, one panel per step. The draft and its
rules are services.broadcasts.drafting's; here each step is shown, and what went wrong is said."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.actions import EditMarkup, EditMessage, SendMessage
from bot.core.incoming import Incoming
from bot.core.port import BotPort
from bot.handlers import staff_panels as panels
from bot.handlers.staff_desk import StaffDesk
from bot.i18n import N_
from bot.services.broadcasts import Filters, citizen_message
from bot.services.broadcasts.drafting import Audience, Moved, Step
from bot.services.broadcasts.message import MAX_TEXT
from bot.services.broadcasts.problems import SAID as PROBLEMS
from bot.services.broadcasts.problems import STALE, Problem

CANCELLED = N_("Broadcast cancelled. Nothing was sent.")


class Composing:
    def __init__(self, desk: StaffDesk) -> None:
        self.desk = desk
        self.drafts = desk.broadcasting

    def problem(self, problem: Problem) -> str:
        return self.desk.t(PROBLEMS[problem], n=MAX_TEXT)

    async def start(self, inp: Incoming, port: BotPort) -> None:
        shown = await self.drafts.start(inp.user_id, inp.chat_id)
        await self._show(inp, port, *self._audience(shown))

    async def press(self, inp: Incoming, port: BotPort, parts: list[str]) -> str | None:
        """A composing button; returns the pop-up notice (None: none)."""
        moved = await self.drafts.press(inp.user_id, inp.message_id, inp.update_id, parts)
        if moved.problem is not None:
            return self.problem(moved.problem)
        if moved.repeated:
            return None
        if moved.audience is not None and inp.message_id is not None:  # a filter changed: redrawn in place
            text, keyboard = self._audience(moved.audience)
            await port.perform(EditMessage(inp.chat_id, inp.message_id, text, keyboard))
            return None
        await self._moved(inp, port, moved)
        return None

    async def text(self, inp: Incoming, port: BotPort) -> None:
        moved = await self.drafts.typed(inp.user_id, inp.update_id, inp.text or "")
        if moved.problem is not None:
            await port.perform(SendMessage(inp.chat_id, self.problem(moved.problem), reply_to=inp.message_id))
        elif not moved.repeated:
            await self._moved(inp, port, moved)

    async def cancel(self, inp: Incoming, port: BotPort) -> None:
        panel = await self.drafts.cancel(inp.user_id)
        if panel is not None:
            await port.perform(EditMarkup(inp.chat_id, panel, None))
        await port.perform(SendMessage(inp.chat_id, self.desk.t(CANCELLED)))

    async def confirm(self, inp: Incoming, port: BotPort) -> str | None:
        t = self.desk.t
        if not await self.drafts.ready(inp.user_id, inp.message_id):
            return t(STALE)
        starting = await port.perform(SendMessage(inp.chat_id, t(N_("📣 Starting the broadcast…"))))
        if not await self.drafts.launch(inp.user_id, inp.chat_id, starting):
            return t(STALE)
        if inp.message_id is not None:
            await port.perform(EditMarkup(inp.chat_id, inp.message_id, None))
        return t(N_("✅ Confirmed."))

    async def _moved(self, inp: Incoming, port: BotPort, moved: Moved) -> None:
        if moved.old_panel is not None:
            await port.perform(EditMarkup(inp.chat_id, moved.old_panel, None))  # the old panel's buttons go
        if moved.cancelled or moved.step is None:
            await port.perform(SendMessage(inp.chat_id, self.desk.t(CANCELLED)))
            return
        await self.show_step(inp, port, moved.step, moved.data)

    async def show_step(self, inp: Incoming, port: BotPort, step: Step, data: dict[str, Any]) -> None:
        t = self.desk.t
        filters = Filters.from_json(data.get("filters"))
        if step == Step.AUDIENCE:
            text, keyboard = self._audience(await self.drafts.audience(filters))
        elif step in (Step.TEXT_ID, Step.TEXT_EN):
            text, keyboard = panels.text_panel(step[-2:], t)
        elif step == Step.BUTTONS:
            text, keyboard = panels.buttons_panel(t)
        elif step == Step.WHEN:
            text, keyboard = panels.when_panel(self.desk.zone.key, t)
        else:
            counts = await self.drafts.counts(filters)
            texts = (data.get("text_id"), data.get("text_en"))
            langs = [lang for lang in ("id", "en") if counts.language(lang)] or ["id"]
            for lang in langs:
                await port.perform(citizen_message(
                    inp.chat_id, lang, texts, str(data.get("buttons")), None, self.desk.catalogs,
                    self.desk.mission,
                ))  # fmt: skip
            send_at = data.get("send_at")
            when = t.datetime(datetime.fromisoformat(send_at)) if isinstance(send_at, str) else None
            text, keyboard = panels.confirm_panel(data, filters, counts, when, t)
        await self._show(inp, port, text, keyboard)

    def _audience(self, shown: Audience) -> panels.Panel:
        t = self.desk.t
        if shown.open_code is not None:
            return panels.category_panel(shown.open_code, shown.filters, shown.counts, shown.values, t)
        return panels.audience_panel(shown.filters, shown.counts, t)

    async def _show(self, inp: Incoming, port: BotPort, text: str, keyboard: Any) -> None:
        """Send a step's panel and remember it as the draft's current one."""
        message_id = await port.perform(SendMessage(inp.chat_id, text, keyboard))
        await self.drafts.shown(inp.user_id, message_id)
