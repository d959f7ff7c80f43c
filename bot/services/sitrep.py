"""The daily situation report: the figures of one day (the mission's time zone) and of the whole
picture now, counted in the database (GROUP BY and counts; no personal value is read or decrypted),
and their words for a chat message. The chart and the PDF: services.sitrep_draw; the service the
console and the command line call, and the morning's post: services.sitreps.

A report for day D counts the new reports and SOS raised during D (00:00 to 24:00 in the mission's
time zone), the flights that departed during D and those planned in the WEEK after it; the stage
totals, open cases and what waits on whom are as they stand when the report is made. Posted at
HOTLINE_SITREP_TIME, it is about yesterday (the full day) with the totals of the morning."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.case import OPEN_STATUSES, Priority, Status
from bot.core.scam import CHANNELS
from bot.core.stage import ENDINGS, WAY_HOME, Stage
from bot.i18n import N_, Translator
from bot.services.scams import per_channel
from storage.models import Flight, FlightPassenger, Referral, Report, SosAlert

DAYS = 14  # the chart's days of new reports, ending with the report's day
WEEK = 7  # flights planned this many days after the report's day
CAPTION_LIMIT = 1024  # Telegram's, for a photo's caption
MESSAGE_LIMIT = 4096

STAGE_LABELS: dict[str, str] = {
    Stage.REPORTED: N_("Reported"),
    Stage.IDENTITY_VERIFIED: N_("Identity verified"),
    Stage.DOCUMENT_READY: N_("Document ready"),
    Stage.CLEARED: N_("Cleared by immigration"),
    Stage.ON_FLIGHT: N_("On a flight"),
    Stage.DEPARTED: N_("Departed"),
    Stage.ARRIVED: N_("Arrived home"),
    Stage.REFERRED: N_("Referred"),
    Stage.STAYING: N_("Staying"),
    Stage.CLOSED: N_("Closed"),
}


@dataclass(frozen=True, slots=True)
class FlightFigures:
    """A flight or convoy of the report: what it is, and how many, never who."""

    kind: str  # flight, convoy
    departs_at: datetime  # UTC
    number: str
    destination: str
    passengers: int  # on it now (not removed)
    coming: int  # said they are coming
    boarded: int


@dataclass(frozen=True, slots=True)
class Waiting:
    """What waits on whom (open cases, as they stand now)."""

    new_reports: int = 0  # on the duty officers: new reports nobody acknowledged
    sos: int = 0  # on the duty officers: SOS not acknowledged
    embassy: int = 0  # reported or identity verified: no travel document yet
    immigration: int = 0  # a document, not cleared yet
    no_flight: int = 0  # cleared, on no flight
    no_answer: int = 0  # passengers told of their flight who did not answer


@dataclass(frozen=True, slots=True)
class Figures:
    day: date  # the day reported on, in the mission's time zone
    made_at: datetime  # UTC: the totals are as they stood then
    zone: str
    new_reports: int = 0
    new_sos: int = 0
    open_by_priority: dict[str, int] = field(default_factory=dict)
    stages: dict[str, int] = field(default_factory=dict)  # every Stage value, 0 when none
    departed: tuple[FlightFigures, ...] = ()
    planned: tuple[FlightFigures, ...] = ()
    waiting: Waiting = field(default_factory=Waiting)
    per_day: tuple[tuple[date, int], ...] = ()  # new reports, DAYS days ending with `day`
    scams: dict[str, int] = field(default_factory=dict)  # scam reports of the day by channel ("": not said)
    referrals: tuple[int, int] = (0, 0)  # referrals to partners asked for that day, and agreed to

    @property
    def scam_reports(self) -> int:
        return sum(self.scams.values())

    @property
    def open_cases(self) -> int:
        return sum(self.open_by_priority.values())

    @property
    def complete(self) -> bool:
        """The day is over: its figures are the whole day's, not the day so far."""
        return self.made_at >= day_bounds(self.day, ZoneInfo(self.zone))[1]


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The day's 00:00 and the next day's 00:00 in the mission's time zone, in UTC."""
    start = datetime.combine(day, time(0), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
    return start, end


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


async def _per_day(session: AsyncSession, day: date, zone: ZoneInfo) -> tuple[tuple[date, int], ...]:
    days = [day - timedelta(days=n) for n in range(DAYS - 1, -1, -1)]
    starts = [day_bounds(d, zone)[0] for d in days]
    end = day_bounds(day, zone)[1]
    # one query: each report falls in the last day whose midnight it is past
    bucket = case(*((Report.created_at >= start, n) for n, start in reversed(list(enumerate(starts)))))
    query = (
        select(bucket, func.count())
        .where(Report.created_at >= starts[0], Report.created_at < end, Report.reference.is_not(None))
        .group_by(bucket)
    )
    counted = {int(n): int(c) for n, c in await session.execute(query) if n is not None}
    return tuple((d, counted.get(n, 0)) for n, d in enumerate(days))


async def figures(session: AsyncSession, day: date, now: datetime, zone: ZoneInfo) -> Figures:
    """The report's figures for `day` (mission time), the totals as they stand at `now`."""
    start, end = day_bounds(day, zone)
    per_day = await _per_day(session, day, zone)
    new_sos = await session.scalar(
        select(func.count()).where(SosAlert.raised_at >= start, SosAlert.raised_at < end)
    )
    waiting_sos = await session.scalar(select(func.count()).where(SosAlert.acknowledged_at.is_(None)))
    is_open = Report.status.in_(OPEN_STATUSES)
    priorities = {
        str(p): int(n)
        for p, n in await session.execute(
            select(Report.priority, func.count())
            .where(is_open, Report.reference.is_not(None), Report.merged_into_id.is_(None))
            .group_by(Report.priority)
        )
    }
    stages = {
        str(s): int(n)
        for s, n in await session.execute(
            select(Report.stage, func.count())
            .where(Report.reference.is_not(None), Report.merged_into_id.is_(None))  # one person, once
            .group_by(Report.stage)
        )
    }
    waits = (
        await session.execute(
            select(
                _count(Report.status == Status.NEW),
                _count(and_(is_open, Report.stage.in_((Stage.REPORTED, Stage.IDENTITY_VERIFIED)))),
                _count(and_(is_open, Report.stage == Stage.DOCUMENT_READY)),
                _count(and_(is_open, Report.stage == Stage.CLEARED, Report.flight_id.is_(None))),
            ).where(Report.reference.is_not(None), Report.merged_into_id.is_(None))
        )
    ).one()
    no_answer = await session.scalar(
        select(func.count())
        .select_from(FlightPassenger)
        .join(Flight, Flight.id == FlightPassenger.flight_id)
        .where(
            Flight.status == "planned",
            FlightPassenger.removed_at.is_(None),
            FlightPassenger.told_at.is_not(None),
            FlightPassenger.answer.is_(None),
        )
    )
    flights = await _flight_rows(session, start, end)
    scams = await per_channel(session, start, end)
    referrals = await _referrals(session, start, end)
    return Figures(
        day=day, made_at=now, zone=str(zone), new_reports=per_day[-1][1], new_sos=int(new_sos or 0),
        open_by_priority={str(p): priorities.get(p, 0) for p in Priority},
        stages={str(s): stages.get(s, 0) for s in Stage},
        departed=tuple(f for status, f in flights if status == "departed"),
        planned=tuple(f for status, f in flights if status == "planned"),
        waiting=Waiting(
            new_reports=int(waits[0]), sos=int(waiting_sos or 0), embassy=int(waits[1]),
            immigration=int(waits[2]), no_flight=int(waits[3]), no_answer=int(no_answer or 0),
        ),
        per_day=per_day, scams=scams, referrals=referrals,
    )  # fmt: skip


async def _referrals(session: AsyncSession, start: datetime, end: datetime) -> tuple[int, int]:
    """Referrals asked for in [start, end), and those the citizen agreed to then (services.referrals)."""
    asked = and_(Referral.asked_at >= start, Referral.asked_at < end)
    agreed = and_(Referral.answered_at >= start, Referral.answered_at < end,
                  Referral.status.in_(("consented", "referred")))  # fmt: skip
    row = (await session.execute(select(_count(asked), _count(agreed)).select_from(Referral))).one()
    return int(row[0]), int(row[1])


async def _flight_rows(
    session: AsyncSession, start: datetime, end: datetime
) -> list[tuple[str, FlightFigures]]:
    here = FlightPassenger.removed_at.is_(None)
    moment = func.coalesce(Flight.departed_at, Flight.departs_at)
    departed = and_(Flight.status == "departed", moment >= start, moment < end)
    planned = and_(
        Flight.status == "planned", Flight.departs_at >= end, Flight.departs_at < end + timedelta(days=WEEK)
    )
    query = (
        select(
            Flight.status,
            Flight.kind,
            Flight.departs_at,
            Flight.carrier,
            Flight.number,
            Flight.destination,
            _count(and_(FlightPassenger.report_id.is_not(None), here)),
            _count(and_(here, FlightPassenger.answer == "coming")),
            _count(and_(here, FlightPassenger.boarded_at.is_not(None))),
        )
        .outerjoin(FlightPassenger, FlightPassenger.flight_id == Flight.id)
        .where(departed | planned)
        .group_by(Flight.id)
        .order_by(Flight.departs_at, Flight.id)
    )
    return [
        (
            str(status),
            FlightFigures(
                kind=str(kind),
                departs_at=departs,
                number=" ".join(p for p in (carrier, number) if p),
                destination=str(destination or ""),
                passengers=int(n),
                coming=int(coming),
                boarded=int(boarded),
            ),
        )
        for status, kind, departs, carrier, number, destination, n, coming, boarded in await session.execute(
            query
        )
    ]


# -- the words -------------------------------------------------------------------------------------


def title(f: Figures, t: Translator) -> str:
    return t(N_("Daily report: {day}"), day=t.date(f.day))


def scope(f: Figures, t: Translator) -> str:
    """What the report covers: the full day or the day so far, and when the totals were counted."""
    if f.complete:
        return t(
            N_("New: the full day of {day}. Totals: as of {now}."),
            day=t.date(f.day),
            now=t.datetime(f.made_at),
        )
    return t(N_("New: the day so far. Totals: as of {now}."), now=t.datetime(f.made_at))


def flight_line(flight: FlightFigures, t: Translator, departed: bool) -> str:
    what = flight.number or (t(N_("Convoy")) if flight.kind == "convoy" else t(N_("Flight")))
    where = t(N_("{what} to {place}"), what=what, place=flight.destination) if flight.destination else what
    if departed:
        return t(
            N_("{flight}, {passengers} passengers, {boarded} boarded"),
            flight=where, passengers=t.number(flight.passengers), boarded=t.number(flight.boarded),
        )  # fmt: skip
    return t(
        N_("{when} {flight}, {passengers} passengers, {coming} coming"),
        when=t.datetime(flight.departs_at), flight=where, passengers=t.number(flight.passengers),
        coming=t.number(flight.coming),
    )  # fmt: skip


def scam_line(f: Figures, t: Translator) -> str:
    """The day's scam reports (someone posing as the embassy), by channel when there are any."""
    said = t(N_("Scam reports: {count}"), count=t.number(f.scam_reports))
    if not f.scam_reports:
        return said
    order = [*CHANNELS, ""]
    unsaid = t(N_("not said"))
    ways = [
        f"{t(CHANNELS[c]) if c in CHANNELS else unsaid} {t.number(f.scams[c])}"
        for c in sorted(f.scams, key=lambda c: order.index(c) if c in order else len(order))
    ]
    return f"{said} ({' · '.join(ways)})"


def waiting_lines(f: Figures, t: Translator) -> list[tuple[str, int]]:
    """What waits on whom: (words, count), in the order someone should act on them."""
    w = f.waiting
    return [
        (t(N_("SOS not acknowledged")), w.sos),
        (t(N_("New reports not acknowledged")), w.new_reports),
        (t(N_("Waiting on the embassy for a travel document")), w.embassy),
        (t(N_("Waiting on immigration (document ready)")), w.immigration),
        (t(N_("Cleared, on no flight yet")), w.no_flight),
        (t(N_("Passengers who did not answer their flight's notice")), w.no_answer),
    ]


def text(f: Figures, t: Translator, mission: str = "") -> str:
    """The whole report for a chat message (plain text, under Telegram's 4,096 characters)."""
    n = t.number
    head = f"📋 {title(f, t)}" + (f" · {mission}" if mission else "")
    lines = [head, scope(f, t), ""]
    lines.append(t(N_("New reports: {reports} · SOS: {sos}"), reports=n(f.new_reports), sos=n(f.new_sos)))
    lines.append(scam_line(f, t))
    priorities = " · ".join(f"{p} {n(c)}" for p, c in f.open_by_priority.items())
    lines.append(t(N_("Open cases: {open} ({priorities})"), open=n(f.open_cases), priorities=priorities))
    if any(f.referrals):
        asked, agreed = f.referrals
        lines.append(
            t(N_("Referrals to partners: {asked} asked, {agreed} agreed"), asked=n(asked), agreed=n(agreed))
        )
    lines += ["", t(N_("The way home"))]
    lines += [f"{t(STAGE_LABELS[s])}: {n(f.stages.get(s, 0))}" for s in WAY_HOME]
    lines.append(" · ".join(f"{t(STAGE_LABELS[s])} {n(f.stages.get(s, 0))}" for s in ENDINGS))
    lines += ["", t(N_("Flights"))]
    if not f.departed and not f.planned:
        lines.append(t(N_("None departed that day, none planned for the week after.")))
    lines += [t(N_("Departed: {flight}"), flight=flight_line(one, t, True)) for one in f.departed]
    lines += [t(N_("Planned: {flight}"), flight=flight_line(one, t, False)) for one in f.planned[:8]]
    if len(f.planned) > 8:
        lines.append(t(N_("… and {more} more planned"), more=n(len(f.planned) - 8)))
    lines += ["", t(N_("Waiting"))]
    lines += [f"{words}: {n(count)}" for words, count in waiting_lines(f, t)]
    return "\n".join(lines)[:MESSAGE_LIMIT]


def caption(f: Figures, t: Translator, mission: str = "") -> str:
    """The short report under the chart (a photo's caption holds 1,024 characters)."""
    n = t.number
    head = f"📋 {title(f, t)}" + (f" · {mission}" if mission else "")
    lines = [head, scope(f, t)]
    lines.append(t(N_("New reports: {reports} · SOS: {sos}"), reports=n(f.new_reports), sos=n(f.new_sos)))
    lines.append(t(N_("Open cases: {open}"), open=n(f.open_cases)))
    if f.scam_reports:
        lines.append(scam_line(f, t))
    departed = sum(one.boarded for one in f.departed)  # who left, not the no-shows still listed
    flights = n(len(f.departed))
    lines.append(t(N_("Departed: {people} on {flights} flights"), people=n(departed), flights=flights))
    lines += [f"{words}: {n(count)}" for words, count in waiting_lines(f, t) if count]
    out = "\n".join(lines)
    return out if utf16_length(out) <= CAPTION_LIMIT else out[: CAPTION_LIMIT // 2]


def utf16_length(value: str) -> int:
    """Telegram counts a message's length in UTF-16 code units (an emoji is two)."""
    return len(value.encode("utf-16-le")) // 2


def fits_caption(value: str) -> bool:
    return utf16_length(value) <= CAPTION_LIMIT
