"""A broadcast composed on one page (the web console), checked by the rules the chat's draft
follows, and a broadcast followed afterwards as plain values.

The chat walks a draft step by step (`drafting`); a page gets every answer at once. Both end in the
same `launch`, and both refuse for the same reasons (`drafting.Problem`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.broadcasts.answers import tally
from bot.services.broadcasts.audience import Counts, count
from bot.services.broadcasts.figures import Figures, figures
from bot.services.broadcasts.filters import Filters
from bot.services.broadcasts.launch import Plan
from bot.services.broadcasts.message import MAX_TEXT
from bot.services.broadcasts.presets import BY_CODE as PRESETS_BY_CODE
from bot.services.broadcasts.presets import preset
from bot.services.broadcasts.problems import Problem
from bot.services.broadcasts.states import ACTIVE
from bot.services.broadcasts.when import BadTime, PastTime, parse_send_time
from storage.models import Broadcast

# what a browser's date-and-time field sends: "2026-01-25T08:00"
TWIN_WINDOW = timedelta(minutes=2)
_PICKED = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2})?$")


@dataclass(frozen=True, slots=True)
class Form:
    """A broadcast as a page sends it: the filters, the two texts, the buttons and a send time
    ("" for now; "18:30", "25-01 08:00" as in the chat, or a browser's "2026-01-25T08:00")."""

    filters: Filters
    text_id: str = ""
    text_en: str = ""
    buttons: str = "none"
    when: str = ""


@dataclass(frozen=True, slots=True)
class Checked:
    """The form's audience counted, and either the plan to launch or why not."""

    counts: Counts
    plan: Plan | None = None
    problem: Problem | None = None


@dataclass(frozen=True, slots=True)
class Followed:
    """One broadcast as a page shows it."""

    id: int
    status: str
    filters: Filters
    text_id: str | None
    text_en: str | None
    buttons: str
    send_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    figures: Figures
    answers: tuple[tuple[str, int], ...]  # (msgid of the option's label, how many chose it)
    answered: int

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def share(self) -> int:
        """How far the sending is, in percent."""
        total = self.figures.total
        return 100 if total <= 0 else min(100, round(100 * self.figures.done / total))

    @property
    def unanswered(self) -> int:
        return max(0, self.figures.sent - self.answered)


def _when(text: str) -> str:
    """A browser's date-and-time as the chat's parser reads it."""
    picked = _PICKED.match(text)
    if picked is None:
        return text
    year, month, day, hour, minute = picked.groups()
    return f"{day}-{month}-{year} {hour}:{minute}"


async def check(session: AsyncSession, form: Form, now: datetime, zone: ZoneInfo) -> Checked:
    counts = await count(session, form.filters)
    text_id, text_en = form.text_id.strip() or None, form.text_en.strip() or None
    if counts.total == 0:
        return Checked(counts, problem=Problem.NO_ONE)
    if not (text_id or text_en):
        return Checked(counts, problem=Problem.NO_TEXT)
    if any(len(text) > MAX_TEXT for text in (text_id or "", text_en or "")):
        return Checked(counts, problem=Problem.TOO_LONG)
    if form.buttons not in PRESETS_BY_CODE:
        return Checked(counts, problem=Problem.BAD_BUTTONS)
    send_at = None
    if form.when.strip():
        try:
            send_at = parse_send_time(_when(form.when.strip()), now, zone)
        except BadTime:
            return Checked(counts, problem=Problem.BAD_TIME)
        except PastTime:
            return Checked(counts, problem=Problem.PAST_TIME)
    return Checked(counts, Plan(form.filters, text_id, text_en, form.buttons, send_at))


async def twin(session: AsyncSession, user_id: int, plan: Plan, now: datetime) -> int | None:
    """A broadcast this staff member launched the same way a moment ago: a second press of "Send"
    (a double click, a reload of the confirmation) returns it instead of sending everything twice."""
    since = now - TWIN_WINDOW
    query = select(Broadcast).where(Broadcast.created_by == user_id, Broadcast.created_at >= since)
    for broadcast in await session.scalars(query):
        if (
            broadcast.text_id == plan.text_id
            and broadcast.text_en == plan.text_en
            and broadcast.buttons == plan.buttons
            and _chosen(Filters.from_json(broadcast.audience)) == _chosen(plan.filters)
        ):
            return broadcast.id
    return None


def _chosen(filters: Filters) -> dict[str, frozenset[str]]:
    return {code: frozenset(values) for code, values in filters.chosen.items() if values}


async def follow(session: AsyncSession, broadcast: Broadcast) -> Followed:
    found = await figures(session, broadcast)
    chosen = await tally(session, broadcast.id)
    answers = tuple((label, chosen.get(option, 0)) for option, label in preset(broadcast.buttons).options)
    return Followed(
        id=broadcast.id,
        status=broadcast.status,
        filters=Filters.from_json(broadcast.audience),
        text_id=broadcast.text_id,
        text_en=broadcast.text_en,
        buttons=broadcast.buttons,
        send_at=broadcast.send_at,
        started_at=broadcast.started_at,
        finished_at=broadcast.finished_at,
        figures=found,
        answers=answers,
        answered=sum(chosen.values()),
    )


async def listed(session: AsyncSession, limit: int) -> list[Followed]:
    """The newest broadcasts first."""
    found = await session.scalars(select(Broadcast).order_by(Broadcast.id.desc()).limit(limit))
    return [await follow(session, broadcast) for broadcast in found]


async def running(session: AsyncSession) -> int:
    """How many broadcasts are scheduled or being sent."""
    return int(await session.scalar(select(func.count()).where(Broadcast.status.in_(ACTIVE))) or 0)
