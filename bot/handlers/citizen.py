"""A citizen's private chat: load the conversation, run the step function, store, then send."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, String, Table, bindparam, func, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from bot.core.actions import Action, AnswerCallback, DeleteMessages, EditMarkup, EditMessage, SendMessage
from bot.core.incoming import Incoming, Kind
from bot.core.port import BotPort, DeliveryError
from bot.flow.asking import ask
from bot.flow.commands import releases_held
from bot.flow.engine import advance
from bot.flow.model import (
    NOT_ON_SCREEN,
    UNSENT,
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
    Redraw,
    Reply,
    SetContactPref,
    SetLanguage,
    State,
    Submit,
    Wipe,
    kept_replies,
    unsent_replies,
)
from bot.i18n import N_, Catalogs, Translator, pick_language
from bot.services import sos as sos_alerts
from bot.services.alerts import Alerts, AlertSettings
from bot.services.outbox import queued, release_held
from bot.services.people import People
from bot.services.phone import deletable, with_ids
from bot.services.reports import Reports
from bot.services.seen import marked_seen, seen_before
from storage.locks import lock_chat
from storage.models import Citizen, Conversation, Report
from storage.repositories import ChatRow, chat_row, chat_state, conversation

log = logging.getLogger(__name__)
DELETE_BATCH = 100  # deleteMessages takes at most 100 ids


@dataclass(frozen=True, slots=True)
class Mission:
    name: str
    prefix: str
    phone: str | None
    retention_days: int
    zone: Any  # ZoneInfo


@dataclass(frozen=True, slots=True)
class Written:
    """The conversation as a unit of work committed it (for writing the sent ids back without a read)."""

    chat_id: int
    data: dict[str, Any]
    message_ids: dict[str, Any]
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Handled:
    """A message handled and committed; what is left is to send. No outcome: handled before."""

    outcome: Outcome | None
    wake: bool = False  # outbox rows were queued or released: the sender should look
    reference: str = ""
    wipe: list[int] | None = None  # the chat is being deleted from the phone: these ids, and what is sent
    written: Written | None = None


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
        self.engine: AsyncEngine = sessions.kw["bind"]
        self.catalogs = catalogs
        self.mission = mission
        self.clock = clock
        self.alerts = alerts
        self.wake = wake

    async def handle(self, inp: Incoming, port: BotPort, ahead: bool = False) -> None:
        """`ahead`: an SOS handled before earlier messages of the chat that wait their turn (flood)."""
        now = self.clock()
        async with self.engine.begin() as conn:
            await lock_chat(conn, inp.chat_id)  # another worker handling this chat: wait for its commit
            row = await chat_row(conn, inp.user_id, inp.chat_id, now - sos_alerts.RECENT)
            done = await self._plainly(conn, row, inp, ahead, now) if row is not None else None
        if done is None:  # a new chat, or an answer that changes more than the conversation
            done = await self._fully(inp, ahead, now)
        if done.outcome is None:
            return  # Telegram delivered this update again (a webhook retry, a restart): done already
        if done.wake:  # only for rows of its own: under a surge, a look per update would cost the sender
            self.wake()
        sent, question, failure = await self._send(done.outcome, inp, port, done.reference)
        if done.wipe is not None and failure is None:  # what was just sent (a keyboard off) goes too
            await delete_from_phone(port, inp.chat_id, sorted({*done.wipe, *sent}))
            sent = []
        # The citizen wrote, and has had the bot's answer: what waited for them may go now (after the
        # answer, never before it; and never for a command, a confirmation or /hide's deletion)
        release = releases_held(inp) and failure is None
        remembered = await self.remember_sent(
            inp.chat_id, sent, question, known=done.written, release=release, delivered=failure is None
        )
        if remembered:
            self.wake()
        if failure is not None:  # stored, not all seen: the next message gets the question asked again
            raise failure

    def _context(
        self, now: datetime, reference: str | None, status: str | None, ahead: bool, searching: bool = False
    ) -> Context:
        return Context(
            today=now.astimezone(self.mission.zone).date(),
            mission=self.mission.name,
            phone=self.mission.phone,
            retention_days=self.mission.retention_days,
            reference=reference,
            status=status,
            queued=ahead,
            searching=searching,
        )

    async def _plainly(
        self, conn: AsyncConnection, row: ChatRow, inp: Incoming, ahead: bool, now: datetime
    ) -> Handled | None:
        """Most messages answer a question and change only the conversation, sometimes with one of
        the citizen's own choices (consent, language, contact). Those are read and written here in
        Core, on one connection, with no session and no objects: a surge's every answer pays this
        path. None when the step has other effects, or the chat has no conversation yet: `_fully`."""
        if row.step is None or row.data is None or row.message_ids is None:
            return None
        message_ids = marked_seen(row.message_ids, inp.update_id)
        lang = pick_language(row.language, inp.language_code)
        state = State(row.step, dict(row.data), lang, row.report_id, bool(row.submitted))
        ctx = self._context(now, row.reference, row.status, ahead, row.sos_since)
        if message_ids is None:  # handled before (a retry, a restart): its answer may not have gone
            if not row.data.get(UNSENT):
                return Handled(None)
            message_ids = row.message_ids
            outcome = resent(state, ctx, self.catalogs[lang])
        else:
            outcome = advance(state, inp, ctx, self.catalogs)
        if not all(isinstance(e, OF_THE_CITIZEN) for e in outcome.effects):
            return None  # the step function is pure: `_fully` runs it again, with the objects it needs
        if row.linked_id is not None and any(isinstance(e, SetContactPref) for e in outcome.effects):
            return None  # the case's card shows whether officers may write first: `_fully` edits it
        if outcome.effects:
            await conn.execute(_CITIZEN_CHOICES, choices(row.citizen_id, outcome.effects, now))
        if inp.message_id is not None and inp.kind is not Kind.BUTTON:  # a button's message is ours
            message_ids = with_ids(message_ids, [inp.message_id], now)
        wipe = None
        if any(isinstance(o, Wipe) for o in outcome.out):
            message_ids, wipe = deletable(message_ids, now)
        step, data = outcome.state.step, unsent(outcome)
        linked = row.linked_id if step != "new" else None
        values = {"step": step, "d": data, "report": linked, "ids": message_ids, "now": now}
        await conn.execute(_WRITE, {"chat": inp.chat_id, **values})
        written = Written(inp.chat_id, data, message_ids, now)
        return Handled(outcome, False, row.reference or "", wipe, written)

    async def _fully(self, inp: Incoming, ahead: bool, now: datetime) -> Handled:
        """The unit of work with the ORM: a first message (the citizen and conversation are made) or a
        step with effects (consent, language, SOS, the report sent or changed, data erased)."""
        async with self.sessions() as session, session.begin():
            await lock_chat(session, inp.chat_id)
            citizen, conv, linked = await chat_state(session, inp.user_id, inp.chat_id)
            if citizen is None:
                citizen = Citizen(telegram_user_id=inp.user_id, chat_id=inp.chat_id, created_at=now)
                session.add(citizen)
                await session.flush()
            if conv is None:
                conv = Conversation(chat_id=inp.chat_id, step="new", data={}, message_ids={"ids": []})
                session.add(conv)
            again = seen_before(conv, inp.update_id)
            if again and not conv.data.get(UNSENT):
                return Handled(None)
            state = State(
                step=conv.step,
                data=dict(conv.data),
                lang=pick_language(citizen.language, inp.language_code),
                report_id=conv.report_id,
                submitted=bool(linked and linked.submitted),
            )
            reference, status = (linked.reference, linked.status) if linked else (None, None)
            searching = await sos_alerts.searching(session, linked.id if linked else None, now)
            ctx = self._context(now, reference, status, ahead, searching)
            if again:  # handled before, its answer never went (see _plainly): that answer again
                outcome = resent(state, ctx, self.catalogs[state.lang])
            else:
                outcome = advance(state, inp, ctx, self.catalogs)
            reports = Reports(session, self.mission.prefix, now)
            alerts = Alerts(session, self.alerts, now)
            linked = await self._apply(outcome, inp, citizen, linked, reports, alerts, now)
            wake = queued(session)
            conv.step = outcome.state.step
            conv.data = unsent(outcome)
            conv.report_id = linked.id if linked and outcome.state.step != "new" else None
            if inp.message_id is not None and inp.kind is not Kind.BUTTON:  # a button's message is ours
                remember(conv, [inp.message_id], now)
            wipe = None
            if any(isinstance(o, Wipe) for o in outcome.out):
                conv.message_ids, wipe = deletable(conv.message_ids, now)
            reference = linked.reference if linked else ""
        written = Written(conv.chat_id, conv.data, conv.message_ids, conv.updated_at)
        return Handled(outcome, wake, reference or "", wipe, written)

    async def slow_notice(self, inp: Incoming, port: BotPort) -> None:
        """The one notice of a flood (services.flood): everything will be read, a little slower."""
        t = self.catalogs[await People(self.sessions).language(inp.user_id, inp.language_code)]
        text = t(N_("You are writing very fast. I read every message in turn: please wait a moment."))
        message_id = await port.perform(SendMessage(inp.chat_id, text))
        if message_id is not None:
            await self.remember_sent(inp.chat_id, [message_id], None)

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
        draft = {k: v for k, v in state.data.items() if not k.startswith("_")}
        for effect in outcome.effects:
            if isinstance(effect, SetLanguage):
                citizen.language = effect.lang
            elif isinstance(effect, GiveConsent):
                citizen.consent_at = citizen.consent_at or now
            elif isinstance(effect, SetContactPref):
                other = citizen.contact_pref != effect.pref
                citizen.contact_pref = effect.pref
                if other and linked is not None:
                    await alerts.changed(linked)
            elif isinstance(effect, RecordSOS):
                linked = await reports.record_sos(citizen, linked, draft, state.lang, inp.user_name)
                await alerts.sos(linked)
            elif isinstance(effect, Submit):
                linked = await reports.submit(citizen, linked, draft, state.lang, inp.user_name)
                await alerts.raised(linked)
            elif isinstance(effect, PatchReport) and linked is not None:
                changed = reports.patch(linked, effect.fields, effect.event)
                if effect.event == "live_location":
                    await alerts.moved(linked)
                elif "latitude" in changed:  # a pin shared: after an SOS, a fresh pin for the officers
                    await alerts.located(linked)
                else:
                    await alerts.changed(linked)
            elif isinstance(effect, CitizenMessage) and linked is not None:
                reports.log(linked, "citizen", "citizen_message", text=effect.text)
                await alerts.citizen_wrote(linked, effect.text)
            elif isinstance(effect, EraseMyData):
                searched = linked is not None and await sos_alerts.searching(reports.session, linked.id, now)
                await reports.erase(citizen)
                if linked is not None:
                    await alerts.erased(linked, searched)
                linked = None
        return linked

    async def _send(
        self, outcome: Outcome, inp: Incoming, port: BotPort, reference: str
    ) -> tuple[list[int], int | None, DeliveryError | None]:
        """Carry out the messages, each tried again a few times when Telegram fails for a moment;
        the ids of the messages sent, the question's, and the error that stopped the rest (if any)."""
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
            elif isinstance(item, Redraw):
                action = EditMarkup(inp.chat_id, item.message_id, item.markup)
            elif isinstance(item, Notice) and inp.callback_id:
                answered_button = True
                action = AnswerCallback(inp.callback_id, item.text)
            else:
                continue
            try:
                message_id = await patiently(port, action)
            except DeliveryError as exc:
                return sent, question, exc
            if message_id is not None and isinstance(action, SendMessage):
                sent.append(message_id)
                if isinstance(item, Reply) and item.question:
                    question = message_id
        if inp.kind is Kind.BUTTON and inp.callback_id and not answered_button:
            try:
                await port.perform(AnswerCallback(inp.callback_id))
            except DeliveryError as exc:
                log.info("chat %s: a button tap was not answered: %s", inp.chat_id, exc)
        return sent, question, None

    async def remember_sent(
        self,
        chat_id: int,
        sent: list[int],
        question: int | None,
        known: Written | None = None,
        release: bool = False,
        delivered: bool = True,
    ) -> int:
        """Store the ids of the messages just sent, and with `release` let what was held for the
        citizen go (returns how many rows that released). `known`: the conversation as this update
        committed it; when nothing changed it since, one UPDATE writes it back (no read: a surge's
        every answer pays this), else it is read again and changed. `delivered`: all of the answer
        went, so the conversation's UNSENT mark goes too."""
        now = self.clock()
        marked = known is not None and UNSENT in known.data
        if not sent and question is None and not (marked and delivered):
            if not release:
                return 0
            async with self.engine.begin() as conn:
                return await release_held(conn, chat_id, now)
        if known is not None:
            async with self.engine.begin() as conn:  # a connection is enough, and cheaper than a session
                if await write_back(conn, known, sent, question, now, delivered):
                    return await release_held(conn, chat_id, now) if release else 0
        async with self.sessions() as session, session.begin():
            await lock_chat(session, chat_id)
            conv = await conversation(session, chat_id)
            if conv is not None:
                data = {k: v for k, v in conv.data.items() if k != UNSENT} if delivered else conv.data
                conv.data = {**data, "_q": question} if question is not None else data
                remember(conv, sent, now)
            return await release_held(await session.connection(), chat_id, now) if release else 0


_CONVERSATIONS = cast(Table, Conversation.__table__)
# Built once (its cache key too): every answer runs it. Core, not the ORM's bulk update.
_WRITE_BACK = (
    update(_CONVERSATIONS)
    .where(_CONVERSATIONS.c.chat_id == bindparam("chat"), _CONVERSATIONS.c.updated_at == bindparam("seen"))
    .values(data=bindparam("d"), message_ids=bindparam("ids"), updated_at=bindparam("now"))
)

# The conversation as `_plainly` leaves it (built once)
_WRITE = (
    update(_CONVERSATIONS)
    .where(_CONVERSATIONS.c.chat_id == bindparam("chat"))
    .values(
        step=bindparam("step"),
        data=bindparam("d"),
        report_id=bindparam("report"),
        message_ids=bindparam("ids"),
        updated_at=bindparam("now"),
    )
)

_CITIZENS = cast(Table, Citizen.__table__)
OF_THE_CITIZEN = (GiveConsent, SetLanguage, SetContactPref)  # effects that change only the citizen's row
# Those effects in one statement (built once): a None leaves the column as it is; consent is kept
# from the first time it was given
_CITIZEN_CHOICES = (
    update(_CITIZENS)
    .where(_CITIZENS.c.id == bindparam("citizen"))
    .values(
        language=func.coalesce(bindparam("lang", type_=String), _CITIZENS.c.language),
        contact_pref=func.coalesce(bindparam("pref", type_=String), _CITIZENS.c.contact_pref),
        consent_at=func.coalesce(
            _CITIZENS.c.consent_at, bindparam("consent", type_=_CITIZENS.c.consent_at.type)
        ),
        updated_at=bindparam("now"),
    )
)


def unsent(outcome: Outcome) -> dict[str, Any]:
    """The draft to store with this outcome: marked UNSENT while it has an answer to send, until the
    answer has gone (write_back takes the mark off). A crash or Telegram failing in between leaves
    it: a replay of the update, or the next message, asks the open question again."""
    replies = [o for o in outcome.out if isinstance(o, Reply)]
    if replies:
        return {**outcome.state.data, UNSENT: kept_replies(replies)}
    return outcome.state.data


def without_marks(state: State) -> State:
    return state.with_(data={k: v for k, v in state.data.items() if k not in NOT_ON_SCREEN})


def resent(state: State, ctx: Context, t: Translator) -> Outcome:
    """An update handled before whose answer never went (a crash, Telegram failing): that answer,
    as it was kept; else the open question."""
    waiting = unsent_replies(state.data)
    if waiting:
        return Outcome(without_marks(state), list(waiting))
    return Outcome(*ask(without_marks(state), ctx, t))


PATIENCE = (0.5, 2.0)  # a reply that fails for a moment (a 5xx, a dropped connection) is tried again
MOST_WAIT = 10.0  # a 429 asking to wait longer than this is not waited for here


async def patiently(port: BotPort, action: Action) -> int | None:
    """The action, tried again after a moment when Telegram fails for a moment: a citizen always sees
    the answer to what they did (a button's pop-up is not tried again: its moment passes)."""
    pauses = () if isinstance(action, AnswerCallback) else PATIENCE
    for pause in (*pauses, None):
        try:
            return await port.perform(action)
        except DeliveryError as exc:
            wait = exc.retry_after if exc.code == 429 and exc.retry_after else pause
            passing = exc.code == 0 or exc.code >= 500 or exc.code == 429
            if pause is None or wait is None or not passing or wait > MOST_WAIT:
                raise
            log.info("chat %s: %s failed (%s); trying again in %.1f s", action.__class__.__name__, exc.code,
                     exc, wait)  # fmt: skip
            await asyncio.sleep(wait)
    return None


def choices(citizen_id: int, effects: list[Effect], now: datetime) -> dict[str, Any]:
    """The bind values of _CITIZEN_CHOICES for these effects (the last choice of each kind wins)."""
    values: dict[str, Any] = {"citizen": citizen_id, "now": now, "lang": None, "pref": None, "consent": None}
    for effect in effects:
        if isinstance(effect, SetLanguage):
            values["lang"] = effect.lang
        elif isinstance(effect, SetContactPref):
            values["pref"] = effect.pref
        elif isinstance(effect, GiveConsent):
            values["consent"] = now
    return values


async def write_back(
    conn: AsyncConnection,
    known: Written,
    sent: list[int],
    question: int | None,
    now: datetime,
    delivered: bool = True,
) -> bool:
    """The conversation with the sent ids (and, `delivered`, without the UNSENT mark), if its row is
    still as `known` (same updated_at)."""
    data = {k: v for k, v in known.data.items() if k != UNSENT} if delivered else known.data
    data = {**data, "_q": question} if question is not None else data
    ids = with_ids(known.message_ids, sent, now) if sent else known.message_ids
    result = await conn.execute(
        _WRITE_BACK, {"chat": known.chat_id, "seen": known.updated_at, "d": data, "ids": ids, "now": now}
    )
    return int(cast(CursorResult[Any], result).rowcount) == 1


def remember(conv: Conversation, ids: list[int], at: datetime) -> None:
    """Keep the ids of the chat's messages (both sides), with when they were sent, for deleting the
    conversation from the phone later (services: /hide). Stored as [id, unix seconds] pairs."""
    if ids:
        conv.message_ids = with_ids(conv.message_ids, ids, at)


async def delete_from_phone(port: BotPort, chat_id: int, ids: list[int]) -> None:
    """deleteMessages in batches of 100; a batch Telegram refuses does not stop the others."""
    for start in range(0, len(ids), DELETE_BATCH):
        batch = tuple(ids[start : start + DELETE_BATCH])
        try:
            await port.perform(DeleteMessages(chat_id, batch))
        except DeliveryError as exc:
            log.warning("chat %s: %d message(s) could not be deleted: %s", chat_id, len(batch), exc)
