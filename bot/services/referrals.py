"""Referrals of a case to a partner (IOM, an NGO, the police's trafficking unit), with the citizen's
consent, as one API: the officer group's /refer and the console's case page call it.

asking -> consented -> referred, or asking -> declined, or asking -> withdrawn (by an officer, or by
the citizen's erasure). The citizen is asked first, through the outbox, in their language, held for
those who asked to be written to only after they write. Their yes moves the case to the stage
"referred" at once (stages.move with the partner as REFERRED_TO): from then on the case is the
partner's to take up, and the board and the daily report say so without an officer's second step.
The partner's file (HTCDS JSON) is given only after that yes; taking it records who referred the
case and when (status "referred", an "exported" event). A no is respected: nothing more is asked.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.actions import SendMessage
from bot.core.callbacks import Callback, Scope
from bot.core.contact import may_write_first
from bot.core.partners import Partner
from bot.core.stage import Stage
from bot.i18n import N_, Catalogs, Problem
from bot.services import stages
from bot.services.alerts import Alerts, AlertSettings
from bot.services.casework import record_exported
from bot.services.exports.cases import enrich
from bot.services.exports.htcds import HtcdsWriter
from bot.services.outbox import enqueue, queued
from bot.services.referral_erasure import ASKING, WITHDRAWN, drop_question, question_key
from bot.services.referral_notices import (
    ANSWERS,
    CONSENTED,
    officers_told,
    question_buttons,
    question_text,
)
from storage.models import Citizen, Referral, Report, ReportEvent
from storage.repositories import citizen_by_user

log = logging.getLogger(__name__)
REFERRED = "referred"
DETAILS_LIMIT = 2000
QUESTION_PRIORITY = 3


class ReferralProblem(Problem):
    """A referral that cannot be made, for the person asking, in their language."""


@dataclass(frozen=True, slots=True)
class Asked:
    referral_id: int
    reference: str
    partner: str
    held: bool  # the question waits for the citizen's next message


@dataclass(frozen=True, slots=True)
class Answered:
    language: str
    status: str  # consented or declined
    changed: bool  # always False: an answer is final (the pop-up's wording)
    text: str  # the question as it reads now, with the answer under it


@dataclass(frozen=True, slots=True)
class ReferralView:
    id: int
    partner: str
    partner_name: str
    reasons: list[str]
    details: str
    status: str
    asked_by: int
    asked_at: datetime
    answered_at: datetime | None
    referred_by: int | None
    referred_at: datetime | None


@dataclass(frozen=True, slots=True)
class PartnerFile:
    name: str
    content: bytes


class Referrals:
    """The referral rules for every way in. `wake`: new outbox rows, the sender should look now."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        catalogs: Catalogs,
        mission: str,
        alerts: AlertSettings,
        partners: Sequence[Partner],
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.catalogs = catalogs
        self.mission = mission
        self.alerts = alerts
        self.partners = tuple(partners)
        self.wake = wake

    def partner(self, key: str) -> Partner | None:
        return next((p for p in self.partners if p.key == key.strip().lower()), None)

    async def refer(
        self, report_id: int, by: int, partner_key: str, reasons: Sequence[str] = (), details: str = ""
    ) -> Asked:
        """Ask the citizen whether the case may go to the partner (`reasons`: what it is asked for,
        HTCDS values it offers; none: all it offers). ReferralProblem with a plain sentence when not."""
        partner = self.partner(partner_key)
        if partner is None:
            known = ", ".join(p.key for p in self.partners) or "-"
            raise ReferralProblem(N_("There is no partner {key}. The partners are: {known}."),
                                  key=partner_key, known=known)  # fmt: skip
        chosen = list(dict.fromkeys(reasons)) or list(partner.services)
        if any(r not in partner.services for r in chosen):
            raise ReferralProblem(N_("{partner} does not offer that. It offers: {services}."),
                                  partner=partner.name, services=", ".join(partner.services))  # fmt: skip
        details = details.strip()
        if len(details) > DETAILS_LIMIT:
            raise ReferralProblem(N_("The details are too long: at most {n} characters."), n=DETAILS_LIMIT)
        now = self.clock()
        async with self.sessions() as session, session.begin():
            report = await session.get(Report, report_id)
            citizen = await session.get(Citizen, report.citizen_id) if report else None
            if report is None or citizen is None or report.erased_at is not None:
                raise ReferralProblem(N_("This case has no citizen to ask any more."))
            if citizen.unreachable_at is not None:
                raise ReferralProblem(N_("The citizen has blocked the bot: they cannot be asked."))
            open_ask = await session.scalar(
                select(Referral.id).where(Referral.report_id == report.id, Referral.partner == partner.key,
                                          Referral.status.in_((ASKING, CONSENTED, REFERRED)))
            )  # fmt: skip
            if open_ask is not None:
                raise ReferralProblem(
                    N_("{reference} is already being referred to {partner}."),
                    reference=report.reference or report.id, partner=partner.name,
                )  # fmt: skip
            referral = Referral(report_id=report.id, partner=partner.key, partner_name=partner.name,
                                reasons=chosen, details=details or None, status=ASKING, asked_by=by,
                                asked_at=now)  # fmt: skip
            session.add(referral)
            await session.flush()
            t = self.catalogs[citizen.language or report.language]
            held = not may_write_first(citizen.contact_pref)
            question = SendMessage(
                citizen.chat_id,
                question_text(partner.name, chosen, t, self.mission),
                question_buttons(referral.id, t),
            )
            await enqueue(
                session, action=question, chat_id=citizen.chat_id, kind="referral",
                priority=QUESTION_PRIORITY, report_id=report.id, dedupe_key=question_key(referral.id),
                held=held, now=now,
            )  # fmt: skip
            said = {"text": details} if details else {}  # quoted words: erased with the case
            _log(session, report.id, f"officer:{by}", "referral_asked", now, partner=partner.name,
                 reasons=chosen, referral=referral.id, held=held, **said)  # fmt: skip
            asked = Asked(referral.id, report.reference or "", partner.name, held)
        self.wake()
        return asked

    async def answer(self, user_id: int, data: str) -> Answered | None:
        """The citizen's press of yes or no; None when the button is not theirs, or the question is
        no longer open (answered, withdrawn, forged)."""
        pressed = Callback.parse(data)
        if pressed is None or pressed.scope is not Scope.REFER or pressed.field(1) not in ANSWERS:
            return None
        referral_id = pressed.number(0)
        if referral_id is None:
            return None
        status, now = ANSWERS[pressed.field(1)], self.clock()
        async with self.sessions() as session, session.begin():
            citizen = await citizen_by_user(session, user_id)
            # locked: a press delivered to two workers at once is answered once
            referral = await session.get(Referral, referral_id, with_for_update=True)
            report = await session.get(Report, referral.report_id) if referral else None
            if citizen is None or referral is None or report is None or report.citizen_id != citizen.id:
                return None
            if referral.status != ASKING:
                return None
            referral.status, referral.answered_at = status, now
            _log(session, report.id, "citizen", f"referral_{status}", now, partner=referral.partner_name,
                 referral=referral.id)  # fmt: skip
            if status == CONSENTED:
                await self._move(session, report, referral, now)
            await self._tell_officers(session, report, referral, now)
            lang = citizen.language or report.language
            text = question_text(referral.partner_name, list(referral.reasons or []), self.catalogs[lang],
                                 self.mission, status)  # fmt: skip
            wake = queued(session)
        if wake:
            self.wake()
        return Answered(lang, status, False, text)

    async def _move(self, session: AsyncSession, report: Report, referral: Referral, now: datetime) -> None:
        """The yes moves the case to "referred" (by the officer who asked); a passenger of a planned
        flight stays on it (flights take a case off a flight), the officers read the yes all the same."""
        try:
            await stages.move(session, report, Stage.REFERRED, referral.asked_by,
                              {stages.REFERRED_TO: referral.partner_name}, now)  # fmt: skip
        except stages.StageProblem as problem:
            log.info("referral %s: the case stays at its stage: %s", referral.id, problem)

    async def _tell_officers(
        self, session: AsyncSession, report: Report, referral: Referral, now: datetime
    ) -> None:
        group = self.alerts.officer_chat_id
        if group is None:
            return
        t = self.catalogs[self.alerts.officer_language]
        text = officers_told(report.reference or str(report.id), referral.partner_name, referral.status, t)
        await enqueue(
            session, action=SendMessage(group, text, reply_to=report.card_message_id), chat_id=group,
            kind="referral_answer", priority=4, report_id=report.id, now=now,
        )  # fmt: skip
        await Alerts(session, self.alerts, now).changed(report)  # the card shows the new stage

    async def withdraw(self, referral_id: int, by: int) -> ReferralView | None:
        """An officer takes back a question not answered yet: it is not sent if it still waits, and
        its buttons answer "no longer active". None when there is no such open question."""
        now = self.clock()
        async with self.sessions() as session, session.begin():
            referral = await session.get(Referral, referral_id)
            if referral is None or referral.status != ASKING:
                return None
            referral.status, referral.answered_at = WITHDRAWN, now
            unsent = await drop_question(session, referral.id)
            _log(session, referral.report_id, f"officer:{by}", "referral_withdrawn", now,
                 partner=referral.partner_name, referral=referral.id, unsent=unsent)  # fmt: skip
            return _view(referral)

    async def of_case(self, report_id: int) -> list[ReferralView]:
        """The case's referrals, oldest first."""
        async with self.sessions() as session:
            found = await session.scalars(
                select(Referral).where(Referral.report_id == report_id).order_by(Referral.id)
            )
            return [_view(r) for r in found]

    async def partner_file(self, referral_id: int, viewer: int) -> PartnerFile | None:
        """The case in HTCDS JSON with this referral's fields, for the partner; only after the
        citizen's yes (None before, and after a no). Taking it is recorded as an export, and the
        first time as the referral itself (who, when: status "referred")."""
        now = self.clock()
        async with self.sessions() as session, session.begin():
            referral = await session.get(Referral, referral_id)
            if referral is None or referral.status not in (CONSENTED, REFERRED):
                return None
            report = await session.get(Report, referral.report_id, populate_existing=True)
            if report is None or report.erased_at is not None:
                return None
            await session.refresh(report, ["citizen"])
            case = (await enrich(session, [report]))[0]
            case.referrals = [referral]
            out = io.BytesIO()
            writer = HtcdsWriter(out, self.catalogs["en"].zone)
            writer.write([case])
            writer.close()
            await record_exported(session, [report.id], viewer, "htcds-referral", now)
            if referral.status == CONSENTED:
                referral.status, referral.referred_by, referral.referred_at = REFERRED, viewer, now
                _log(session, report.id, f"officer:{viewer}", "referral_sent", now,
                     partner=referral.partner_name, referral=referral.id)  # fmt: skip
            name = f"{report.reference or report.id}-{referral.partner}.json"
            return PartnerFile(name, out.getvalue())


async def made_between(session: AsyncSession, since: datetime, until: datetime) -> int:
    """How many referrals were asked for in [since, until) (the daily report)."""
    query = (
        select(func.count())
        .select_from(Referral)
        .where(Referral.asked_at >= since, Referral.asked_at < until)
    )
    return int(await session.scalar(query) or 0)


def _view(r: Referral) -> ReferralView:
    return ReferralView(r.id, r.partner, r.partner_name, list(r.reasons or []), r.details or "", r.status,
                        r.asked_by, r.asked_at, r.answered_at, r.referred_by, r.referred_at)  # fmt: skip


def _log(
    session: AsyncSession, report_id: int, actor: str, kind: str, now: datetime, **detail: object
) -> None:
    session.add(ReportEvent(report_id=report_id, actor=actor, kind=kind, detail=detail, at=now))
