"""What staff read about past broadcasts: the list, one broadcast's report, and its CSV of answers."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actions import InlineButton, InlineKeyboard
from bot.core.callbacks import Scope, callback
from bot.i18n import N_, Translator
from bot.services.broadcasts.answers import tally
from bot.services.broadcasts.figures import Figures, figures, outcomes
from bot.services.broadcasts.filters import Filters, describe
from bot.services.broadcasts.presets import option_label, preset
from bot.services.broadcasts.progress import figure_lines, heading
from bot.services.broadcasts.states import ACTIVE
from storage.models import Broadcast, BroadcastRecipient, Report

LISTED = 10


async def recent(session: AsyncSession, limit: int = LISTED) -> list[tuple[Broadcast, Figures, int]]:
    """The newest broadcasts with their figures and how many answered."""
    found = list(await session.scalars(select(Broadcast).order_by(Broadcast.id.desc()).limit(limit)))
    out = []
    for broadcast in found:
        answered = await session.scalar(
            select(func.count()).where(
                BroadcastRecipient.broadcast_id == broadcast.id, BroadcastRecipient.answer.is_not(None)
            )
        )
        out.append((broadcast, await figures(session, broadcast), int(answered or 0)))
    return out


def list_text(items: Sequence[tuple[Broadcast, Figures, int]], t: Translator) -> str:
    if not items:
        return t(N_("No broadcasts yet. Start one with /broadcast."))
    lines = [t(N_("Recent broadcasts:"))]
    for broadcast, found, answered in items:
        when = t.datetime(broadcast.started_at or broadcast.send_at)
        audience = describe(Filters.from_json(broadcast.audience), t)
        figures_line = t(
            N_("✉️ {sent}/{total} · ⏸ {held} · ⛔ {blocked} · ⚠️ {failed} · 💬 {answered}"),
            sent=found.sent, total=found.total, held=found.held, blocked=found.blocked,
            failed=found.failed, answered=answered,
        )  # fmt: skip
        lines.append(f"#{broadcast.id} · {when} · {audience}\n{figures_line}")
    return "\n\n".join(lines)


def list_keyboard(items: Sequence[tuple[Broadcast, Figures, int]], t: Translator) -> InlineKeyboard | None:
    buttons = [
        InlineButton(t(N_("📊 #{n}"), n=b.id), callback(Scope.STAFF, "rep", b.id)) for b, _, _ in items
    ]
    rows = tuple(tuple(buttons[i : i + 4]) for i in range(0, len(buttons), 4))
    return InlineKeyboard(rows) if rows else None


async def report_text(session: AsyncSession, broadcast: Broadcast, t: Translator) -> str:
    found = await figures(session, broadcast)
    answers = await tally(session, broadcast.id)
    lines = [
        heading(broadcast, t),
        t(N_("To: {audience}"), audience=describe(Filters.from_json(broadcast.audience), t)),
    ]
    lines += figure_lines(found, t)
    options = preset(broadcast.buttons).options
    if options:
        lines.append(t(N_("Answers:")))
        lines += [f"• {t(label)}: {answers.get(option, 0)}" for option, label in options]
        lines.append(t(N_("• No answer yet: {n}"), n=max(0, found.sent - sum(answers.values()))))
    text = broadcast.text_id or broadcast.text_en or ""
    lines.append("")
    lines.append(text if len(text) <= 600 else text[:599] + "…")
    return "\n".join(lines)


def report_keyboard(broadcast: Broadcast, t: Translator) -> InlineKeyboard:
    row = [
        InlineButton(t(N_("⬇️ CSV of who got it and answered")), callback(Scope.STAFF, "csv", broadcast.id))
    ]
    if broadcast.status in ACTIVE:
        row.append(InlineButton(t(N_("⏹ Stop this broadcast")), callback(Scope.STAFF, "stop", broadcast.id)))
    return InlineKeyboard(tuple((b,) for b in row))


async def answers_csv(session: AsyncSession, broadcast: Broadcast, t: Translator) -> bytes:
    """One line per recipient: reference number (never a Telegram id), delivery, answer and when."""
    newest = (
        select(Report.citizen_id, func.max(Report.id).label("report_id"))
        .group_by(Report.citizen_id)
        .subquery()
    )
    query = (
        select(BroadcastRecipient, Report.reference)
        .outerjoin(newest, newest.c.citizen_id == BroadcastRecipient.citizen_id)
        .outerjoin(Report, Report.id == newest.c.report_id)
        .where(BroadcastRecipient.broadcast_id == broadcast.id)
        .order_by(Report.reference, BroadcastRecipient.citizen_id)
    )
    delivery = await outcomes(session, broadcast.id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["reference", "language", "delivery", "answer", "answer_label", "answered_at"])
    for recipient, reference in await session.execute(query):
        label = option_label(broadcast.buttons, recipient.answer) if recipient.answer else None
        when = (
            recipient.answered_at.astimezone(t.zone).isoformat(timespec="seconds")
            if recipient.answered_at
            else ""
        )
        writer.writerow([
            reference or "", recipient.language, delivery.get(recipient.citizen_id, ""),
            recipient.answer or "", t(label) if label else "", when,
        ])  # fmt: skip
    return out.getvalue().encode("utf-8-sig")
