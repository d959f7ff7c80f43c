"""A case's way home, moved: THE one way a case's stage changes (the officers' /stage, the console's
stage form and bulk action, flights). Each move checks the facts the stage needs, sets the stage and
since when, merges the facts into the journey, keeps the status in step, and is an event of the
case's history ("stage": from, to, facts; the actor and the time are the event's own).

`move` works inside the caller's transaction (flights move their passengers in theirs); the caller
refreshes the card (`Alerts.changed`, as `Casework.move_stage` does).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.case import OPEN_STATUSES, Status
from bot.core.stage import ENDINGS, WAY_HOME, Stage
from bot.i18n import N_, Problem, Translator
from storage.models import Flight, FlightPassenger, Report, ReportEvent

# The journey's keys (Report.journey, encrypted JSON): the facts of the stages, as the exports read them
IDENTITY = "identity"  # how the identity was checked: one of IDENTITY_WAYS
DOCUMENT = "document"  # "splp" (an SPLP issued) or "passport" (the passport recovered)
DOCUMENT_NUMBER = "document_number"  # the SPLP's number (with "splp")
DOCUMENT_DATE = "document_date"  # the SPLP's day of issue, ISO (with "splp")
ON_OR_AFTER_FLIGHT = (Stage.ON_FLIGHT, Stage.DEPARTED, Stage.ARRIVED)
FINE = "fine"  # the overstay fine: one of FINES
EXIT_PERMIT = "exit_permit"  # the exit permit's number, when there is one
FLIGHT = "flight"  # the flight's id (flights.id), on_flight and departed
ARRIVED_PLACE = "arrived_place"  # where they arrived, e.g. Soekarno-Hatta
REFERRED_TO = "referred_to"  # the partner a referred case went to, e.g. IOM
REASON = "reason"  # why a case is staying or closed, when said
KEYS = (IDENTITY, DOCUMENT, DOCUMENT_NUMBER, DOCUMENT_DATE, FINE, EXIT_PERMIT, FLIGHT, ARRIVED_PLACE,
        REFERRED_TO, REASON)  # fmt: skip

IDENTITY_WAYS = ("passport", "ktp", "kk", "birth_certificate", "interview", "other")
DOCUMENTS = ("splp", "passport")
FINES = ("waived", "paid", "none")
SPLP_NUMBER = re.compile(r"^[A-Z]{0,3}[0-9]{5,10}[A-Z]?$")  # e.g. B1234567, X 123456: letters then digits
PERMIT_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9/.-]{2,31}$")
TEXT_LIMIT = 120  # a place, a partner, a reason

# The stage's name as officers read it (cards, the board, the console)
STAGES: dict[str, str] = {
    Stage.REPORTED: N_("reported"),
    Stage.IDENTITY_VERIFIED: N_("identity verified"),
    Stage.DOCUMENT_READY: N_("travel document ready"),
    Stage.CLEARED: N_("cleared by immigration"),
    Stage.ON_FLIGHT: N_("on a flight"),
    Stage.DEPARTED: N_("departed"),
    Stage.ARRIVED: N_("arrived home"),
    Stage.REFERRED: N_("referred"),
    Stage.STAYING: N_("staying"),
    Stage.CLOSED: N_("closed"),
}
IDENTITY_LABELS: dict[str, str] = {
    "passport": N_("passport"),
    "ktp": "KTP",
    "kk": "KK",
    "birth_certificate": N_("birth certificate"),
    "interview": N_("interview"),
    "other": N_("other"),
}
FINE_LABELS: dict[str, str] = {"waived": N_("fine waived"), "paid": N_("fine paid"), "none": N_("no fine")}
COLUMNS = (*WAY_HOME, *ENDINGS)  # the board's columns, in order
# The stages whose facts may be the same for many cases (the console's bulk action), and the one
# fact each takes there
BULK_FACT: dict[str, str] = {
    Stage.CLEARED: FINE,
    Stage.ARRIVED: ARRIVED_PLACE,
    Stage.REFERRED: REFERRED_TO,
    Stage.STAYING: REASON,
    Stage.CLOSED: REASON,
}
BULK_STAGES = tuple(BULK_FACT)


class StageProblem(Problem):
    """Facts a stage cannot take, for the person who typed them, in their language."""


@dataclass(frozen=True, slots=True)
class Moved:
    """A case moved (or not: `changed` False when it stood there already with the same facts)."""

    report_id: int
    reference: str
    changed: bool
    stage: str
    status: str
    facts: dict[str, Any] = field(default_factory=dict)


def _text(value: object) -> str:
    return " ".join(str(value or "").split())


def check(stage: str, facts: Mapping[str, object], today: date) -> dict[str, Any]:
    """The facts `stage` records, cleaned; StageProblem with a plain sentence when they will not do.
    Unknown keys are ignored; `today` (the mission's day) bounds an SPLP's day of issue."""
    if stage not in set(Stage):
        raise StageProblem(N_("Unknown stage. Use one of: {stages}"), stages=", ".join(Stage))
    if stage == Stage.IDENTITY_VERIFIED:
        how = _text(facts.get(IDENTITY)).lower().replace(" ", "_").replace("-", "_")
        if how not in IDENTITY_WAYS:
            raise StageProblem(N_("Say how the identity was checked: {ways}."), ways=", ".join(IDENTITY_WAYS))
        return {IDENTITY: how}
    if stage == Stage.DOCUMENT_READY:
        return _document(facts, today)
    if stage == Stage.CLEARED:
        fine = _text(facts.get(FINE)).lower()
        if fine not in FINES:
            raise StageProblem(N_("Say what became of the overstay fine: waived, paid or none."))
        permit = _text(facts.get(EXIT_PERMIT)).upper()
        if permit and not PERMIT_NUMBER.match(permit):
            raise StageProblem(
                N_("An exit permit number is letters and digits (3 to 32), such as IMI-12345.")
            )
        return {FINE: fine, EXIT_PERMIT: permit or None}
    if stage in (Stage.ON_FLIGHT, Stage.DEPARTED):
        flight = str(facts.get(FLIGHT) or "").strip()
        if not flight.isdigit() or len(flight) > 12:
            raise StageProblem(
                N_("Flights put a case on a flight: name the flight by its number, such as 12.")
            )
        return {FLIGHT: int(flight)}
    if stage == Stage.ARRIVED:
        return {
            ARRIVED_PLACE: _needed(
                facts.get(ARRIVED_PLACE), N_("Say where they arrived, such as Soekarno-Hatta.")
            )
        }
    if stage == Stage.REFERRED:
        return {
            REFERRED_TO: _needed(facts.get(REFERRED_TO), N_("Say to whom the case is referred, such as IOM."))
        }
    if stage in (Stage.STAYING, Stage.CLOSED):
        reason = _text(facts.get(REASON))
        if len(reason) > TEXT_LIMIT:
            raise StageProblem(N_("Keep the reason under {n} characters."), n=TEXT_LIMIT)
        return {REASON: reason or None}
    return {}


def _document(facts: Mapping[str, object], today: date) -> dict[str, Any]:
    kind = _text(facts.get(DOCUMENT)).lower()
    if kind == "paspor":
        kind = "passport"
    if kind == "passport":
        return {DOCUMENT: "passport", DOCUMENT_NUMBER: None, DOCUMENT_DATE: None}
    if kind != "splp":
        raise StageProblem(
            N_("Say which document: an SPLP with its number and date, or the passport recovered.")
        )
    number = _text(facts.get(DOCUMENT_NUMBER)).upper().replace(" ", "")
    if not SPLP_NUMBER.match(number):
        raise StageProblem(N_("An SPLP number is a few letters then digits, such as B1234567."))
    typed = _text(facts.get(DOCUMENT_DATE))
    try:
        issued = date.fromisoformat(typed) if typed else today
    except ValueError:
        raise StageProblem(N_("Write the SPLP's date as year-month-day, such as 2026-12-03.")) from None
    if issued > today + timedelta(days=1) or issued < today - timedelta(days=3 * 365):
        raise StageProblem(N_("The SPLP's date {date} cannot be right: it is in the future or years ago."),
                       date=issued.isoformat())  # fmt: skip
    return {DOCUMENT: "splp", DOCUMENT_NUMBER: number, DOCUMENT_DATE: issued.isoformat()}


def _needed(value: object, problem: str) -> str:
    text = _text(value)
    if len(text) < 2:
        raise StageProblem(problem)
    if len(text) > TEXT_LIMIT:
        raise StageProblem(N_("Keep it under {n} characters."), n=TEXT_LIMIT)
    return text


def status_for(stage: str, current: str) -> str:
    """The case's status in step with its stage (bot.core.case.Status)."""
    if stage == Stage.ARRIVED:
        return Status.REPATRIATED
    if stage == Stage.REFERRED:
        return Status.REFERRED
    if stage in (Stage.STAYING, Stage.CLOSED):
        return Status.CLOSED
    if stage in (Stage.ON_FLIGHT, Stage.DEPARTED):
        return Status.SCHEDULED
    if stage == Stage.REPORTED and current in (Status.NEW, Status.ACKNOWLEDGED):
        return current
    if current in (Status.NEW, Status.ACKNOWLEDGED, Status.SCHEDULED) or current not in OPEN_STATUSES:
        return Status.IN_PROGRESS  # work on the way home (again, after a correction)
    return current


async def move(
    session: AsyncSession,
    report: Report,
    to: str,
    actor: int | str,
    facts: Mapping[str, object],
    now: datetime,
    today: date | None = None,
) -> Moved:
    """Move `report` to the stage `to` with its `facts` (journey keys), by `actor` (an officer's id,
    or a name such as "flights"), at `now`. A stage before the current one is a correction, recorded
    the same way. StageProblem when the facts will not do (nothing changed then)."""
    if to in (Stage.ON_FLIGHT, Stage.DEPARTED) and not facts.get(FLIGHT):  # the flight it is on already
        facts = {**facts, FLIGHT: report.flight_id or (report.journey or {}).get(FLIGHT)}
    clean = check(to, facts, today or now.date())
    if FLIGHT in clean:
        named = await session.get(Flight, clean[FLIGHT])
        if named is None:
            raise StageProblem(N_("There is no flight {flight}."), flight=clean[FLIGHT])
        if to == Stage.ON_FLIGHT and named.status != "planned" and named.id != report.flight_id:
            raise StageProblem(N_("Flight {flight} has departed or is cancelled."), flight=named.id)
    await _not_a_passenger_elsewhere(session, report, to, clean.get(FLIGHT))
    journey = dict(report.journey or {})
    merged = {k: v for k, v in {**journey, **clean}.items() if v is not None}
    if to not in ON_OR_AFTER_FLIGHT:  # back before a flight (taken off one): it is on none
        merged.pop(FLIGHT, None)
    before = report.stage or Stage.REPORTED
    if to == before and merged == journey:
        return Moved(report.id, report.reference or "", False, before, report.status)
    report.stage, report.stage_at = to, now
    report.journey = merged  # a new dict: the encrypted column is written again
    if FLIGHT in clean:
        report.flight_id = clean[FLIGHT]
    elif to not in ON_OR_AFTER_FLIGHT:
        report.flight_id = None
    detail: dict[str, Any] = {
        "from": before,
        "to": to,
        "facts": {k: v for k, v in clean.items() if v is not None},
    }
    status = status_for(to, report.status)
    who = f"officer:{actor}" if isinstance(actor, int) else actor
    if status != report.status:
        detail["status"], detail["before"] = status, report.status
        report.status = status
        if report.acknowledged_at is None and isinstance(actor, int):
            report.acknowledged_by, report.acknowledged_at = actor, now
    session.add(ReportEvent(report_id=report.id, actor=who, kind="stage", detail=detail, at=now))
    return Moved(report.id, report.reference or "", True, to, report.status, detail["facts"])


async def _not_a_passenger_elsewhere(session: AsyncSession, report: Report, to: str, flight: object) -> None:
    """A passenger of a planned flight leaves it only through flights (removed, told, the seat freed,
    the check-in code spent): a move off it here would leave its seat, manifest line and code behind."""
    if report.flight_id is None or (to in ON_OR_AFTER_FLIGHT and flight == report.flight_id):
        return
    seat = await session.get(FlightPassenger, (report.flight_id, report.id))
    if seat is None or seat.removed_at is not None:
        return
    current = await session.get(Flight, report.flight_id)
    if current is not None and current.status == "planned":
        raise StageProblem(
            N_("{reference} is a passenger of flight {flight}: take it off on the flight's page first."),
            reference=report.reference or report.id, flight=current.id,
        )  # fmt: skip


PERSONAL_FACTS = (DOCUMENT_NUMBER, EXIT_PERMIT, REASON)  # erased with the citizen's data


def without_personal(facts: Mapping[str, Any] | None) -> dict[str, Any]:
    """The facts without the numbers and words that could name the person (an erasure keeps the
    stages: what happened, not who)."""
    return {k: v for k, v in (facts or {}).items() if k not in PERSONAL_FACTS}


async def back_to_cleared(session: AsyncSession, report: Report, actor: int | str, now: datetime) -> Moved:
    """Off a flight (taken off, the flight cancelled, a no-show, erased): cleared again, with the
    clearance it had (its fine and exit permit)."""
    journey = report.journey or {}
    facts = {FINE: journey.get(FINE) or "none", EXIT_PERMIT: journey.get(EXIT_PERMIT)}
    return await move(session, report, Stage.CLEARED, actor, facts, now)


async def stage_counts(session: AsyncSession) -> dict[str, int]:
    """How many cases stand at each stage, every stage named (0 when none): one GROUP BY on the
    indexed stage column. Cases only (a report has a reference once it is one)."""
    query = (
        select(Report.stage, func.count())
        .where(Report.reference.is_not(None), Report.merged_into_id.is_(None))  # a merged case: one person
        .group_by(Report.stage)
    )
    found = {str(stage): int(n) for stage, n in (await session.execute(query)).all()}
    return {stage: found.get(stage, 0) for stage in COLUMNS}


@dataclass(frozen=True, slots=True)
class StageMove:
    """A move of a case's stage as its history recorded it."""

    at: datetime
    actor: str
    before: str
    to: str
    facts: dict[str, Any]


async def moves(session: AsyncSession, report_id: int) -> list[StageMove]:
    """The case's moves on its way home, oldest first (its "stage" events)."""
    query = (
        select(ReportEvent)
        .where(ReportEvent.report_id == report_id, ReportEvent.kind == "stage")
        .order_by(ReportEvent.at, ReportEvent.id)
    )
    return [
        StageMove(e.at, e.actor, str(e.detail.get("from", "")), str(e.detail.get("to", "")),
                  dict(e.detail.get("facts") or {}))
        for e in await session.scalars(query)
    ]  # fmt: skip


# -- words -----------------------------------------------------------------------------------------


def summary(stage: str, journey: Mapping[str, Any] | None, t: Translator) -> str:
    """Where a case stands with the facts that matter, for officers: "SPLP issued B1234567 (3 Dec 2026)"."""
    facts = journey or {}
    if stage == Stage.IDENTITY_VERIFIED and facts.get(IDENTITY):
        return t(
            N_("identity verified ({how})"), how=t(IDENTITY_LABELS.get(facts[IDENTITY], facts[IDENTITY]))
        )
    if stage == Stage.DOCUMENT_READY and facts.get(DOCUMENT) == "splp":
        issued = facts.get(DOCUMENT_DATE)
        when = t.date(date.fromisoformat(issued)) if issued else ""
        return t(N_("SPLP issued {number} ({when})"), number=facts.get(DOCUMENT_NUMBER, ""), when=when)
    if stage == Stage.DOCUMENT_READY and facts.get(DOCUMENT) == "passport":
        return t(N_("passport recovered"))
    if stage == Stage.CLEARED and facts.get(FINE):
        said = t(FINE_LABELS.get(facts[FINE], facts[FINE]))
        if facts.get(EXIT_PERMIT):
            said += ", " + t(N_("exit permit {number}"), number=facts[EXIT_PERMIT])
        return f"{t(STAGES[stage])} ({said})"
    if stage in (Stage.ON_FLIGHT, Stage.DEPARTED) and facts.get(FLIGHT):
        return f"{t(STAGES[stage])} (#{facts[FLIGHT]})"
    if stage == Stage.ARRIVED and facts.get(ARRIVED_PLACE):
        return t(N_("arrived at {place}"), place=facts[ARRIVED_PLACE])
    if stage == Stage.REFERRED and facts.get(REFERRED_TO):
        return t(N_("referred to {partner}"), partner=facts[REFERRED_TO])
    if stage in (Stage.STAYING, Stage.CLOSED) and facts.get(REASON):
        return f"{t(STAGES[stage])} ({facts[REASON]})"
    return t(STAGES.get(stage, stage))


def event_summary(detail: Mapping[str, Any], t: Translator) -> str:
    """A "stage" event in a line: "→ SPLP issued B1234567 (3 December 2026)", from what it recorded."""
    to = str(detail.get("to", ""))
    return "→ " + summary(to, detail.get("facts") or {}, t)


# -- the officers' /stage REF stage [facts] ---------------------------------------------------------

ALIASES: dict[str, str] = {
    # English and Indonesian words officers type, to the stage they name
    "reported": Stage.REPORTED, "lapor": Stage.REPORTED,
    "verified": Stage.IDENTITY_VERIFIED, "identity": Stage.IDENTITY_VERIFIED,
    "identity_verified": Stage.IDENTITY_VERIFIED, "verifikasi": Stage.IDENTITY_VERIFIED,
    "identitas": Stage.IDENTITY_VERIFIED,
    "splp": Stage.DOCUMENT_READY, "passport": Stage.DOCUMENT_READY, "paspor": Stage.DOCUMENT_READY,
    "document_ready": Stage.DOCUMENT_READY,
    "cleared": Stage.CLEARED, "imigrasi": Stage.CLEARED, "immigration": Stage.CLEARED,
    "flight": Stage.ON_FLIGHT, "on_flight": Stage.ON_FLIGHT, "pesawat": Stage.ON_FLIGHT,
    "departed": Stage.DEPARTED, "berangkat": Stage.DEPARTED,
    "arrived": Stage.ARRIVED, "tiba": Stage.ARRIVED, "pulang": Stage.ARRIVED,
    "referred": Stage.REFERRED, "rujuk": Stage.REFERRED, "dirujuk": Stage.REFERRED,
    "staying": Stage.STAYING, "tinggal": Stage.STAYING, "menetap": Stage.STAYING,
    "closed": Stage.CLOSED, "tutup": Stage.CLOSED,
}  # fmt: skip
WAY_WORDS = {"paspor": "passport", "akta": "birth_certificate", "wawancara": "interview", "lain": "other",
             "lainnya": "other", "birth": "birth_certificate"}  # fmt: skip
FINE_WORDS = {"bebas": "waived", "dihapus": "waived", "bayar": "paid", "lunas": "paid", "tidak": "none",
              "tanpa": "none", "no": "none"}  # fmt: skip


def parse(text: str) -> tuple[str, dict[str, object]]:
    """What follows the reference in `/stage REF …`: the stage and its facts (checked by `move`).
    StageProblem when the stage is not one officers know."""
    words = text.split()
    if not words:
        raise StageProblem(N_("Say which stage."))
    word = words[0].lower()
    stage, rest = ALIASES.get(word), words[1:]
    if stage is None:
        raise StageProblem(N_("Unknown stage {stage}."), stage=words[0])
    if stage == Stage.IDENTITY_VERIFIED:
        how = " ".join(rest).lower()
        return stage, {IDENTITY: WAY_WORDS.get(rest[0].lower(), how) if rest else ""}
    if stage == Stage.DOCUMENT_READY:
        if word in ("passport", "paspor"):
            return stage, {DOCUMENT: "passport"}
        if rest and rest[0].lower() in ("passport", "paspor"):
            return stage, {DOCUMENT: "passport"}
        if rest and rest[0].lower() == "splp":
            rest = rest[1:]
        return stage, {DOCUMENT: "splp", DOCUMENT_NUMBER: rest[0] if rest else "",
                       DOCUMENT_DATE: rest[1] if len(rest) > 1 else ""}  # fmt: skip
    if stage == Stage.CLEARED:
        fine = rest[0].lower() if rest else ""
        return stage, {FINE: FINE_WORDS.get(fine, fine), EXIT_PERMIT: " ".join(rest[1:])}
    if stage in (Stage.ON_FLIGHT, Stage.DEPARTED):
        return stage, {FLIGHT: rest[0].lstrip("#") if rest else ""}
    key = {Stage.ARRIVED: ARRIVED_PLACE, Stage.REFERRED: REFERRED_TO}.get(Stage(stage), REASON)
    return stage, {key: " ".join(rest)} if stage != Stage.REPORTED else {}
