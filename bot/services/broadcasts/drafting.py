"""A broadcast from draft to launch, and following it afterwards, as one API: the staff's chat
(bot.handlers.staff) calls these functions, and so will the web console.

The draft is a state machine kept in the database, one per staff member:

    audience -> text_id -> text_en -> buttons -> when -> confirm -> launched

Each function is one unit of work and makes no Telegram call: it returns what happened, and the
caller shows it (and then records which message shows the draft with `shown`). A draft's buttons
act only while their message is the draft's current panel, so an old panel never acts on a newer
draft; an update Telegram delivers twice is taken once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.actions import InlineKeyboard
from bot.i18n import Translator
from bot.services.broadcasts.answers import Recorded, record
from bot.services.broadcasts.audience import Counts, count, known_tags
from bot.services.broadcasts.figures import Figures
from bot.services.broadcasts.filters import BY_CODE, Filters
from bot.services.broadcasts.launch import Plan, launch, stop
from bot.services.broadcasts.message import MAX_TEXT
from bot.services.broadcasts.plans import Checked, Followed, Form, check, follow, listed, twin
from bot.services.broadcasts.presets import BY_CODE as PRESETS_BY_CODE
from bot.services.broadcasts.presets import parse_answer
from bot.services.broadcasts.problems import Problem
from bot.services.broadcasts.report import answers_csv, recent, report_keyboard, report_text
from bot.services.broadcasts.when import BadTime, PastTime, parse_send_time
from bot.services.broadcasts.worker import queue_progress
from storage.models import Broadcast, BroadcastDraft


class Step(StrEnum):
    AUDIENCE = "audience"
    TEXT_ID = "text_id"
    TEXT_EN = "text_en"
    BUTTONS = "buttons"
    WHEN = "when"
    CONFIRM = "confirm"


TYPED_STEPS = (Step.TEXT_ID, Step.TEXT_EN, Step.WHEN)  # the steps that take what is typed


@dataclass(frozen=True, slots=True)
class Audience:
    """The audience step as it is to be shown: the filters, their counts and, when a category is
    open, its values to choose from."""

    filters: Filters
    counts: Counts
    open_code: str | None = None
    values: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Moved:
    """What a press or a typed answer did. `repeated`: Telegram delivered it twice (nothing to do);
    `problem`: refused; `cancelled`; else the draft is at `step` with `data`, and `audience` is set
    when the audience panel is to be redrawn in place. `old_panel`: the panel whose buttons go."""

    step: Step | None = None
    data: dict[str, Any] = field(default_factory=dict)
    problem: Problem | None = None
    repeated: bool = False
    cancelled: bool = False
    audience: Audience | None = None
    old_panel: int | None = None


class Stopped(StrEnum):
    STOPPED = "stopped"
    NOT_ACTIVE = "not_active"
    NO_BROADCAST = "no_broadcast"


class Broadcasting:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        zone: ZoneInfo,
        wake_sender: Callable[[], None] = lambda: None,
        wake_worker: Callable[[], None] = lambda: None,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.zone = zone
        self.wake_sender = wake_sender
        self.wake_worker = wake_worker

    # -- composing --------------------------------------------------------------------------------

    async def composing(self, user_id: int) -> bool:
        """Whether the staff member has a draft (then what they type is for it)."""
        async with self.sessions() as session:
            return await session.get(BroadcastDraft, user_id) is not None

    async def start(self, user_id: int, chat_id: int) -> Audience:
        """A new draft (any earlier one of theirs is replaced), at its audience step."""
        async with self.sessions() as session, session.begin():
            draft = await session.get(BroadcastDraft, user_id)
            if draft is None:
                draft = BroadcastDraft(user_id=user_id, chat_id=chat_id, step=Step.AUDIENCE, data={})
                session.add(draft)
            draft.step, draft.data = Step.AUDIENCE, {"filters": {}}
            return Audience(Filters(), await count(session, Filters()))

    async def press(self, user_id: int, panel: int | None, update_id: int | None, parts: list[str]) -> Moved:
        """A button of the draft's panel: `parts` is its callback data after "bc:"."""
        async with self.sessions() as session, session.begin():
            draft = await session.get(BroadcastDraft, user_id)
            if panel is None or draft is None or draft.data.get("panel") != panel:
                return Moved(problem=Problem.STALE)
            if repeated(draft, update_id):
                return Moved(repeated=True)
            action, data = parts[0], dict(draft.data)
            parts = [*parts, "", ""]  # short data is no error: it matches nothing
            filters = Filters.from_json(data.get("filters"))
            if action in ("f", "t", "x", "n") and draft.step != Step.AUDIENCE:
                return Moved(problem=Problem.STALE)
            if action == "c":
                await session.delete(draft)
                return Moved(cancelled=True, old_panel=panel)
            if action in ("f", "t", "x"):
                if action == "t":
                    filters = filters.toggle(parts[1], parts[2])
                elif action == "x":
                    filters = Filters()
                data["filters"] = filters.to_json()
                data["open"] = parts[1] if action != "x" and parts[1] in BY_CODE else None
                draft.data = data
                shown = await self._audience(session, filters, data["open"])
                return Moved(Step.AUDIENCE, data, audience=shown)
            if action == "n":
                if (await count(session, filters)).total == 0:
                    return Moved(problem=Problem.NO_ONE)
                draft.step = Step.TEXT_ID
            elif action == "s" and draft.step in (Step.TEXT_ID, Step.TEXT_EN):
                if draft.step == Step.TEXT_EN and not data.get("text_id"):
                    return Moved(problem=Problem.NO_TEXT)
                data[draft.step] = None
                draft.step, draft.data = (Step.TEXT_EN if draft.step == Step.TEXT_ID else Step.BUTTONS), data
            elif action == "b" and draft.step == Step.BUTTONS and parts[1] in PRESETS_BY_CODE:
                data["buttons"] = parts[1]
                draft.step, draft.data = Step.WHEN, data
            elif action == "w" and draft.step == Step.WHEN:
                data["send_at"] = None
                draft.step, draft.data = Step.CONFIRM, data
            elif action == "re" and draft.step == Step.CONFIRM:
                draft.step, draft.data = Step.AUDIENCE, {"filters": filters.to_json()}
            else:
                return Moved(problem=Problem.STALE)
            return Moved(Step(draft.step), dict(draft.data), old_panel=panel)

    async def typed(self, user_id: int, update_id: int | None, text: str) -> Moved:
        """What the staff member typed while composing: a text, or the time to send."""
        text = text.strip()
        async with self.sessions() as session, session.begin():
            draft = await session.get(BroadcastDraft, user_id)
            if draft is None or repeated(draft, update_id):
                return Moved(repeated=True)
            step, data = draft.step, dict(draft.data)
            if step not in TYPED_STEPS or not text:
                return Moved(problem=Problem.USE_BUTTONS)
            if step in (Step.TEXT_ID, Step.TEXT_EN):
                if len(text) > MAX_TEXT:
                    return Moved(problem=Problem.TOO_LONG)
                data[step] = text
                draft.step = Step.TEXT_EN if step == Step.TEXT_ID else Step.BUTTONS
            else:
                try:
                    when = parse_send_time(text, self.clock(), self.zone)
                except BadTime:
                    return Moved(problem=Problem.BAD_TIME)
                except PastTime:
                    return Moved(problem=Problem.PAST_TIME)
                data["send_at"] = when.isoformat()
                draft.step = Step.CONFIRM
            draft.data = data
            panel = data.get("panel")
            return Moved(Step(draft.step), dict(data), old_panel=panel if isinstance(panel, int) else None)

    async def cancel(self, user_id: int) -> int | None:
        """The draft dropped; the message of its panel (its buttons should go), if any."""
        async with self.sessions() as session, session.begin():
            draft = await session.get(BroadcastDraft, user_id)
            if draft is None:
                return None
            panel = draft.data.get("panel")
            await session.delete(draft)
        return panel if isinstance(panel, int) else None

    async def shown(self, user_id: int, message_id: int | None) -> None:
        """The message now showing the draft: only its buttons act."""
        async with self.sessions() as session, session.begin():
            draft = await session.get(BroadcastDraft, user_id)
            if draft is not None:
                draft.data = {**draft.data, "panel": message_id}

    async def audience(self, filters: Filters, open_code: str | None = None) -> Audience:
        async with self.sessions() as session:
            return await self._audience(session, filters, open_code)

    async def counts(self, filters: Filters) -> Counts:
        async with self.sessions() as session:
            return await count(session, filters)

    async def ready(self, user_id: int, panel: int | None) -> bool:
        """Whether the draft is at its confirmation and `panel` is its current one."""
        async with self.sessions() as session:
            draft = await session.get(BroadcastDraft, user_id)
        return not (
            panel is None or draft is None or draft.step != Step.CONFIRM or draft.data.get("panel") != panel
        )

    async def launch(self, user_id: int, chat_id: int, progress_message_id: int | None) -> bool:
        """The draft becomes a broadcast (its progress shown in `progress_message_id`); False when
        there was no draft any more."""
        async with self.sessions() as session, session.begin():
            draft = await session.get(BroadcastDraft, user_id)
            if draft is None:
                return False
            data, now = draft.data, self.clock()
            send_at = data.get("send_at")
            plan = Plan(
                Filters.from_json(data.get("filters")), data.get("text_id"), data.get("text_en"),
                str(data.get("buttons") or "none"),
                datetime.fromisoformat(send_at) if isinstance(send_at, str) else None,
            )  # fmt: skip
            broadcast = await launch(session, plan, user_id, chat_id, progress_message_id, now)
            await queue_progress(session, broadcast, now)
            await session.delete(draft)
        self.wake_worker()
        self.wake_sender()
        return True

    async def _audience(self, session: AsyncSession, filters: Filters, open_code: Any) -> Audience:
        counts = await count(session, filters)
        if isinstance(open_code, str) and open_code in BY_CODE:
            values = [v for v, _ in BY_CODE[open_code].values] or await known_tags(session)
            return Audience(filters, counts, open_code, values)
        return Audience(filters, counts)

    # -- composing on one page (the web console) ---------------------------------------------------

    async def check(self, form: Form) -> Checked:
        """The form's audience counted, and whether it can go as it is (the chat's rules)."""
        async with self.sessions() as session:
            return await check(session, form, self.clock(), self.zone)

    async def launch_form(self, form: Form, user_id: int) -> tuple[Checked, int | None]:
        """The form checked again and, when it can go, launched: (the check, the broadcast's id).
        The staff member follows it on the page, so no progress message is kept in their chat."""
        async with self.sessions() as session, session.begin():
            checked = await check(session, form, self.clock(), self.zone)
            if checked.plan is None:
                return checked, None
            again = await twin(session, user_id, checked.plan, self.clock())
            if again is not None:
                return checked, again
            broadcast = await launch(session, checked.plan, user_id, user_id, None, self.clock())
            broadcast_id = broadcast.id
        self.wake_worker()
        return checked, broadcast_id

    async def follow(self, broadcast_id: int) -> Followed | None:
        async with self.sessions() as session:
            broadcast = await session.get(Broadcast, broadcast_id)
            return await follow(session, broadcast) if broadcast is not None else None

    async def listed(self, limit: int = 20) -> list[Followed]:
        async with self.sessions() as session:
            return await listed(session, limit)

    # -- following --------------------------------------------------------------------------------

    async def recent(self) -> list[tuple[Broadcast, Figures, int]]:
        async with self.sessions() as session:
            return await recent(session)

    async def stop(self, broadcast_id: int) -> Stopped:
        """Nothing more of it goes (rows being sent this instant still arrive)."""
        async with self.sessions() as session, session.begin():
            broadcast = await session.get(Broadcast, broadcast_id)
            if broadcast is None:
                return Stopped.NO_BROADCAST
            if not await stop(session, broadcast_id, self.clock()):
                return Stopped.NOT_ACTIVE
            await session.refresh(broadcast)
            await queue_progress(session, broadcast, self.clock())
        self.wake_sender()
        return Stopped.STOPPED

    async def report(self, broadcast_id: int, t: Translator) -> tuple[str, InlineKeyboard] | None:
        async with self.sessions() as session:
            broadcast = await session.get(Broadcast, broadcast_id)
            if broadcast is None:
                return None
            return await report_text(session, broadcast, t), report_keyboard(broadcast, t)

    async def answers_csv(self, broadcast_id: int, t: Translator) -> bytes | None:
        """Who got it and what they answered."""
        async with self.sessions() as session:
            broadcast = await session.get(Broadcast, broadcast_id)
            return await answers_csv(session, broadcast, t) if broadcast is not None else None

    async def answer(self, user_id: int, callback_data: str) -> Recorded | None:
        """A citizen's answer to a broadcast's button, recorded (a later one replaces it); None when
        the button is not one of a broadcast they got."""
        parsed = parse_answer(callback_data)
        if parsed is None:
            return None
        async with self.sessions() as session, session.begin():
            return await record(session, user_id, parsed[0], parsed[1], self.clock())


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
