"""Alerts to the officer group: which outbox rows a change of a case makes, and what they say when sent.

Rows are composed at send time from the case as it is then, so a card edit queued twice says the
newest thing once, and an SOS card posted before the form shows whatever is known at that moment.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actions import Action, EditMessage, SendLocation, SendMessage
from bot.i18n import N_, Catalogs
from bot.services.cards import card_keyboard, card_text
from bot.services.outbox import enqueue
from storage.models import CaseMessage, Citizen, OutboxMessage, Report

log = logging.getLogger(__name__)
PRIORITY = {"P1": 1, "P2": 2, "P3": 3}
PIN_EVERY = timedelta(minutes=5)  # a moving live location posts a new pin at most this often


@dataclass(frozen=True, slots=True)
class AlertSettings:
    officer_chat_id: int | None
    supervisor_ids: tuple[int, ...]
    officer_language: str
    sos_repeat: timedelta
    sos_escalate: timedelta


# Built once: a report's every change asks it.
_PENDING = (
    select(OutboxMessage.id)
    .where(
        OutboxMessage.report_id == bindparam("report"),
        OutboxMessage.kind == bindparam("kind"),
        OutboxMessage.status.in_(bindparam("statuses", expanding=True)),
    )
    .limit(1)
)


_REPORTS = cast(Table, Report.__table__)
# Built once, in Core (the report is not read): every card posted runs it
_CARD_POSTED = (
    update(_REPORTS)
    .where(_REPORTS.c.id == bindparam("report"))
    .values(card_message_id=bindparam("message_id"))
)


class Alerts:
    """Queue what the officers must see, inside the caller's unit of work."""

    def __init__(self, session: AsyncSession, config: AlertSettings, now: datetime) -> None:
        self.session = session
        self.config = config
        self.now = now

    async def _add(self, kind: str, report: Report, priority: int, **extra: object) -> None:
        chat = self.config.officer_chat_id
        if chat is None:
            return
        await enqueue(
            self.session, chat_id=chat, kind=kind, payload=dict(extra), priority=priority,
            report_id=report.id, now=self.now,
        )  # fmt: skip

    async def _pending(
        self, report: Report, kind: str, statuses: tuple[str, ...] = ("pending", "sending")
    ) -> bool:
        params = {"report": report.id, "kind": kind, "statuses": list(statuses)}
        found = await self.session.execute(_PENDING, params)
        return found.first() is not None

    async def raised(self, report: Report) -> None:
        """A new SOS or a sent report: post its card (an SOS first of all), or update the card it has."""
        if report.card_message_id is not None or await self._pending(report, "card"):
            await self.changed(report)
            return
        priority = 0 if report.sos else PRIORITY.get(report.priority, 3)
        await self._add("card", report, priority)
        if report.sos:
            report.alerted_at = self.now
        if report.latitude is not None:
            await self._add("pin", report, priority)

    async def changed(self, report: Report) -> None:
        """The card says something new: one pending edit is enough, it renders the newest state."""
        if report.card_message_id is None and await self._pending(report, "card"):
            return  # the card is not posted yet; it will show the newest state when it is
        if not await self._pending(report, "card_edit", ("pending",)):  # one being sent shows an older state
            await self._add("card_edit", report, 4)

    async def moved(self, report: Report) -> None:
        """A live location moved: a fresh pin under the card, now and then."""
        if report.card_message_id is None or self.config.officer_chat_id is None:
            return
        bucket = int(self.now.timestamp() // PIN_EVERY.total_seconds())
        await enqueue(
            self.session, chat_id=self.config.officer_chat_id, kind="pin", report_id=report.id,
            priority=4, dedupe_key=f"pin:{report.id}:{bucket}", now=self.now,
        )  # fmt: skip

    async def citizen_wrote(self, report: Report, text: str) -> None:
        await self._add("relay_in", report, 4, text=text)  # never before the card it answers


class AlertComposer:
    """Turns the officer-group rows into actions at send time, and remembers what was posted."""

    def __init__(self, config: AlertSettings, catalogs: Catalogs) -> None:
        self.config = config
        self.catalogs = catalogs

    async def compose(self, session: AsyncSession, row: OutboxMessage) -> Action | None:
        report = await session.get(Report, row.report_id) if row.report_id else None
        if report is None:
            return None
        t = self.catalogs[self.config.officer_language]
        citizen = await session.get(Citizen, report.citizen_id)
        pref = citizen.contact_pref if citizen else "any"
        card = report.card_message_id
        if row.kind == "card":
            return SendMessage(row.chat_id, card_text(report, pref, t), card_keyboard(report, t))
        if row.kind == "card_edit":
            if card is None or self.config.officer_chat_id is None:
                return None
            return EditMessage(
                self.config.officer_chat_id, card, card_text(report, pref, t), card_keyboard(report, t)
            )
        if row.kind == "pin":
            if report.latitude is None or report.longitude is None:
                return None
            return SendLocation(row.chat_id, report.latitude, report.longitude, reply_to=card)
        if row.kind == "relay_in":
            head = t(N_("💬 {reference} writes:"), reference=report.reference)
            return SendMessage(row.chat_id, f"{head}\n{row.payload.get('text', '')}", reply_to=card)
        if row.kind in ("sos_repeat", "escalation"):
            if report.acknowledged_at is not None:
                return None  # acknowledged in the meantime: no more noise
            head = t(N_("🆘 Not acknowledged yet! Please acknowledge or take this case."))
            reply = card if row.kind == "sos_repeat" else None
            return SendMessage(
                row.chat_id,
                f"{head}\n\n{card_text(report, pref, t)}",
                card_keyboard(report, t),
                reply_to=reply,
            )
        log.warning("no composer for outbox kind %s", row.kind)
        return None

    async def on_sent(self, session: AsyncSession, row: OutboxMessage, message_id: int | None) -> None:
        if message_id is None or row.report_id is None or row.chat_id != self.config.officer_chat_id:
            return
        if row.kind == "card":
            await session.execute(_CARD_POSTED, {"report": row.report_id, "message_id": message_id})
        if row.kind in ("card", "pin", "relay_in", "sos_repeat"):
            session.add(CaseMessage(chat_id=row.chat_id, message_id=message_id, report_id=row.report_id))


async def watch_sos(session: AsyncSession, config: AlertSettings, now: datetime) -> int:
    """Repeat every unacknowledged SOS in the group, and send it to each supervisor when it waits too long.

    Returns how many rows it queued.
    """
    if config.officer_chat_id is None:
        return 0
    result = await session.execute(
        select(Report).where(Report.sos.is_(True), Report.acknowledged_at.is_(None), Report.status == "new")
    )
    queued = 0
    for report in result.scalars():
        last = report.alerted_at or report.created_at
        if report.card_message_id is not None and now - last >= config.sos_repeat:
            await enqueue(
                session, chat_id=config.officer_chat_id, kind="sos_repeat", report_id=report.id,
                priority=0, now=now,
            )  # fmt: skip
            report.alerted_at = now
            queued += 1
        if report.escalated_at is None and now - report.created_at >= config.sos_escalate:
            for supervisor in config.supervisor_ids:
                await enqueue(
                    session, chat_id=supervisor, kind="escalation", report_id=report.id, priority=0,
                    dedupe_key=f"escalation:{report.id}:{supervisor}", now=now,
                )  # fmt: skip
                queued += 1
            report.escalated_at = now
    return queued
