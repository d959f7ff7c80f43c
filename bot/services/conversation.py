"""A citizen's message, taken as one unit of work: the chat's state loaded (storage.conversations),
the step function run (bot.flow), its effects applied (the report, its alerts, the citizen's
choices), and the conversation saved, with what is to be sent. Nothing is sent here: the handler
sends after the commit, then `remember_sent` keeps the ids of what went (for /hide) and lets go
what was held for the citizen.

One path for every message. Most answer a question and change only the conversation (sometimes
with one of the citizen's own choices: consent, language, contact); those cost one read and one
write. A step with other effects (an SOS, the report sent or changed, data erased) loads the
citizen and their report as objects in the same unit of work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.core.incoming import Incoming, Kind
from bot.flow import verify
from bot.flow.asking import ask
from bot.flow.engine import advance
from bot.flow.model import (
    NOT_ON_SCREEN,
    UNSENT,
    CitizenMessage,
    Context,
    EraseMyData,
    GiveConsent,
    Outcome,
    PatchReport,
    RecordSOS,
    Reply,
    ReportScam,
    Screened,
    SendSearch,
    SetContactPref,
    SetLanguage,
    State,
    Submit,
    Wipe,
    kept_replies,
    unsent_replies,
)
from bot.i18n import Catalogs, Translator, pick_language
from bot.services import duplicates, scams, screening, searches
from bot.services import sos as sos_alerts
from bot.services.alerts import Alerts, AlertSettings
from bot.services.outbox import queued, release_held
from bot.services.phone import deletable, with_ids
from bot.services.reports import Reports
from bot.services.seen import marked_seen
from storage.conversations import NEW, ChatRow, ConversationStore, Saved
from storage.models import Citizen, Report

OF_THE_CITIZEN = (GiveConsent, SetLanguage, SetContactPref)  # effects that change only the citizen's row


@dataclass(frozen=True, slots=True)
class Mission:
    name: str
    prefix: str
    phone: str | None
    retention_days: int
    zone: ZoneInfo
    website: str | None = None  # /verify: the official website that links to the bot
    fees: str | None = None  # /verify: the official fees
    scam_limit: int = 3  # scam reports an account may send in 24 hours


@dataclass(frozen=True, slots=True)
class Turn:
    """A message taken and committed; what is left is to send `outcome`. No outcome: it was taken
    before (Telegram delivered it again) and its answer went."""

    outcome: Outcome | None
    wake: bool = False  # outbox rows were queued: the sender should look
    reference: str = ""
    wipe: list[int] | None = None  # the chat is being deleted from the phone: these ids, and what is sent
    saved: Saved | None = None


class Conversations:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        catalogs: Catalogs,
        mission: Mission,
        clock: Callable[[], datetime],
        alerts: AlertSettings,
    ) -> None:
        self.sessions = sessions
        self.engine: AsyncEngine = sessions.kw["bind"]
        self.catalogs = catalogs
        self.mission = mission
        self.clock = clock
        self.alerts = alerts

    async def take(self, inp: Incoming, overtaking: bool = False) -> Turn:
        """The citizen's message, through the step function, committed. `overtaking`: an SOS taken
        before earlier messages of the chat that still wait their turn (services.flood)."""
        now = self.clock()
        async with self.engine.begin() as conn:
            store = ConversationStore(conn)
            await store.lock(inp.chat_id)  # another worker handling this chat: wait for its commit
            row = await store.load(inp.user_id, inp.chat_id, now - sos_alerts.RECENT, now)
            handled = marked_seen(row.handled, inp.update_id)
            lang = pick_language(row.language, inp.language_code)
            state = State(row.step, dict(row.data), lang, row.report_id, bool(row.submitted))
            ctx = self._context(now, row.reference, row.status, overtaking, row.sos_since, row.stage)
            if inp.kind is Kind.COMMAND and inp.command in ("status", "delete"):  # a relative's searches
                ctx = replace(ctx, searches=await searches.notes(conn, inp.user_id))
            if verify.counts(inp):  # a scam report begun or sent: how many this account sent lately
                ctx = replace(ctx, scams_today=await scams.sent_lately(conn, inp.user_id, now))
            if handled is None:  # taken before (a retry, a restart): its answer may not have gone
                if not row.data.get(UNSENT):
                    return Turn(None)
                handled = row.handled
                outcome = resent(state, ctx, self.catalogs[lang])
            else:
                outcome = advance(state, inp, ctx, self.catalogs)
            linked_id, reference, wake = row.linked_id, row.reference, False
            if _plain(outcome, row):
                if outcome.effects:
                    await store.choose(row.citizen_id, now, **_choices(outcome))
            else:  # objects, in a session on this unit of work's connection
                async with self.sessions(bind=conn) as session:
                    linked = await self._apply(session, outcome, inp, row, now)
                    await session.flush()
                    wake = queued(session)
                linked_id, reference = (linked.id, linked.reference) if linked else (None, None)
            message_ids = row.message_ids
            if inp.message_id is not None and inp.kind is not Kind.BUTTON:  # a button's message is ours
                message_ids = with_ids(message_ids, [inp.message_id], now)
            wipe = None
            if any(isinstance(o, Wipe) for o in outcome.out):
                message_ids, wipe = deletable(message_ids, now)
            step, data = outcome.state.step, unsent(outcome)
            saved = await store.save(
                inp.chat_id, step, data, linked_id if step != NEW else None, message_ids, handled, now
            )
        return Turn(outcome, wake, reference or "", wipe, saved)

    def _context(
        self,
        now: datetime,
        reference: str | None,
        status: str | None,
        overtaking: bool,
        searching: bool,
        stage: str | None = None,
    ) -> Context:
        return Context(
            today=now.astimezone(self.mission.zone).date(),
            mission=self.mission.name,
            phone=self.mission.phone,
            retention_days=self.mission.retention_days,
            reference=reference,
            status=status,
            stage=stage,
            queued=overtaking,
            searching=searching,
            website=self.mission.website,
            fees=self.mission.fees,
            scam_limit=self.mission.scam_limit,
        )

    async def _apply(
        self,
        session: AsyncSession,
        outcome: Outcome,
        inp: Incoming,
        row: ChatRow,
        now: datetime,
    ) -> Report | None:
        """The step's effects, on the citizen and their report as objects; the report linked after."""
        citizen = await session.get_one(Citizen, row.citizen_id)
        linked = await session.get(Report, row.linked_id) if row.linked_id is not None else None
        reports = Reports(session, self.mission.prefix, now)
        alerts = Alerts(session, self.alerts, now)
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
                await duplicates.checked(session, linked, now, alerts.changed)
            elif isinstance(effect, PatchReport) and linked is not None:
                changed = reports.patch(linked, effect.fields, effect.event)
                if effect.event == "live_location":
                    await alerts.moved(linked)
                elif "latitude" in changed:  # a pin shared: after an SOS, a fresh pin for the officers
                    await alerts.located(linked)
                else:
                    await alerts.changed(linked)
                if duplicates.IDENTITY_FIELDS.intersection(changed):
                    await duplicates.checked(session, linked, now, alerts.changed)
            elif isinstance(effect, CitizenMessage) and linked is not None:
                reports.log(linked, "citizen", "citizen_message", text=effect.text)
                await alerts.citizen_wrote(linked, effect.text)
            elif isinstance(effect, ReportScam):
                await scams.record(
                    session, user_id=inp.user_id, chat_id=inp.chat_id, language=state.lang,
                    channel=effect.channel, who=effect.who, asked_for=effect.asked_for, detail=effect.detail,
                    officer_chat_id=self.alerts.officer_chat_id, now=now,
                )  # fmt: skip
            elif isinstance(effect, Screened) and linked is not None:
                said = (effect.question, effect.value, effect.first)
                # a case merged into another: officers work on the case kept (the other has no page)
                kept = await session.get(Report, linked.merged_into_id) if linked.merged_into_id else None
                await screening.record_answer(session, kept or linked, *said, now)
                await alerts.changed(kept or linked)
            elif isinstance(effect, EraseMyData):
                searched = linked is not None and await sos_alerts.searching(session, linked.id, now)
                await reports.erase(citizen)
                if linked is not None:
                    await alerts.erased(linked, searched)
                linked = None
            elif isinstance(effect, SendSearch):
                await self._search(session, outcome, citizen, state.lang, effect, now)
        if linked is not None and any(_matters(e) for e in outcome.effects):
            officers = self.catalogs[self.alerts.officer_language]
            await searches.case_changed(session, linked, now, self.alerts.officer_chat_id, officers)
        return linked

    async def _search(
        self,
        session: AsyncSession,
        outcome: Outcome,
        citizen: Citizen,
        lang: str,
        effect: SendSearch,
        now: datetime,
    ) -> None:
        """A relative's search, sent: stored and matched; its reference goes into the answer."""
        officers = self.catalogs[self.alerts.officer_language]
        search = await searches.submit(
            session, citizen, lang, effect.fields, now, self.mission.retention_days,
            self.alerts.officer_chat_id, officers,
        )  # fmt: skip
        outcome.out[:] = [
            Reply(o.text.replace("{search}", search.reference or ""), o.markup, o.question, o.protect)
            if isinstance(o, Reply) else o
            for o in outcome.out
        ]  # fmt: skip

    async def remember_sent(
        self,
        chat_id: int,
        sent: list[int],
        question: int | None,
        saved: Saved | None = None,
        release: bool = False,
        delivered: bool = True,
    ) -> int:
        """Keep the ids of the messages just sent (for /hide) and the open question's, and with
        `release` let what was held for the citizen go (returns how many rows that released).
        `saved`: the conversation as the turn saved it; when nothing changed it since, one UPDATE
        writes it back with no read (a surge's every answer pays this), else it is read again.
        `delivered`: all of the answer went, so the conversation's UNSENT mark goes too."""
        now = self.clock()
        marked = saved is not None and UNSENT in saved.data
        if not sent and question is None and not (marked and delivered) and not release:
            return 0
        async with self.engine.begin() as conn:  # a connection is enough, and cheaper than a session
            store = ConversationStore(conn)
            if sent or question is not None or (marked and delivered):
                kept = saved is not None and await store.write_back(
                    saved, *_with_sent(saved.data, saved.message_ids, sent, question, now, delivered), now
                )
                if not kept:
                    await store.lock(chat_id)
                    found = await store.read(chat_id)
                    if found is not None:
                        await store.rewrite(chat_id, *_with_sent(*found, sent, question, now, delivered), now)
            return await release_held(conn, chat_id, now) if release else 0


def _matters(effect: object) -> bool:
    """Whether this change of a case may answer a family's search (services.searches)."""
    if isinstance(effect, PatchReport):
        return bool(searches.CHANGED_FIELDS & effect.fields.keys())
    return isinstance(effect, Submit)


def _plain(outcome: Outcome, row: ChatRow) -> bool:
    """Whether the step changes only the conversation and the citizen's own choices. (A case's card
    shows whether officers may write first: a contact choice with a case goes the other way.)"""
    if not all(isinstance(e, OF_THE_CITIZEN) for e in outcome.effects):
        return False
    return row.linked_id is None or not any(isinstance(e, SetContactPref) for e in outcome.effects)


def _choices(outcome: Outcome) -> dict[str, Any]:
    """The citizen's choices in these effects (the last of each kind wins)."""
    values: dict[str, Any] = {"lang": None, "pref": None, "consent": False}
    for effect in outcome.effects:
        if isinstance(effect, SetLanguage):
            values["lang"] = effect.lang
        elif isinstance(effect, SetContactPref):
            values["pref"] = effect.pref
        elif isinstance(effect, GiveConsent):
            values["consent"] = True
    return values


def _with_sent(
    data: dict[str, Any],
    message_ids: dict[str, Any],
    sent: list[int],
    question: int | None,
    now: datetime,
    delivered: bool,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The conversation's data and ids once `sent` went: the ids kept, the open question's id noted,
    the UNSENT mark taken off when all of the answer went."""
    if delivered:
        data = {k: v for k, v in data.items() if k != UNSENT}
    if question is not None:
        data = {**data, "_q": question}
    return data, (with_ids(message_ids, sent, now) if sent else message_ids)


def unsent(outcome: Outcome) -> dict[str, Any]:
    """The draft to store with this outcome: marked UNSENT while it has an answer to send, until the
    answer has gone (remember_sent takes the mark off). A crash or Telegram failing in between
    leaves it: a replay of the update, or the next message, asks the open question again."""
    replies = [o for o in outcome.out if isinstance(o, Reply)]
    if replies:
        return {**outcome.state.data, UNSENT: kept_replies(replies)}
    return outcome.state.data


def resent(state: State, ctx: Context, t: Translator) -> Outcome:
    """A message taken before whose answer never went (a crash, Telegram failing): that answer, as
    it was kept; else the open question."""
    bare = state.with_(data={k: v for k, v in state.data.items() if k not in NOT_ON_SCREEN})
    waiting = unsent_replies(state.data)
    if waiting:
        return Outcome(bare, list(waiting))
    return Outcome(*ask(bare, ctx, t))
