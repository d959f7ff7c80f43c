"""The staff member's progress message: figures, a bar and the time left, then the final summary."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from babel.dates import format_timedelta

from bot.core.actions import InlineButton, InlineKeyboard
from bot.core.callbacks import Scope, callback
from bot.i18n import N_, Translator
from bot.services.broadcasts.figures import Figures
from bot.services.broadcasts.filters import Filters, describe
from bot.services.broadcasts.states import DONE, SCHEDULED, STOPPED
from storage.models import Broadcast

BAR = 12


def bar(done: int, total: int) -> str:
    share = 1.0 if total <= 0 else min(1.0, done / total)
    full = round(share * BAR)
    return "▓" * full + "░" * (BAR - full) + f" {round(share * 100)}%"


def seconds_left(broadcast: Broadcast, figures: Figures, rate: float, now: datetime) -> float:
    """The rows still to go at the pace seen so far (at the sender's rate until there is one to see)."""
    gone = figures.done - figures.held - figures.blocked
    if broadcast.started_at is not None and gone >= 10:
        elapsed = (now - broadcast.started_at).total_seconds()
        if elapsed > 1:
            rate = min(rate, gone / elapsed)
    return figures.waiting / rate if rate > 0 else 0.0


def time_left(seconds: float, t: Translator) -> str:
    """Babel words the time in the staff member's language ("45 seconds", "6 menit")."""
    span = format_timedelta(timedelta(seconds=max(1, math.ceil(seconds))), locale=t.lang)
    return t(N_("⏳ About {time} left"), time=span)


def heading(broadcast: Broadcast, t: Translator) -> str:
    n = broadcast.id
    if broadcast.status == SCHEDULED:
        return t(N_("🕒 Broadcast #{n} will go out on {when}."), n=n, when=t.datetime(broadcast.send_at))
    if broadcast.status == DONE:
        return t(N_("✅ Broadcast #{n} is finished."), n=n)
    if broadcast.status == STOPPED:
        return t(N_("⏹ Broadcast #{n} was stopped."), n=n)
    return t(N_("📣 Broadcast #{n} is being sent."), n=n)


def figure_lines(figures: Figures, t: Translator) -> list[str]:
    lines = [t(N_("✉️ Sent: {sent} of {total}"), sent=figures.sent, total=figures.total)]
    if figures.held:
        lines.append(t(N_("⏸ Held until they write: {n}"), n=figures.held))
    lines.append(t(N_("⛔ Blocked the bot: {n}"), n=figures.blocked))
    lines.append(t(N_("⚠️ Failed: {n}"), n=figures.failed))
    if figures.withdrawn:
        lines.append(t(N_("🗑 Deleted their data meanwhile: {n}"), n=figures.withdrawn))
    if figures.stopped:
        lines.append(t(N_("⏹ Not sent because of the stop: {n}"), n=figures.stopped))
    return lines


def progress_text(broadcast: Broadcast, figures: Figures, t: Translator, rate: float, now: datetime) -> str:
    lines = [
        heading(broadcast, t),
        t(N_("To: {audience}"), audience=describe(Filters.from_json(broadcast.audience), t)),
    ]
    if broadcast.status != SCHEDULED:
        lines.append(bar(figures.done, figures.total))
    lines += figure_lines(figures, t)
    if broadcast.status not in (DONE, STOPPED, SCHEDULED) and figures.waiting:
        lines.append(time_left(seconds_left(broadcast, figures, rate, now), t))
    if broadcast.status == DONE and figures.held:
        lines.append(t(N_("The held messages go out when those citizens next write.")))
    return "\n".join(lines)


def progress_keyboard(broadcast: Broadcast, t: Translator) -> InlineKeyboard:
    if broadcast.status in (DONE, STOPPED):
        button = InlineButton(t(N_("📊 Answers and report")), callback(Scope.STAFF, "rep", broadcast.id))
    else:
        button = InlineButton(t(N_("⏹ Stop this broadcast")), callback(Scope.STAFF, "stop", broadcast.id))
    return InlineKeyboard(((button,),))
