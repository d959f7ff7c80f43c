"""Composing a broadcast in a staff member's private chat, one step at a time, the draft in the database.

Steps: audience -> text_id -> text_en -> buttons -> when -> confirm. Every step's panel is one
message; its buttons work only while it is the current panel (the draft keeps its message id), so an
old panel's buttons never act on a newer draft. A restart in the middle loses nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actions import EditMarkup, EditMessage, SendMessage
from bot.core.incoming import Incoming
from bot.core.port import BotPort
from bot.handlers import staff_panels as panels
from bot.i18n import N_
from bot.services.broadcasts import Filters, Plan, citizen_message, count, known_tags, launch, queue_progress
from bot.services.broadcasts.filters import BY_CODE
from bot.services.broadcasts.message import MAX_TEXT
from bot.services.broadcasts.presets import BY_CODE as PRESETS_BY_CODE
from bot.services.broadcasts.when import BadTime, PastTime, parse_send_time
from storage.models import BroadcastDraft

if TYPE_CHECKING:
    from bot.handlers.staff import StaffDesk

TEXT_STEPS = ("text_id", "text_en", "when")
STALE = N_("This button is no longer active.")


class Composing:
    def __init__(self, desk: StaffDesk) -> None:
        self.desk = desk

    async def start(self, inp: Incoming, port: BotPort) -> None:
        async with self.desk.sessions() as session, session.begin():
            draft = await session.get(BroadcastDraft, inp.user_id)
            if draft is None:
                draft = BroadcastDraft(user_id=inp.user_id, chat_id=inp.chat_id, step="audience", data={})
                session.add(draft)
            draft.step, draft.data = "audience", {"filters": {}}
            text, keyboard = panels.audience_panel(Filters(), await count(session, Filters()), self.desk.t)
        await self._show(inp, port, text, keyboard)

    async def press(self, inp: Incoming, port: BotPort, parts: list[str]) -> str | None:
        """A composing button; returns the pop-up notice (None: none)."""
        t = self.desk.t
        panel = inp.message_id
        if panel is None:
            return t(STALE)
        async with self.desk.sessions() as session, session.begin():
            draft = await session.get(BroadcastDraft, inp.user_id)
            if draft is None or draft.data.get("panel") != panel:
                return t(STALE)
            if repeated(draft, inp.update_id):
                return None
            action, data = parts[0], dict(draft.data)
            parts = [*parts, "", ""]  # short data is no error: it matches nothing
            filters = Filters.from_json(data.get("filters"))
            if action in ("f", "t", "x", "n") and draft.step != "audience":
                return t(STALE)
            if action == "c":
                await session.delete(draft)
            elif action in ("f", "t", "x"):
                if action == "t":
                    filters = filters.toggle(parts[1], parts[2])
                elif action == "x":
                    filters = Filters()
                data["filters"] = filters.to_json()
                data["open"] = parts[1] if action != "x" and parts[1] in BY_CODE else None
                draft.data = data
                text, keyboard = await self._audience(session, filters, data["open"])
                await port.perform(EditMessage(inp.chat_id, panel, text, keyboard))
                return None
            elif action == "n":
                if (await count(session, filters)).total == 0:
                    return t(N_("No one matches these filters."))
                draft.step = "text_id"
            elif action == "s" and draft.step in ("text_id", "text_en"):
                if draft.step == "text_en" and not data.get("text_id"):
                    return t(N_("Write at least one of the two texts."))
                data[draft.step] = None
                draft.step, draft.data = ("text_en" if draft.step == "text_id" else "buttons"), data
            elif action == "b" and draft.step == "buttons" and parts[1] in PRESETS_BY_CODE:
                data["buttons"] = parts[1]
                draft.step, draft.data = "when", data
            elif action == "w" and draft.step == "when":
                data["send_at"] = None
                draft.step, draft.data = "confirm", data
            elif action == "re" and draft.step == "confirm":
                draft.step, draft.data = "audience", {"filters": filters.to_json()}
            else:
                return t(STALE)
            step = None if action == "c" else draft.step
            data = dict(draft.data)
        await port.perform(EditMarkup(inp.chat_id, panel, None))  # the old panel's buttons go
        if step is None:
            await port.perform(SendMessage(inp.chat_id, t(N_("Broadcast cancelled. Nothing was sent."))))
            return None
        await self.show_step(inp, port, step, data)
        return None

    async def text(self, inp: Incoming, port: BotPort) -> None:
        t = self.desk.t
        typed = (inp.text or "").strip()
        async with self.desk.sessions() as session, session.begin():
            draft = await session.get(BroadcastDraft, inp.user_id)
            if draft is None or repeated(draft, inp.update_id):
                return
            step, data = draft.step, dict(draft.data)
            problem = None
            if step not in TEXT_STEPS or not typed:
                problem = t(N_("Please use the buttons of the last message, or /cancel."))
            elif step in ("text_id", "text_en"):
                if len(typed) > MAX_TEXT:
                    problem = t(N_("That is too long: at most {n} characters."), n=MAX_TEXT)
                else:
                    data[step] = typed
                    draft.step = "text_en" if step == "text_id" else "buttons"
            else:
                try:
                    when = parse_send_time(typed, self.desk.clock(), self.desk.zone)
                except BadTime:
                    problem = t(N_("I could not read that time. Write it like 18:30 or 25-01 08:00."))
                except PastTime:
                    problem = t(N_("That time has passed or is more than 60 days away."))
                else:
                    data["send_at"] = when.isoformat()
                    draft.step = "confirm"
            draft.data, old_panel = data, data.get("panel")
            step, data = draft.step, dict(draft.data)
        if problem is not None:
            await port.perform(SendMessage(inp.chat_id, problem, reply_to=inp.message_id))
            return
        if isinstance(old_panel, int):
            await port.perform(EditMarkup(inp.chat_id, old_panel, None))
        await self.show_step(inp, port, step, data)

    async def cancel(self, inp: Incoming, port: BotPort) -> None:
        async with self.desk.sessions() as session, session.begin():
            draft = await session.get(BroadcastDraft, inp.user_id)
            panel = draft.data.get("panel") if draft else None
            if draft is not None:
                await session.delete(draft)
        if isinstance(panel, int):
            await port.perform(EditMarkup(inp.chat_id, panel, None))
        text = self.desk.t(N_("Broadcast cancelled. Nothing was sent."))
        await port.perform(SendMessage(inp.chat_id, text))

    async def show_step(self, inp: Incoming, port: BotPort, step: str, data: dict[str, Any]) -> None:
        t = self.desk.t
        filters = Filters.from_json(data.get("filters"))
        if step == "audience":
            async with self.desk.sessions() as session:
                text, keyboard = await self._audience(session, filters, None)
        elif step in ("text_id", "text_en"):
            text, keyboard = panels.text_panel(step[-2:], t)
        elif step == "buttons":
            text, keyboard = panels.buttons_panel(t)
        elif step == "when":
            text, keyboard = panels.when_panel(self.desk.zone.key, t)
        else:
            async with self.desk.sessions() as session:
                counts = await count(session, filters)
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

    async def confirm(self, inp: Incoming, port: BotPort) -> str | None:
        t = self.desk.t
        panel = inp.message_id
        async with self.desk.sessions() as session:
            draft = await session.get(BroadcastDraft, inp.user_id)
            if draft is None or draft.step != "confirm" or panel is None or draft.data.get("panel") != panel:
                return t(STALE)
        starting = await port.perform(SendMessage(inp.chat_id, t(N_("📣 Starting the broadcast…"))))
        async with self.desk.sessions() as session, session.begin():
            draft = await session.get(BroadcastDraft, inp.user_id)
            if draft is None:
                return t(STALE)
            data, now = draft.data, self.desk.clock()
            send_at = data.get("send_at")
            plan = Plan(
                Filters.from_json(data.get("filters")), data.get("text_id"), data.get("text_en"),
                str(data.get("buttons") or "none"),
                datetime.fromisoformat(send_at) if isinstance(send_at, str) else None,
            )  # fmt: skip
            broadcast = await launch(session, plan, inp.user_id, inp.chat_id, starting, now)
            await queue_progress(session, broadcast, now)
            await session.delete(draft)
        await port.perform(EditMarkup(inp.chat_id, panel, None))
        self.desk.wake_worker()
        self.desk.wake_sender()
        return t(N_("✅ Confirmed."))

    async def _audience(self, session: AsyncSession, filters: Filters, open_code: Any) -> panels.Panel:
        t = self.desk.t
        counts = await count(session, filters)
        if isinstance(open_code, str) and open_code in BY_CODE:
            category = BY_CODE[open_code]
            values = [v for v, _ in category.values] or await known_tags(session)
            return panels.category_panel(open_code, filters, counts, values, t)
        return panels.audience_panel(filters, counts, t)

    async def _show(self, inp: Incoming, port: BotPort, text: str, keyboard: Any) -> None:
        """Send a step's panel and remember it as the draft's current one."""
        message_id = await port.perform(SendMessage(inp.chat_id, text, keyboard))
        async with self.desk.sessions() as session, session.begin():
            draft = await session.get(BroadcastDraft, inp.user_id)
            if draft is not None:
                draft.data = {**draft.data, "panel": message_id}


def repeated(draft: BroadcastDraft, update_id: int | None) -> bool:
    """Telegram delivered this update again (a webhook retry, a restart): it was handled already.
    Update ids grow; the draft keeps the last one it took."""
    if update_id is None:
        return False
    last = draft.data.get("update")
    if isinstance(last, int) and update_id <= last:
        return True
    draft.data = {**draft.data, "update": update_id}
    return False
