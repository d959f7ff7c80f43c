"""The rules of a report: creating it (SOS or sent), copying answers to it, triage, the event trail,
erasing its personal data (the citizen's /delete, retention), and finding reports by NIK, passport
number or phone (their keyed hashes: the values themselves are encrypted)."""

from __future__ import annotations

import contextlib
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.case import Priority
from bot.core.contact import ContactPref
from bot.core.stage import Stage
from bot.flow.model import Step
from bot.services import duplicates, scams, screening, searches, stages
from bot.services.outbox.queue import FAILED, HELD, PENDING, enqueue
from bot.services.referral_erasure import erase_referrals
from bot.services.triage import priority
from bot.validators import Invalid, normalise_phone, parse_passport_number
from storage.encrypted import session_keyring
from storage.models import (
    CaseMessage,
    Citizen,
    Conversation,
    Flight,
    FlightPassenger,
    OutboxMessage,
    Report,
    ReportEvent,
)
from storage.repositories import reports_of

PERSONAL = (
    "latitude", "longitude", "city", "place", "passport_number", "full_name", "birth_date", "nik",
    "home_province", "phone", "family_contact", "companions", "notes", "going_home", "home_city",
    "medical", "documents_held", "sex", "children", "profile_name",
)  # fmt: skip
ANSWERS = (*PERSONAL[:-1], "passport_status", "safety")
QUOTES = ("text",)  # the keys of an event's detail or an outbox payload that quote someone's words
ERASED = "erased"  # the error of an outbox row dropped because its case's personal data was erased


def apply_answers(report: Report, fields: dict[str, Any], now: datetime) -> list[str]:
    """Copy draft answers onto the report; returns the names of the columns that changed."""
    changed = []
    for key, value in fields.items():
        if key not in ANSWERS:
            continue
        if key == "birth_date" and isinstance(value, str):
            value = date.fromisoformat(value)
        if getattr(report, key) != value:
            setattr(report, key, value)
            changed.append(key)
    if "latitude" in changed or "longitude" in changed:
        report.location_at = now
    report.priority = priority(report.sos, report.safety, report.passport_status, report.medical)
    return changed


class Reports:
    """One unit of work's view of reports; it adds to the session and never commits."""

    def __init__(self, session: AsyncSession, prefix: str, now: datetime) -> None:
        self.session = session
        self.prefix = prefix
        self.now = now

    def log(self, report: Report, actor: str, kind: str, **detail: Any) -> None:
        self.session.add(ReportEvent(report_id=report.id, actor=actor, kind=kind, detail=detail, at=self.now))

    async def create(self, citizen: Citizen, lang: str, profile_name: str, sos: bool) -> Report:
        report = Report(
            citizen_id=citizen.id,
            language=lang,
            profile_name=profile_name or None,
            sos=sos,
            priority=Priority.P1 if sos else Priority.P3,
            created_at=self.now,
            updated_at=self.now,
        )
        self.session.add(report)
        await self.session.flush()
        report.reference = f"{self.prefix}-{report.id:06d}"
        return report

    async def record_sos(
        self, citizen: Citizen, existing: Report | None, draft: dict[str, Any], lang: str, profile: str
    ) -> Report:
        report = existing or await self.create(citizen, lang, profile, sos=True)
        report.sos = True
        apply_answers(report, draft, self.now)
        self.log(report, "citizen", "sos")
        return report

    async def submit(
        self, citizen: Citizen, existing: Report | None, draft: dict[str, Any], lang: str, profile: str
    ) -> Report:
        report = existing or await self.create(citizen, lang, profile, sos=False)
        apply_answers(report, draft, self.now)
        report.submitted = True
        report.language = lang
        self.log(report, "citizen", "submitted", priority=report.priority)
        return report

    def patch(self, report: Report, fields: dict[str, Any], event: str) -> list[str]:
        """Copy answers to the report; the names of the columns that changed."""
        before = report.priority
        changed = apply_answers(report, fields, self.now)
        if changed:
            detail: dict[str, Any] = {"fields": changed}
            if report.priority != before:
                detail["priority"] = [before, report.priority]
            self.log(report, "citizen", event, **detail)
        return changed

    async def erase(self, citizen: Citizen) -> None:
        """The citizen's own /delete: personal values go, the trail says it happened."""
        for report in await reports_of(self.session, citizen.id):
            await self.wipe(report, "citizen", "erased_by_citizen")
        await searches.erase_seeker(self.session, citizen.telegram_user_id)  # what they looked for too
        await scams.erase_of(self.session, citizen.telegram_user_id)  # the impostors they reported
        citizen.consent_at = None
        citizen.contact_pref = ContactPref.UNSET  # asked again if they come back

    async def wipe(self, report: Report, actor: str, kind: str) -> None:
        """Erase what the citizen gave and every text of the case: the report's personal values, the
        words quoted in its trail and its outbox rows (an unsent relay is dropped), and a draft that
        is still linked to it. The trail keeps what happened (kind, who, when), not what was said."""
        for key in PERSONAL:
            setattr(report, key, None)
        screening.erase(report)  # the answers, the officer's decision and its note
        report.location_at = None
        report.erased_at = self.now
        events = await self.session.scalars(select(ReportEvent).where(ReportEvent.report_id == report.id))
        for event in events:
            if any(key in event.detail for key in QUOTES):
                kept = {k: v for k, v in event.detail.items() if k not in QUOTES}
                event.detail = {**kept, "erased": True}
        rows = await self.session.scalars(select(OutboxMessage).where(OutboxMessage.report_id == report.id))
        for row in rows:
            if not any(key in row.payload for key in QUOTES):  # an alert's ids: it goes as it is
                continue
            row.payload = {}
            if row.status in (PENDING, HELD):
                row.status, row.error = FAILED, ERASED
        drafts = await self.session.scalars(select(Conversation).where(Conversation.report_id == report.id))
        for draft in drafts:
            draft.step, draft.data, draft.report_id = Step.NEW, {}, None
        await self.off_planned_flights(report, actor)
        await erase_referrals(self.session, report.id, self.now)  # the details; an unanswered ask withdrawn
        # the way home keeps its stages, not the numbers and words that could name the person
        report.journey = stages.without_personal(report.journey)
        for event in await self.session.scalars(
            select(ReportEvent).where(ReportEvent.report_id == report.id, ReportEvent.kind == "stage")
        ):
            facts = event.detail.get("facts")
            if isinstance(facts, dict) and stages.without_personal(facts) != facts:
                event.detail = {**event.detail, "facts": stages.without_personal(facts), "erased": True}
        await self.take_back(report)
        await searches.forget_case(self.session, report.id)  # a family's ask closes without a word
        await duplicates.forget(self.session, report.id)
        self.log(report, actor, kind)

    async def off_planned_flights(self, report: Report, actor: str) -> None:
        """An erased case travels on no planned flight: off its passenger lists and manifests, its
        check-in code spent, its stage back to cleared (nothing is told: the citizen asked to forget)."""
        rows = await self.session.execute(
            select(FlightPassenger, Flight)
            .join(Flight, Flight.id == FlightPassenger.flight_id)
            .where(FlightPassenger.report_id == report.id, FlightPassenger.removed_at.is_(None),
                   Flight.status == "planned")
        )  # fmt: skip
        for seat, flight in rows:
            seat.removed_at, seat.token_nonce = self.now, None
            self.log(report, actor, "flight_removed", flight=flight.id)
            if report.flight_id == flight.id:
                report.flight_id = None
                if report.stage == Stage.ON_FLIGHT:
                    await stages.back_to_cleared(self.session, report, actor, self.now)

    async def take_back(self, report: Report) -> None:
        """What the bot posted quoting the citizen (details, their messages, SOS messages, pins) is
        taken back from the officers' chats: texts edited to say they were erased (possible at any
        age), pins deleted (under 48 hours; past that only a group admin can). The card is edited by
        the alerts as the case changes."""
        messages = await self.session.scalars(select(CaseMessage).where(CaseMessage.report_id == report.id))
        for message in messages:
            if message.kind in ("card", "plain") or message.message_id == report.card_message_id:
                continue
            payload = {"message": message.message_id, "delete": message.kind == "pin"}
            await enqueue(
                self.session, chat_id=message.chat_id, kind="scrub", payload=payload, priority=4,
                report_id=report.id, now=self.now,
            )  # fmt: skip


def lookup_values(text: str) -> dict[str, str]:
    """What a typed NIK, passport number or phone number may be, each as the hotline stores it."""
    values: dict[str, str] = {}
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) == 16:
        values["nik"] = digits
    with contextlib.suppress(Invalid):
        values["passport"] = parse_passport_number(text)
    if len(digits) >= 8:
        with contextlib.suppress(Invalid):
            values["phone"] = normalise_phone(text)
    return values


async def find_reports(session: AsyncSession, text: str) -> list[Report]:
    """The reports whose NIK, passport number or phone is the one typed, oldest first."""
    keyring = session_keyring(session)
    columns = {"nik": Report.nik_hash, "passport": Report.passport_hash, "phone": Report.phone_hash}
    wanted = [
        columns[kind].in_(keyring.lookups(kind, [value])) for kind, value in lookup_values(text).items()
    ]
    if not wanted:
        return []
    return list(await session.scalars(select(Report).where(or_(*wanted)).order_by(Report.id)))


async def same_person(session: AsyncSession, report: Report) -> list[Report]:
    """Other reports with this report's NIK, passport number or phone: likely the same person."""
    keyring = session_keyring(session)
    pairs = ((Report.nik_hash, "nik", report.nik), (Report.passport_hash, "passport", report.passport_number),
             (Report.phone_hash, "phone", report.phone))  # fmt: skip
    wanted = [column.in_(keyring.lookups(kind, [value])) for column, kind, value in pairs if value]
    if not wanted:
        return []
    query = select(Report).where(or_(*wanted), Report.id != report.id).order_by(Report.id)
    return list(await session.scalars(query))
