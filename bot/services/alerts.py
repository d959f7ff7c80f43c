"""Alerts to the officer group: which outbox rows a change of a case makes, and what they say when sent.

Rows are composed at send time from the case as it is then, so a card edit queued twice says the
newest thing once, and an SOS card posted before the form shows whatever is known at that moment.

Every SOS is a new message in the group (a notification: an edit makes none): the card itself when
the case has none yet, else an SOS message in reply to the card. It repeats and escalates until an
officer acknowledges that SOS (`watch_sos`). Alerts are never given up (KINDS are the outbox's
persistent kinds: retried until Telegram takes them).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actions import Action, DeleteMessages, EditMessage, SendLocation, SendMessage
from bot.core.case import Priority
from bot.core.contact import ContactPref
from bot.i18n import N_, Catalogs, Translator
from bot.services import duplicates
from bot.services import sos as sos_alerts
from bot.services.cards import card_keyboard, card_text, sos_keyboard, sos_text, typed, within_limit
from bot.services.cases import link_message
from bot.services.outbox import enqueue
from storage.models import Citizen, OutboxMessage, Report, SosAlert

log = logging.getLogger(__name__)
PRIORITY: dict[str, int] = {Priority.P1: 1, Priority.P2: 2, Priority.P3: 3}
PIN_EVERY = timedelta(minutes=5)  # a moving live location posts a new pin at most this often
SOS_PRIORITY = 0  # an SOS and what follows it (its pin) go before everything else in the group
# The outbox kinds of alerts (composed by AlertComposer); none of them is ever given up
KINDS = (
    "card", "card_edit", "pin", "relay_in", "sos", "sos_repeat", "sos_edit", "escalation", "erased",
    "scrub", "relay_failed",
)  # fmt: skip
# The messages of a case, kept (storage.models.CaseMessage) so that an officer's reply to any of them
# reaches the citizen, and what they quote is taken back when the citizen erases their data
MESSAGE_KINDS = {
    "card": "card", "pin": "pin", "relay_in": "personal", "sos": "personal", "sos_repeat": "personal",
    "escalation": "personal", "erased": "plain", "relay_failed": "plain",
}  # fmt: skip


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


# The same, locking the row it finds (PostgreSQL): a pending edit counted on to show this change must
# not be claimed and composed by the sender before this change commits (it would show the state
# before it, and no other edit would follow). The sender's claim skips locked rows until then.
_PENDING_LOCKED = _PENDING.with_for_update()

_REPORTS = cast(Table, Report.__table__)
_OUTBOX = cast(Table, OutboxMessage.__table__)
# Whether the case's card is posted or on its way, in one statement: its posting (the row marked sent
# and the report given the card's id) commits as one, so one statement sees both or neither. (The
# report in hand may have been read before that commit, on PostgreSQL: its card id would say "none".)
_HAS_CARD = select(
    or_(
        exists().where(_REPORTS.c.id == bindparam("report"), _REPORTS.c.card_message_id.is_not(None)),
        exists().where(
            _OUTBOX.c.report_id == bindparam("report"),
            _OUTBOX.c.kind == "card",
            _OUTBOX.c.status.in_(("pending", "sending")),
        ),
    )
)
# Built once, in Core (the report is not read): every card posted runs it
_CARD_POSTED = (
    update(_REPORTS)
    .where(_REPORTS.c.id == bindparam("report"))
    .values(card_message_id=bindparam("message_id"))
)
_SOS = cast(Table, SosAlert.__table__)
# the group message that carries an SOS, or repeats it: the next repeat counts from now
_SOS_POSTED = (
    update(_SOS)
    .where(_SOS.c.id == bindparam("sos"))
    .values(message_id=func.coalesce(bindparam("message_id"), _SOS.c.message_id), alerted_at=bindparam("at"))
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
        self,
        report: Report,
        kind: str,
        statuses: tuple[str, ...] = ("pending", "sending"),
        lock: bool = False,
    ) -> bool:
        params = {"report": report.id, "kind": kind, "statuses": list(statuses)}
        found = await self.session.execute(_PENDING_LOCKED if lock else _PENDING, params)
        return found.first() is not None

    async def _has_card(self, report: Report) -> bool:
        """Posted, or on its way."""
        if report.card_message_id is not None:
            return True
        return bool(await self.session.scalar(_HAS_CARD, {"report": report.id}))

    async def raised(self, report: Report) -> None:
        """A sent report: post its card, or update the card it has."""
        if await self._has_card(report):
            await self.changed(report)
            return
        priority = PRIORITY.get(report.priority, 3)
        await self._add("card", report, priority)
        if report.latitude is not None:
            await self._add("pin", report, priority)

    async def sos(self, report: Report) -> SosAlert:
        """A new SOS, at any moment of the case's life: a new message in the group at once (the card,
        when the case has none yet), watched until an officer acknowledges this SOS."""
        alert = await sos_alerts.raise_sos(self.session, report.id, self.now)
        if not await self._has_card(report):
            await self._add("card", report, SOS_PRIORITY, sos=alert.id)
            if report.latitude is not None:
                await self._add("pin", report, SOS_PRIORITY, sos=alert.id)
            return alert
        await self._add("sos", report, SOS_PRIORITY, sos=alert.id)
        await self.changed(report)
        return alert

    async def changed(self, report: Report) -> None:
        """The card says something new: one pending edit is enough, it renders the newest state."""
        if report.card_message_id is None and await self._pending(report, "card"):
            return  # the card is not posted yet; it will show the newest state when it is
        if not await self._pending(
            report, "card_edit", ("pending",), lock=True
        ):  # one being sent shows an older state
            await self._add("card_edit", report, 4)

    async def located(self, report: Report) -> None:
        """The citizen shared where they are (not a live location's move): after an SOS, a fresh pin
        in reply to the newest SOS, so the officers looking for them get a notification and a map."""
        state = await sos_alerts.sos_state(self.session, report.id)
        if state.latest is not None and report.latitude is not None:
            await self._add("pin", report, SOS_PRIORITY, sos=state.latest.id)
        await self.changed(report)

    async def acknowledged(self, report: Report, alerts: list[SosAlert]) -> None:
        """Officers acknowledged these SOS: their own messages lose the button (the card is edited by
        `changed`)."""
        for alert in alerts:
            if alert.message_id is not None and alert.message_id != report.card_message_id:
                await self._add("sos_edit", report, 4, sos=alert.id)

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

    async def erased(self, report: Report, searched: bool) -> None:
        """The citizen erased their data. While officers look for them after an SOS, the group is
        told at once (a new message): nobody searches blind, nobody stops searching silently."""
        if searched:
            await self._add("erased", report, SOS_PRIORITY)
        await self.changed(report)


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
        pref = citizen.contact_pref if citizen else ContactPref.UNSET
        card = report.card_message_id
        group = self.config.officer_chat_id
        alert = await session.get(SosAlert, row.payload["sos"]) if row.payload.get("sos") else None
        if row.kind in ("card", "card_edit", "sos_repeat", "escalation", "sos", "sos_edit"):
            state = await sos_alerts.sos_state(session, report.id)
        if row.kind == "card":
            alike = await duplicates.alike(session, report)
            return SendMessage(
                row.chat_id, card_text(report, pref, t, state, alike), card_keyboard(report, t, state)
            )
        if row.kind == "card_edit":
            if card is None or group is None:
                return None
            alike = await duplicates.alike(session, report)
            return EditMessage(
                group, card, card_text(report, pref, t, state, alike), card_keyboard(report, t, state)
            )
        if row.kind == "pin":
            if report.latitude is None or report.longitude is None:
                return None
            target = alert.message_id if alert is not None and alert.message_id else card
            return SendLocation(row.chat_id, report.latitude, report.longitude, reply_to=target)
        if row.kind == "relay_in":
            head = t(N_("💬 {reference} writes:"), reference=report.reference)
            return SendMessage(row.chat_id, f"{head}\n{typed(row.payload.get('text'))}", reply_to=card)
        if row.kind == "erased":
            return SendMessage(row.chat_id, erased_text(report, t), reply_to=card)
        if row.kind == "scrub":
            message = int(row.payload.get("message") or 0)
            if row.payload.get("delete"):
                return DeleteMessages(row.chat_id, (message,))
            return EditMessage(
                row.chat_id, message, t(N_("🗑 {reference}: erased."), reference=report.reference)
            )
        if row.kind == "relay_failed":
            reason = row.payload.get("reason") or ""
            text = t(N_("⚠️ A message to {reference} could not be delivered: {reason}"),
                     reference=report.reference, reason=reason)  # fmt: skip
            return SendMessage(row.chat_id, text, reply_to=card)
        if alert is None:
            return None
        nth = await _nth(session, alert)
        if row.kind == "sos":
            text = sos_text(report, alert, pref, t, nth)
            return SendMessage(row.chat_id, text, sos_keyboard(report, alert, t), reply_to=card)
        if row.kind == "sos_edit":
            if alert.message_id is None:
                return None
            text = sos_text(report, alert, pref, t, nth)
            return EditMessage(row.chat_id, alert.message_id, text, sos_keyboard(report, alert, t))
        if row.kind in ("sos_repeat", "escalation"):
            if alert.acknowledged_at is not None:
                return None  # acknowledged in the meantime: no more noise
            head = t(N_("🆘 Not acknowledged yet! Please acknowledge or take this case."))
            if row.kind == "sos_repeat":
                text = within_limit(f"{head}\n\n{sos_text(report, alert, pref, t, nth)}")
                return SendMessage(
                    row.chat_id, text, sos_keyboard(report, alert, t), reply_to=alert.message_id
                )
            text = within_limit(f"{head}\n\n{card_text(report, pref, t, state)}")
            return SendMessage(row.chat_id, text, sos_keyboard(report, alert, t))
        log.warning("no composer for outbox kind %s", row.kind)
        return None

    async def on_sent(self, session: AsyncSession, row: OutboxMessage, message_id: int | None) -> None:
        if message_id is None or row.report_id is None or row.kind not in KINDS:
            return
        if row.chat_id == self.config.officer_chat_id:
            if row.kind == "card":
                await session.execute(_CARD_POSTED, {"report": row.report_id, "message_id": message_id})
            sos = row.payload.get("sos") if row.kind in ("card", "sos", "sos_repeat") else None
            if sos:  # a repeat keeps the SOS's own message (the one acknowledged, edited); it moves the clock
                posted = None if row.kind == "sos_repeat" else message_id
                await session.execute(_SOS_POSTED, {"sos": sos, "message_id": posted, "at": row.sent_at})
        kind = MESSAGE_KINDS.get(row.kind)
        if kind is not None:  # officers may reply to it; what it quotes is taken back on an erasure
            await link_message(session, row.chat_id, message_id, row.report_id, kind)

    async def on_failed(self, session: AsyncSession, row: OutboxMessage, error: str, now: datetime) -> None:
        """A message an officer sent to a citizen was given up (blocked, refused): the group is told,
        in reply to the card, instead of the officer believing it arrived."""
        group = self.config.officer_chat_id
        if row.kind != "relay_out" or row.report_id is None or group is None:
            return
        t = self.catalogs[self.config.officer_language]
        blocked = error.startswith(("403", "blocked"))
        reason = (
            t(N_("they blocked the bot."))
            if blocked
            else t(N_("Telegram refused it ({error})."), error=error)
        )
        await enqueue(
            session, chat_id=group, kind="relay_failed", payload={"reason": reason}, priority=2,
            report_id=row.report_id, now=now,
        )  # fmt: skip


async def _nth(session: AsyncSession, alert: SosAlert) -> int:
    """Which SOS of its case this is (1 for the first)."""
    query = select(func.count()).where(SosAlert.report_id == alert.report_id, SosAlert.id <= alert.id)
    return int(await session.scalar(query) or 1)


def erased_text(report: Report, t: Translator) -> str:
    return t(
        N_(
            "⚠️ {reference}: the citizen deleted their data while officers were looking for them after "
            "an SOS. Their details and location are gone from the hotline; the chat with them stays open."
        ),
        reference=report.reference,
    )


async def watch_sos(session: AsyncSession, config: AlertSettings, now: datetime) -> int:
    """Repeat every SOS nobody acknowledged yet in the group, and send it to each supervisor when it
    waits too long, whatever the case's status. Returns how many rows it queued.

    A repeat is queued once the SOS (or its last repeat) has been in the group for `sos_repeat`;
    until that repeat is posted (alerted_at set again by on_sent) no other is queued, so a group
    that Telegram cannot reach for a while gets one repeat, not a pile of them."""
    if config.officer_chat_id is None:
        return 0
    queued = 0
    for alert in await sos_alerts.unacknowledged(session):
        posted = alert.message_id is not None and alert.alerted_at is not None
        if posted and alert.alerted_at is not None and now - alert.alerted_at >= config.sos_repeat:
            await enqueue(
                session, chat_id=config.officer_chat_id, kind="sos_repeat", report_id=alert.report_id,
                payload={"sos": alert.id}, priority=SOS_PRIORITY, now=now,
            )  # fmt: skip
            alert.alerted_at = None  # a repeat is on its way
            queued += 1
        if alert.escalated_at is None and now - alert.raised_at >= config.sos_escalate:
            for supervisor in config.supervisor_ids:
                await enqueue(
                    session, chat_id=supervisor, kind="escalation", report_id=alert.report_id,
                    payload={"sos": alert.id}, priority=SOS_PRIORITY,
                    dedupe_key=f"escalation:{alert.id}:{supervisor}", now=now,
                )  # fmt: skip
                queued += 1
            alert.escalated_at = now
    return queued
