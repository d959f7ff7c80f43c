"""Flights and convoys home, as one API (the console calls it; the bot's handlers too).

Staff plan a flight (times typed in the mission's time zone, kept in UTC) and put cases on it: only
cases that can travel (their stage in CAN_TRAVEL: a document and immigration's clearance) and that
are on no other planned flight; every other is refused with its reason. A passenger is told through
the outbox, in their language, held for those who asked to be written to only after they write;
a change of time or place is told again (and asks again), a removal and a cancellation are told.
On the day, /status shows a QR code of a signed, single-use token that opens the console's check-in.

Stages: added -> on_flight; removed or the flight cancelled -> cleared again; departed -> the
boarded passengers are departed; those who did not board (the no-shows, listed on the flight's
page) go back to cleared, off the flight, to be put on another.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.actions import SendMessage
from bot.core.callbacks import Callback, Scope
from bot.core.contact import may_write_first
from bot.core.stage import CAN_TRAVEL, Stage
from bot.i18n import N_, Catalogs, Translator
from bot.services import stages
from bot.services.case_table import CaseFilters, matching_ids
from bot.services.cases import reference_of
from bot.services.casework import record_exported
from bot.services.flight_manifest import to_csv, to_pdf, to_xlsx
from bot.services.flight_notices import (
    ANSWERS,
    check_in_caption,
    flight_name,
    notice_buttons,
    notice_text,
    qr_png,
    removed_text,
)
from bot.services.outbox import enqueue, queued
from storage.models import Citizen, Flight, FlightPassenger, Report, ReportEvent
from storage.repositories import citizen_by_user

log = logging.getLogger(__name__)
PLANNED, DEPARTED, CANCELLED = "planned", "departed", "cancelled"
KINDS = ("flight", "convoy")
MOST_SEATS = 1000
MANIFESTS = {
    "csv": ("text/csv", to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
    "pdf": ("application/pdf", to_pdf),
}
CODE_FROM = time(18)  # the check-in code shows from 18:00 the evening before (mission time)
CODE_AFTER = timedelta(hours=12)  # and until twelve hours after the departure time
NOTICE_PRIORITY = 3


def checkin_key(bot_token: str) -> bytes:
    """The key check-in codes are signed with, derived from the bot's token as the Mini App's key
    is (services.webapp_auth): only this hotline can make a code that opens the check-in."""
    return hmac.new(b"FlightCheckIn", bot_token.encode(), hashlib.sha256).digest()


@dataclass(frozen=True, slots=True)
class FlightForm:
    """A flight as typed in the console (strings, kept as typed when there is a problem)."""

    kind: str = "flight"
    departs: str = ""  # 2026-12-05T07:30, the mission's time
    carrier: str = ""
    number: str = ""
    origin: str = ""
    destination: str = ""
    seats: str = ""
    meet_at: str = ""
    meet_place: str = ""
    bring: str = ""

    @classmethod
    def of(cls, flight: Flight, zone: ZoneInfo) -> FlightForm:
        def typed(value: datetime | None) -> str:
            return value.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if value else ""

        return cls(flight.kind, typed(flight.departs_at), flight.carrier, flight.number, flight.origin,
                   flight.destination, str(flight.seats), typed(flight.meet_at), flight.meet_place or "",
                   flight.bring or "")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Refusal:
    """A case that could not be put on the flight, and why (a msgid and its values)."""

    reference: str
    why: str
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Added:
    added: list[str]
    refused: list[Refusal]


@dataclass(frozen=True, slots=True)
class Passenger:
    report_id: int
    reference: str
    stage: str
    added_at: datetime
    removed_at: datetime | None
    told_at: datetime | None
    answer: str | None
    answered_at: datetime | None
    boarded_at: datetime | None


@dataclass(frozen=True, slots=True)
class Counts:
    seats: int
    passengers: int = 0
    coming: int = 0
    cannot: int = 0
    no_answer: int = 0
    boarded: int = 0
    no_shows: int = 0

    @property
    def free(self) -> int:
        return max(0, self.seats - self.passengers)


@dataclass(frozen=True, slots=True)
class FlightView:
    flight: Flight
    name: str
    counts: Counts
    passengers: list[Passenger]  # on the flight now, by reference
    removed: list[Passenger]
    no_shows: list[Passenger]  # after departure: on it, not boarded


@dataclass(frozen=True, slots=True)
class Answered:
    language: str
    answer: str
    changed: bool
    text: str  # the notice as it reads now, with the answer under it


@dataclass(frozen=True, slots=True)
class CheckIn:
    """What a check-in code opens: `state` ok (may board), boarded (used), invalid."""

    state: str
    flight: Flight | None = None
    name: str = ""
    report: Report | None = None
    answer: str | None = None
    boarded_at: datetime | None = None
    boarded_name: str = ""


async def _move_stage(session: AsyncSession, report: Report, to: Stage, actor: str, now: datetime) -> None:
    """The case's stage moved through the one mover (services.stages): on this flight, departed
    with it, or off it (cleared again, with the clearance it had)."""
    if to == Stage.CLEARED:
        await stages.back_to_cleared(session, report, actor, now)
    else:
        await stages.move(session, report, to, actor, {stages.FLIGHT: report.flight_id}, now)


def _stamp(value: datetime | None) -> str:
    return str(int(value.timestamp())) if value is not None else ""


def _log(session: AsyncSession, report_id: int, actor: str, kind: str, now: datetime, **detail: Any) -> None:
    session.add(ReportEvent(report_id=report_id, actor=actor, kind=kind, detail=detail, at=now))


def _sign(key: bytes, flight_id: int, report_id: int, nonce: str) -> str:
    message = f"{flight_id}.{report_id}.{nonce}"
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()[:18]
    return f"{message}.{base64.urlsafe_b64encode(digest).decode()}"


def _read_token(key: bytes, token: str) -> tuple[int, int, str] | None:
    parts = token.split(".")
    if len(token) > 120 or len(parts) != 4 or not (parts[0].isdigit() and parts[1].isdigit()):
        return None
    if len(parts[0]) > 9 or len(parts[1]) > 9:
        return None
    flight_id, report_id, nonce = int(parts[0]), int(parts[1]), parts[2]
    if not hmac.compare_digest(_sign(key, flight_id, report_id, nonce), token):
        return None
    return flight_id, report_id, nonce


class Flights:
    """`zone`: the mission's; `console_url`: where check-in codes point; `key`: checkin_key (None:
    no bot token, no codes)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        prefix: str,
        clock: Callable[[], datetime],
        catalogs: Catalogs,
        mission: str,
        zone: ZoneInfo,
        wake: Callable[[], None] = lambda: None,
        console_url: str | None = None,
        key: bytes | None = None,
    ) -> None:
        self.sessions = sessions
        self.prefix = prefix
        self.clock = clock
        self.catalogs = catalogs
        self.mission = mission
        self.zone = zone
        self.wake = wake
        self.console_url = console_url
        self.key = key

    # -- planning ---------------------------------------------------------------------------------

    def read(self, form: FlightForm) -> tuple[dict[str, Any], list[str]]:
        """The flight's values from a form, and what is wrong with it (plain sentences, msgids)."""
        problems: list[str] = []
        departs = self._when(form.departs)
        if departs is None:
            problems.append(
                N_("Give the day and time of departure (the mission's time), such as 2026-12-05 07:30.")
            )
        meet_at = self._when(form.meet_at) if form.meet_at.strip() else None
        if form.meet_at.strip() and meet_at is None:
            problems.append(N_("The meeting time is not a day and time, such as 2026-12-05 04:30."))
        if departs and meet_at and meet_at > departs:
            problems.append(N_("The meeting time must be before the departure."))
        seats = form.seats.strip()
        if not seats.isdigit() or not 0 < int(seats) <= MOST_SEATS:
            problems.append(N_("Seats must be a whole number above 0 (at most 1000)."))
        if not form.origin.strip() or not form.destination.strip():
            problems.append(N_("Say where it leaves from and where it goes."))
        if form.kind == "flight" and not form.number.strip():
            problems.append(N_("Give the flight's number, such as QZ 123."))
        if form.kind not in KINDS:
            problems.append(N_("Choose a flight or a convoy."))
        values = {
            "kind": form.kind if form.kind in KINDS else "flight", "departs_at": departs,
            "carrier": form.carrier.strip()[:64], "number": form.number.strip().upper()[:16],
            "origin": form.origin.strip()[:64], "destination": form.destination.strip()[:64],
            "seats": int(seats) if seats.isdigit() and len(seats) < 6 else 0, "meet_at": meet_at,
            "meet_place": form.meet_place.strip()[:500] or None, "bring": form.bring.strip()[:1000] or None,
        }  # fmt: skip
        return values, problems

    def _when(self, typed: str) -> datetime | None:
        text = typed.strip().replace(" ", "T", 1)
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.zone)
        return value.astimezone(UTC)

    async def create(self, form: FlightForm, by: int) -> tuple[int | None, list[str]]:
        values, problems = self.read(form)
        if problems:
            return None, problems
        now = self.clock()
        async with self.sessions() as session, session.begin():
            flight = Flight(**values, status=PLANNED, created_by=by, created_at=now, updated_at=now)
            session.add(flight)
            await session.flush()
        log.info("flights: user %s planned flight %s", by, flight.id)
        return flight.id, []

    async def edit(self, flight_id: int, form: FlightForm, by: int) -> tuple[bool, list[str], int]:
        """(found, problems, how many passengers are told of the change)."""
        values, problems = self.read(form)
        now = self.clock()
        async with self.sessions() as session, session.begin():
            flight = await session.get(Flight, flight_id)
            if flight is None:
                return False, [], 0
            if flight.status != PLANNED:
                return True, [N_("This flight has departed or is cancelled: it cannot be changed.")], 0
            on_board = await self._on_board(session, flight_id)
            if values["seats"] and values["seats"] < len(on_board):
                problems.append(N_("There are more passengers than seats: remove some first."))
            if problems:
                return True, problems, 0
            moved = any(
                getattr(flight, name) != values[name]
                for name in ("departs_at", "meet_at", "meet_place", "bring")
            )
            for name, value in values.items():
                setattr(flight, name, value)
            flight.updated_at = now
            told = 0
            if moved:
                for passenger, report in on_board:
                    passenger.answer, passenger.answered_at = None, None  # they answer for the new time
                    told += await self._tell(session, flight, report, passenger, now, changed=True)
                    _log(
                        session, report.id, f"officer:{by}", "flight_changed", now, flight=flight_name(flight)
                    )
            wake = queued(session)
        if wake:
            self.wake()
        return True, [], told

    async def listed(self) -> list[tuple[Flight, Counts]]:
        """Planned flights soonest first, then those departed or cancelled, latest first."""
        async with self.sessions() as session:
            flights = list(await session.scalars(select(Flight)))
            counts = {f.id: await self._counts(session, f) for f in flights}
        planned = sorted((f for f in flights if f.status == PLANNED), key=lambda f: f.departs_at)
        done = sorted((f for f in flights if f.status != PLANNED), key=lambda f: f.departs_at, reverse=True)
        return [(f, counts[f.id]) for f in (*planned, *done)]

    async def planned(self) -> list[tuple[int, str]]:
        """(id, name with its time) of the planned flights, soonest first: for a choice."""
        t = self.catalogs["en"]
        async with self.sessions() as session:
            found = await session.scalars(
                select(Flight).where(Flight.status == PLANNED).order_by(Flight.departs_at)
            )
            return [(f.id, f"{flight_name(f)} · {t.datetime(f.departs_at)}") for f in found]

    async def one(self, flight_id: int) -> FlightView | None:
        async with self.sessions() as session:
            flight = await session.get(Flight, flight_id)
            if flight is None:
                return None
            rows = await session.execute(
                select(FlightPassenger, Report.reference, Report.stage)
                .join(Report, Report.id == FlightPassenger.report_id)
                .where(FlightPassenger.flight_id == flight_id)
                .order_by(Report.reference)
            )
            everyone = [
                Passenger(p.report_id, ref or "", stage, p.added_at, p.removed_at, p.told_at, p.answer,
                          p.answered_at, p.boarded_at)
                for p, ref, stage in rows
            ]  # fmt: skip
            counts = await self._counts(session, flight)
        on = [p for p in everyone if p.removed_at is None]
        no_shows = [p for p in on if p.boarded_at is None] if flight.status == DEPARTED else []
        removed = [p for p in everyone if p.removed_at is not None]
        return FlightView(flight, flight_name(flight), counts, on, removed, no_shows)

    async def _counts(self, session: AsyncSession, flight: Flight) -> Counts:
        rows = list(
            await session.scalars(
                select(FlightPassenger).where(
                    FlightPassenger.flight_id == flight.id, FlightPassenger.removed_at.is_(None)
                )
            )
        )
        boarded = sum(p.boarded_at is not None for p in rows)
        return Counts(
            flight.seats, len(rows), sum(p.answer == "coming" for p in rows),
            sum(p.answer == "cannot" for p in rows), sum(p.answer is None for p in rows), boarded,
            len(rows) - boarded if flight.status == DEPARTED else 0,
        )  # fmt: skip

    async def _on_board(self, session: AsyncSession, flight_id: int) -> list[tuple[FlightPassenger, Report]]:
        rows = await session.execute(
            select(FlightPassenger, Report)
            .join(Report, Report.id == FlightPassenger.report_id)
            .where(FlightPassenger.flight_id == flight_id, FlightPassenger.removed_at.is_(None))
        )
        return [(p, r) for p, r in rows]

    # -- passengers -------------------------------------------------------------------------------

    async def add(self, flight_id: int, references: Sequence[str], by: int) -> Added | None:
        """The cases the references name (`PNH-000123`, `123`), each added or refused with a reason."""
        wanted: list[str] = []
        refused: list[Refusal] = []
        for typed in references:
            reference = reference_of(typed, self.prefix)
            if reference is None:
                refused.append(Refusal(typed[:32], N_("not a case reference")))
            elif reference not in wanted:
                wanted.append(reference)
        async with self.sessions() as session:
            rows = await session.execute(
                select(Report.reference, Report.id).where(Report.reference.in_(wanted))
            )
            found: dict[str, int] = {str(reference): int(report_id) for reference, report_id in rows}
        refused += [Refusal(r, N_("there is no such case")) for r in wanted if r not in found]
        done = await self._add(flight_id, [found[r] for r in wanted if r in found], by)
        return None if done is None else Added(done.added, refused + done.refused)

    async def add_matching(self, flight_id: int, filters: CaseFilters, by: int) -> Added | None:
        """Every case the cases table's filters keep (the first MOST_AT_ONCE)."""
        async with self.sessions() as session:
            _, ids = await matching_ids(session, filters, self.prefix)
        return await self._add(flight_id, ids, by)

    async def _add(self, flight_id: int, report_ids: list[int], by: int) -> Added | None:
        now, actor = self.clock(), f"officer:{by}"
        added: list[str] = []
        refused: list[Refusal] = []
        async with self.sessions() as session, session.begin():
            flight = await session.get(Flight, flight_id)
            if flight is None:
                return None
            taken = len(await self._on_board(session, flight_id))
            for report_id in report_ids:
                report = await session.get(Report, report_id)
                if report is None:
                    continue
                reference = report.reference or str(report.id)
                why = await self._why_not(session, flight, report)
                if why is None and taken >= flight.seats:
                    why = Refusal(reference, N_("the flight is full"))
                if why is not None:
                    refused.append(Refusal(reference, why.why, why.values))
                    continue
                passenger = await session.get(FlightPassenger, (flight_id, report.id))
                if passenger is None:
                    passenger = FlightPassenger(flight_id=flight_id, report_id=report.id, added_by=by)
                    session.add(passenger)
                passenger.added_by, passenger.added_at, passenger.removed_at = by, now, None
                passenger.answer = passenger.answered_at = passenger.boarded_at = passenger.boarded_by = None
                passenger.token_nonce = secrets.token_urlsafe(12)
                report.flight_id = flight_id
                await _move_stage(session, report, Stage.ON_FLIGHT, actor, now)
                _log(session, report.id, actor, "flight_added", now, flight=flight_name(flight))
                await self._tell(session, flight, report, passenger, now)
                added.append(reference)
                taken += 1
            wake = queued(session)
        if wake:
            self.wake()
        return Added(added, refused)

    async def _why_not(self, session: AsyncSession, flight: Flight, report: Report) -> Refusal | None:
        reference = report.reference or str(report.id)
        if flight.status != PLANNED:
            return Refusal(reference, N_("the flight has departed or is cancelled"))
        if report.erased_at is not None:
            return Refusal(reference, N_("erased"))
        if report.merged_into_id is not None:  # the same person's other case travels
            return Refusal(reference, N_("merged into another case"))
        if report.flight_id is not None:
            other = await session.get(Flight, report.flight_id)
            if other is not None and other.status == PLANNED:
                if other.id == flight.id:
                    return Refusal(reference, N_("already on this flight"))
                local = other.departs_at.astimezone(self.zone)
                day = f"{local.day} {local:%b}"  # "5 Dec", as the issue says it
                return Refusal(reference, N_("already on flight {flight} on {day}"),
                               {"flight": flight_name(other), "day": day})  # fmt: skip
        if report.stage in CAN_TRAVEL:
            return None
        if report.stage in (Stage.REPORTED, Stage.IDENTITY_VERIFIED):
            return Refusal(reference, N_("no travel document yet"))
        if report.stage == Stage.DOCUMENT_READY:
            return Refusal(reference, N_("not cleared by immigration yet"))
        return Refusal(reference, N_("its stage is {stage}"), {"stage": report.stage})

    async def remove(self, flight_id: int, report_id: int, by: int) -> bool:
        """Off the flight, told, back to cleared. False: not a passenger (or removed already)."""
        now, actor = self.clock(), f"officer:{by}"
        async with self.sessions() as session, session.begin():
            flight = await session.get(Flight, flight_id)
            passenger = await session.get(FlightPassenger, (flight_id, report_id))
            report = await session.get(Report, report_id)
            if flight is None or passenger is None or report is None or passenger.removed_at is not None:
                return False
            if flight.status != PLANNED:
                return False
            await self._take_off(session, flight, report, passenger, actor, now, "flight_removed")
            wake = queued(session)
        if wake:
            self.wake()
        return True

    async def _take_off(
        self, session: AsyncSession, flight: Flight, report: Report, passenger: FlightPassenger,
        actor: str, now: datetime, kind: str,
    ) -> None:  # fmt: skip
        passenger.removed_at, passenger.token_nonce = now, None
        if report.flight_id == flight.id:
            report.flight_id = None
            if report.stage == Stage.ON_FLIGHT:
                await _move_stage(session, report, Stage.CLEARED, actor, now)
        _log(session, report.id, actor, kind, now, flight=flight_name(flight))
        key = f"flight-off:{flight.id}:{report.id}:{_stamp(passenger.added_at)}"
        await self._say(session, report, now, key, lambda t: removed_text(flight, t, self.mission))

    async def cancel(self, flight_id: int, by: int) -> bool:
        now, actor = self.clock(), f"officer:{by}"
        async with self.sessions() as session, session.begin():
            flight = await session.get(Flight, flight_id)
            if flight is None or flight.status != PLANNED:
                return False
            for passenger, report in await self._on_board(session, flight_id):
                await self._take_off(session, flight, report, passenger, actor, now, "flight_cancelled")
            flight.status, flight.updated_at = CANCELLED, now
            wake = queued(session)
        if wake:
            self.wake()
        return True

    async def depart(self, flight_id: int, by: int) -> bool:
        """The flight left: the boarded passengers are departed; the no-shows are listed and go back
        to cleared, off the flight (to be put on another)."""
        now, actor = self.clock(), f"officer:{by}"
        async with self.sessions() as session, session.begin():
            flight = await session.get(Flight, flight_id)
            if flight is None or flight.status != PLANNED:
                return False
            for passenger, report in await self._on_board(session, flight_id):
                passenger.token_nonce = None
                if passenger.boarded_at is not None:
                    await _move_stage(session, report, Stage.DEPARTED, actor, now)
                elif report.flight_id == flight.id:  # not on another flight since
                    report.flight_id = None
                    if report.stage == Stage.ON_FLIGHT:
                        await _move_stage(session, report, Stage.CLEARED, actor, now)
                if passenger.boarded_at is None:
                    _log(session, report.id, actor, "no_show", now, flight=flight_name(flight))
            flight.status, flight.departed_at, flight.updated_at = DEPARTED, now, now
        return True

    # -- telling the passenger --------------------------------------------------------------------

    async def _tell(
        self, session: AsyncSession, flight: Flight, report: Report, passenger: FlightPassenger,
        now: datetime, changed: bool = False,
    ) -> int:  # fmt: skip
        facts = f"{_stamp(flight.departs_at)}|{_stamp(flight.meet_at)}|{flight.meet_place}|{flight.bring}"
        version = hashlib.sha256(facts.encode()).hexdigest()[:12]
        key = f"flight:{flight.id}:{report.id}:{_stamp(passenger.added_at)}:{version}"
        if changed:  # a change back to facts told before is told again (the key must differ)
            key += f":{_stamp(flight.updated_at)}"
        told = await self._say(
            session,
            report,
            now,
            key,
            lambda t: notice_text(flight, t, self.mission, changed),
            lambda t: notice_buttons(flight.id, t),
        )
        if told:
            passenger.told_at = now
            _log(
                session, report.id, "system", "flight_told", now, flight=flight_name(flight), changed=changed
            )
        return int(told)

    async def _say(
        self, session: AsyncSession, report: Report, now: datetime, key: str,
        text: Callable[[Translator], str], buttons: Callable[[Translator], Any] | None = None,
    ) -> bool:  # fmt: skip
        """A message to the case's citizen in their language, through the outbox; held for those who
        asked to be written to only after they write (released by their next message)."""
        citizen = await session.get(Citizen, report.citizen_id)
        if citizen is None or citizen.unreachable_at is not None or report.erased_at is not None:
            return False
        t = self.catalogs[citizen.language or report.language]
        message = SendMessage(citizen.chat_id, text(t), buttons(t) if buttons else None)
        row = await enqueue(
            session, action=message, chat_id=citizen.chat_id, kind="flight", priority=NOTICE_PRIORITY,
            report_id=report.id, dedupe_key=key[:96], held=not may_write_first(citizen.contact_pref), now=now,
        )  # fmt: skip
        return row is not None

    async def answer(self, user_id: int, data: str) -> Answered | None:
        """A passenger's press of "I will be there" / "I can't"; None when the button is not theirs
        (another's, a removed passenger's, a flight no longer planned, forged data)."""
        pressed = Callback.parse(data)
        if pressed is None or pressed.scope is not Scope.FLIGHT or pressed.field(1) not in ANSWERS:
            return None
        flight_id = pressed.number(0)
        if flight_id is None:
            return None
        answer, now = ANSWERS[pressed.field(1)], self.clock()
        async with self.sessions() as session, session.begin():
            citizen = await citizen_by_user(session, user_id)
            flight = await session.get(Flight, flight_id)
            if citizen is None or flight is None or flight.status != PLANNED:
                return None
            found = (await session.execute(
                select(FlightPassenger, Report).join(Report, Report.id == FlightPassenger.report_id).where(
                    FlightPassenger.flight_id == flight_id, FlightPassenger.removed_at.is_(None),
                    Report.citizen_id == citizen.id,
                )
            )).first()  # fmt: skip
            if found is None:
                return None
            passenger, report = found
            changed = passenger.answer is not None and passenger.answer != answer
            if passenger.answer != answer:
                passenger.answer, passenger.answered_at = answer, now
                _log(
                    session,
                    report.id,
                    "citizen",
                    "flight_answer",
                    now,
                    answer=answer,
                    flight=flight_name(flight),
                )
            lang = citizen.language or report.language
            text = notice_text(flight, self.catalogs[lang], self.mission, answer=answer)
        return Answered(lang, answer, changed, text)

    # -- the check-in code ------------------------------------------------------------------------

    async def check_in_code(self, user_id: int) -> tuple[bytes, str] | None:
        """The QR picture and its caption for the citizen's /status on the day of their flight."""
        if self.key is None or not self.console_url:
            return None
        async with self.sessions() as session, session.begin():
            citizen = await citizen_by_user(session, user_id)
            if citizen is None:
                return None
            mine = await session.execute(
                select(Report.id, Report.language)
                .where(Report.citizen_id == citizen.id, Report.flight_id.is_not(None))
                .order_by(Report.id.desc()).limit(1)
            )  # fmt: skip
            row = mine.first()
            if row is None:
                return None
            report_id, report_language = row
            found = await check_in_code(
                session, report_id, self.clock(), self.key, self.console_url, self.zone
            )
            if found is None:
                return None
            url, flight = found
            caption = check_in_caption(flight, self.catalogs[citizen.language or report_language])
        return await asyncio.to_thread(qr_png, url), caption

    def _token(self, token: str) -> tuple[int, int, str] | None:
        return _read_token(self.key, token) if self.key is not None else None

    async def _scanned(
        self, session: AsyncSession, token: str
    ) -> tuple[CheckIn, tuple[Flight, FlightPassenger, Report] | None]:
        """What a scanned code names: refused ("invalid"), already boarded (who, when), or the
        passenger who may board now (with their rows, to change)."""
        read = self._token(token)
        if read is None:
            return CheckIn("invalid"), None
        flight_id, report_id, nonce = read
        flight = await session.get(Flight, flight_id)
        passenger = await session.get(FlightPassenger, (flight_id, report_id))
        report = await session.get(Report, report_id)
        if flight is None or passenger is None or report is None or passenger.removed_at is not None:
            return CheckIn("invalid"), None
        name = (report.full_name or report.profile_name or "").strip()
        if passenger.boarded_at is not None:
            by = await self._boarded_name(session, report_id, passenger.boarded_by)
            return CheckIn("boarded", flight, name, report, passenger.answer, passenger.boarded_at, by), None
        if passenger.token_nonce != nonce or flight.status != PLANNED:
            return CheckIn("invalid"), None
        return CheckIn("ok", flight, name, report, passenger.answer), (flight, passenger, report)

    async def check_in(self, token: str, viewer: int) -> CheckIn:
        """What the code opens (the view of the passenger's name is recorded)."""
        async with self.sessions() as session, session.begin():
            shown, rows = await self._scanned(session, token)
            if rows is not None:
                actor = f"officer:{viewer}"
                _log(session, rows[2].id, actor, "personal_viewed", self.clock(), via="check-in")
            return shown

    async def board(self, token: str, by: int, name: str) -> CheckIn:
        """One tap: boarded (who, when), the code spent. A second use says who boarded them and when."""
        now = self.clock()
        async with self.sessions() as session, session.begin():
            shown, rows = await self._scanned(session, token)
            if rows is None:
                return shown
            flight, passenger, report = rows
            passenger.boarded_at, passenger.boarded_by, passenger.token_nonce = now, by, None
            _log(session, report.id, f"officer:{by}", "boarded", now, flight=flight_name(flight), name=name)
            return replace(shown, boarded_at=now, boarded_name=name)

    @staticmethod
    async def _boarded_name(session: AsyncSession, report_id: int, by: int | None) -> str:
        events = await session.scalars(
            select(ReportEvent).where(ReportEvent.report_id == report_id, ReportEvent.kind == "boarded")
            .order_by(ReportEvent.id.desc()).limit(1)
        )  # fmt: skip
        event = events.first()
        return str(event.detail.get("name") or by or "") if event else str(by or "")

    # -- the manifest -----------------------------------------------------------------------------

    async def manifest(
        self, flight_id: int, fmt: str, viewer: int, t: Translator
    ) -> tuple[bytes, str, str] | None:
        """(content, file name, MIME type) of the passengers on the flight; each case's history
        records the export (it shows personal values)."""
        if fmt not in MANIFESTS:
            return None
        async with self.sessions() as session, session.begin():
            flight = await session.get(Flight, flight_id)
            if flight is None:
                return None
            reports = [r for _, r in await self._on_board(session, flight_id)]
            await record_exported(session, [r.id for r in reports], viewer, f"manifest-{fmt}", self.clock())
        mime, write = MANIFESTS[fmt]
        content = await asyncio.to_thread(write, flight, reports, t)
        day = flight.departs_at.astimezone(self.zone)
        label = re.sub(r"[^A-Za-z0-9-]", "", flight.number or flight.kind) or flight.kind  # a safe file name
        name = f"manifest-{label}-{day:%Y%m%d}.{fmt}"
        return content, name, mime


async def check_in_code(
    session: AsyncSession, report_id: int, now: datetime, key: bytes, console_url: str, zone: ZoneInfo
) -> tuple[str, Flight] | None:
    """The check-in URL for the case's passenger on the day of their flight (from 18:00 the
    evening before, mission time, until twelve hours after departure), or None. A passenger with no
    nonce (never given one) gets one now."""
    report = await session.get(Report, report_id)
    if report is None or report.flight_id is None:
        return None
    flight = await session.get(Flight, report.flight_id)
    passenger = await session.get(FlightPassenger, (report.flight_id, report_id))
    if flight is None or passenger is None or flight.status != PLANNED:
        return None
    if passenger.removed_at is not None or passenger.boarded_at is not None:
        return None
    day = flight.departs_at.astimezone(zone).date()
    opens = datetime.combine(day - timedelta(days=1), CODE_FROM, zone)
    if not opens <= now <= flight.departs_at + CODE_AFTER:
        return None
    if passenger.token_nonce is None:
        passenger.token_nonce = secrets.token_urlsafe(12)
    token = _sign(key, flight.id, report_id, passenger.token_nonce)
    return f"{console_url.rstrip('/')}/checkin/{token}", flight
