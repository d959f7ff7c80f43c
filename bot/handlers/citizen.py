"""A citizen's private chat: load the conversation, run the step function, store, then send."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.actions import Action, AnswerCallback, EditMessage, SendMessage
from bot.core.incoming import Incoming, Kind
from bot.core.port import BotPort
from bot.flow.engine import advance
from bot.flow.model import (
    CitizenMessage,
    Close,
    Context,
    Effect,
    EraseMyData,
    GiveConsent,
    Notice,
    Outcome,
    PatchReport,
    RecordSOS,
    Reply,
    SetContactPref,
    SetLanguage,
    State,
    Submit,
)
from bot.i18n import Catalogs, pick_language
from bot.services.alerts import Alerts, AlertSettings
from bot.services.outbox import release_held
from bot.services.reports import Reports
from storage.models import Citizen, Conversation, Report
from storage.repositories import citizen_by_user, conversation, report

KEEP_MESSAGE_IDS = 300


@dataclass(frozen=True, slots=True)
class Mission:
    name: str
    prefix: str
    phone: str | None
    retention_days: int
    zone: Any  # ZoneInfo


class CitizenHandler:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        catalogs: Catalogs,
        mission: Mission,
        clock: Callable[[], datetime],
        alerts: AlertSettings,
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self.sessions = sessions
        self.catalogs = catalogs
        self.mission = mission
        self.clock = clock
        self.alerts = alerts
        self.wake = wake

    async def handle(self, inp: Incoming, port: BotPort) -> None:
        now = self.clock()
        async with self.sessions() as session, session.begin():
            citizen = await citizen_by_user(session, inp.user_id)
            if citizen is None:
                citizen = Citizen(telegram_user_id=inp.user_id, chat_id=inp.chat_id, created_at=now)
                session.add(citizen)
                await session.flush()
            conv = await conversation(session, inp.chat_id)
            if conv is None:
                conv = Conversation(chat_id=inp.chat_id, step="new", data={}, message_ids={"ids": []})
                session.add(conv)
            if seen_before(conv, inp.update_id):
                return  # Telegram delivered this update again (a webhook retry, a restart): done already
            linked = await report(session, conv.report_id) if conv.report_id else None
            state = State(
                step=conv.step,
                data=dict(conv.data),
                lang=pick_language(citizen.language, inp.language_code),
                report_id=conv.report_id,
                submitted=bool(linked and linked.submitted),
            )
            ctx = Context(
                today=now.astimezone(self.mission.zone).date(),
                mission=self.mission.name,
                phone=self.mission.phone,
                retention_days=self.mission.retention_days,
                reference=linked.reference if linked else None,
                status=linked.status if linked else None,
            )
            outcome = advance(state, inp, ctx, self.catalogs)
            reports = Reports(session, self.mission.prefix, now)
            alerts = Alerts(session, self.alerts, now)
            linked = await self._apply(outcome, inp, citizen, linked, reports, alerts, now)
            if citizen.contact_pref == "on_reply":
                await release_held(session, inp.chat_id, now)  # they wrote: what waited for them may go
            conv.step = outcome.state.step
            conv.data = outcome.state.data
            conv.report_id = linked.id if linked and outcome.state.step != "new" else None
            if inp.message_id is not None:
                remember(conv, [inp.message_id])
            reference = linked.reference if linked else ""
        self.wake()
        sent, question = await self._send(outcome, inp, port, reference or "")
        if sent:
            await self._remember_sent(inp.chat_id, sent, question)

    async def _apply(
        self,
        outcome: Outcome,
        inp: Incoming,
        citizen: Citizen,
        linked: Report | None,
        reports: Reports,
        alerts: Alerts,
        now: datetime,
    ) -> Report | None:
        state = outcome.state
        for effect in outcome.effects:
            before = linked
            linked = await self._effect(effect, inp, citizen, linked, reports, state, now)
            report = linked or before
            if report is None:
                continue
            if isinstance(effect, (RecordSOS, Submit)):
                await alerts.raised(report)
            elif isinstance(effect, PatchReport):
                await (alerts.moved(report) if effect.event == "live_location" else alerts.changed(report))
            elif isinstance(effect, CitizenMessage):
                await alerts.citizen_wrote(report, effect.text)
            elif isinstance(effect, EraseMyData):
                await alerts.changed(report)
        return linked

    async def _effect(
        self,
        effect: Effect,
        inp: Incoming,
        citizen: Citizen,
        linked: Report | None,
        reports: Reports,
        state: State,
        now: datetime,
    ) -> Report | None:
        draft = {k: v for k, v in state.data.items() if not k.startswith("_")}
        if isinstance(effect, SetLanguage):
            citizen.language = effect.lang
        elif isinstance(effect, GiveConsent):
            citizen.consent_at = citizen.consent_at or now
        elif isinstance(effect, SetContactPref):
            citizen.contact_pref = effect.pref
        elif isinstance(effect, RecordSOS):
            return await reports.record_sos(citizen, linked, draft, state.lang, inp.user_name)
        elif isinstance(effect, Submit):
            return await reports.submit(citizen, linked, draft, state.lang, inp.user_name)
        elif isinstance(effect, PatchReport) and linked is not None:
            reports.patch(linked, effect.fields, effect.event)
        elif isinstance(effect, CitizenMessage) and linked is not None:
            reports.log(linked, "citizen", "citizen_message", text=effect.text)
        elif isinstance(effect, EraseMyData):
            await reports.erase(citizen)
            return None
        return linked

    async def _send(
        self, outcome: Outcome, inp: Incoming, port: BotPort, reference: str
    ) -> tuple[list[int], int | None]:
        """Carry out the messages; returns the ids of the messages sent, and the question's."""
        sent: list[int] = []
        question: int | None = None
        answered_button = False
        for item in outcome.out:
            action: Action
            if isinstance(item, Reply):
                text = item.text.replace("{reference}", reference)
                action = SendMessage(inp.chat_id, text, item.markup, protect_content=item.protect)
            elif isinstance(item, Close):
                action = EditMessage(inp.chat_id, item.message_id, item.text)
            elif isinstance(item, Notice) and inp.callback_id:
                answered_button = True
                action = AnswerCallback(inp.callback_id, item.text)
            else:
                continue
            message_id = await port.perform(action)
            if message_id is not None and isinstance(action, SendMessage):
                sent.append(message_id)
                if isinstance(item, Reply) and item.question:
                    question = message_id
        if inp.kind is Kind.BUTTON and inp.callback_id and not answered_button:
            await port.perform(AnswerCallback(inp.callback_id))
        return sent, question

    async def _remember_sent(self, chat_id: int, sent: list[int], question: int | None) -> None:
        async with self.sessions() as session, session.begin():
            conv = await conversation(session, chat_id)
            if conv is None:
                return
            if question is not None:
                conv.data = {**conv.data, "_q": question}
            remember(conv, sent)


def remember(conv: Conversation, ids: list[int]) -> None:
    """Keep the ids of the chat's messages (both sides) for deleting the conversation later."""
    if not ids:
        return
    known = list(conv.message_ids.get("ids", []))
    conv.message_ids = {**conv.message_ids, "ids": (known + ids)[-KEEP_MESSAGE_IDS:]}


def seen_before(conv: Conversation, update_id: int | None) -> bool:
    """Update ids grow; one not above the last handled in this chat was handled already."""
    if update_id is None:
        return False
    last = conv.message_ids.get("update")
    if isinstance(last, int) and update_id <= last:
        return True
    conv.message_ids = {**conv.message_ids, "update": update_id}
    return False
