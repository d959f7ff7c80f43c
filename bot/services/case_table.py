"""Cases as the console lists them: filtered, searched, sorted, a page at a time, as plain values.

A search is a reference (`PNH-000123`, `123`) or a NIK, passport number or phone, matched through
their keyed hashes: exact, and nothing is decrypted to search.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, String, case, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.core.case import OPEN_STATUSES, Priority, Status
from bot.core.stage import Stage
from bot.services.cards import typed
from bot.services.cases import reference_of
from bot.services.outbox import HELD
from bot.services.reports import lookup_values
from storage.encrypted import session_keyring
from storage.models import OutboxMessage, Report, ReportEvent, SosAlert

PER_PAGE = 50
SORTS = ("priority", "newest", "oldest", "reference")


@dataclass(frozen=True, slots=True)
class CaseFilters:
    status: str = ""  # a Status, or "open" for every open one
    priority: str = ""
    sos: bool = False  # only cases that raised an SOS
    city: str = ""
    passport: str = ""
    tag: str = ""
    language: str = ""
    taken_by: int | None = None  # the cases this officer took
    mine: bool = False  # taken_by is the person asking
    search: str = ""  # a reference, or a NIK, passport number or phone
    sort: str = "priority"
    safety: str = ""
    since: date | None = None  # reported on or after this day, in `zone`
    until: date | None = None  # reported on or before this day
    zone: str = "UTC"  # the mission's time zone, where a day starts and ends
    stage: str = ""  # where the cases stand on their way home (bot.core.stage.Stage)

    def query(self) -> dict[str, str]:
        """The filters as URL query values (empty ones left out)."""
        values = {
            "status": self.status, "priority": self.priority, "sos": "1" if self.sos else "",
            "city": self.city, "passport": self.passport, "tag": self.tag, "q": self.search,
            "lang": self.language, "mine": "1" if self.mine else "",
            "taken": str(self.taken_by) if self.taken_by is not None and not self.mine else "",
            "sort": "" if self.sort == "priority" else self.sort, "safety": self.safety,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "", "stage": self.stage,
        }  # fmt: skip
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True, slots=True)
class CaseRow:
    id: int
    reference: str
    status: str
    priority: str
    sos: bool
    city: str | None
    passport_status: str | None
    safety: str | None
    language: str
    assigned_name: str | None
    acknowledged: bool
    tags: tuple[str, ...]
    created_at: datetime
    stage: str = "reported"


@dataclass(frozen=True, slots=True)
class CasePage:
    rows: list[CaseRow]
    total: int
    page: int
    pages: int


@dataclass(frozen=True, slots=True)
class Today:
    """The Today screen's figures."""

    open_sos: list[CaseRow]  # cases with an SOS not acknowledged, oldest first
    by_status: dict[str, int] = field(default_factory=dict)
    by_priority: dict[str, int] = field(default_factory=dict)
    total: int = 0


def _row(report: Report) -> CaseRow:
    return CaseRow(
        report.id, report.reference or "", report.status, report.priority, report.sos, report.city,
        report.passport_status, report.safety, report.language, report.assigned_name,
        report.acknowledged_at is not None, tuple(report.tags or ()), report.created_at,
        report.stage or "reported",
    )  # fmt: skip


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    """Midnight of the day in the mission's zone, in UTC (as the times are stored)."""
    return datetime.combine(day, time(0), zone).astimezone(UTC)


def _filtered(session: AsyncSession, filters: CaseFilters, prefix: str) -> Select[Report] | None:
    """The reports the filters keep; None when a search can match nothing."""
    query = select(Report).where(Report.reference.is_not(None))
    if filters.status == "open":
        query = query.where(Report.status.in_(OPEN_STATUSES))
    elif filters.status in set(Status):
        query = query.where(Report.status == filters.status)
    if filters.priority in set(Priority):
        query = query.where(Report.priority == filters.priority)
    if filters.sos:
        query = query.where(Report.sos.is_(True))
    if filters.city:
        query = query.where(Report.city == filters.city)
    if filters.passport:
        query = query.where(Report.passport_status == filters.passport)
    if filters.language:
        query = query.where(Report.language == filters.language)
    if filters.taken_by is not None:
        query = query.where(Report.assigned_to == filters.taken_by)
    if filters.safety:
        query = query.where(Report.safety == filters.safety)
    if filters.stage in set(Stage):
        query = query.where(Report.stage == filters.stage)
    zone = ZoneInfo(filters.zone)
    if filters.since is not None:
        query = query.where(Report.created_at >= _day_start(filters.since, zone))
    if filters.until is not None:
        query = query.where(Report.created_at < _day_start(filters.until + timedelta(days=1), zone))
    if filters.tag:
        # tags are a short JSON list of words; the quoted word cannot match inside another word
        query = query.where(cast(Report.tags, String).contains(f'"{filters.tag}"', autoescape=True))
    text = filters.search.strip()
    if text:
        reference = reference_of(text, prefix)
        keyring = session_keyring(session)
        columns = {"nik": Report.nik_hash, "passport": Report.passport_hash, "phone": Report.phone_hash}
        wanted: list[ColumnElement[bool]] = [
            columns[k].in_(keyring.lookups(k, [v])) for k, v in lookup_values(text).items()
        ]
        if reference is not None:
            wanted.append(Report.reference == reference)
        if not wanted:
            return None
        query = query.where(or_(*wanted))
    else:  # a case merged into another (the same person) is found by a search, not listed
        query = query.where(Report.merged_into_id.is_(None))
    return query


_PRIORITY_ORDER = case({"P1": 1, "P2": 2, "P3": 3}, value=Report.priority, else_=4)


async def list_cases(
    session: AsyncSession, filters: CaseFilters, prefix: str, page: int = 1, per_page: int = PER_PAGE
) -> CasePage:
    query = _filtered(session, filters, prefix)
    if query is None:
        return CasePage([], 0, 1, 1)
    total = int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    order = {
        "newest": (Report.created_at.desc(), Report.id.desc()),
        "oldest": (Report.created_at, Report.id),
        "reference": (Report.reference,),
    }.get(filters.sort, (Report.sos.desc(), _PRIORITY_ORDER, Report.created_at.desc(), Report.id.desc()))
    reports = await session.scalars(query.order_by(*order).offset((page - 1) * per_page).limit(per_page))
    return CasePage([_row(r) for r in reports], total, page, pages)


async def today(session: AsyncSession) -> Today:
    waiting = (
        select(Report)
        .where(Report.id.in_(select(SosAlert.report_id).where(SosAlert.acknowledged_at.is_(None))))
        .order_by(Report.created_at)
        .limit(100)
    )
    open_sos = [_row(r) for r in await session.scalars(waiting)]
    statuses = await session.execute(select(Report.status, func.count()).group_by(Report.status))
    by_status = {status: count for status, count in statuses}
    open_by_priority = (
        select(Report.priority, func.count())
        .where(Report.status.in_(OPEN_STATUSES))
        .group_by(Report.priority)
    )
    by_priority = {priority: count for priority, count in await session.execute(open_by_priority)}
    return Today(open_sos, by_status, by_priority, sum(by_status.values()))


MOST_AT_ONCE = 5000  # cases changed by one confirmation


async def matching_ids(session: AsyncSession, filters: CaseFilters, prefix: str) -> tuple[int, list[int]]:
    """How many cases the filters keep, and the ids of the first MOST_AT_ONCE (oldest first)."""
    query = _filtered(session, filters, prefix)
    if query is None:
        return 0, []
    total = int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    ids = await session.scalars(query.with_only_columns(Report.id).order_by(Report.id).limit(MOST_AT_ONCE))
    return total, list(ids)


def matching_query(session: AsyncSession, filters: CaseFilters, prefix: str) -> Select[Report] | None:
    """The query of every case the filters keep (for the exports, which read it in batches); None
    when a search can match nothing."""
    return _filtered(session, filters, prefix)


async def matching(session: AsyncSession, filters: CaseFilters, prefix: str) -> list[Report]:
    """Every case the filters keep, oldest first, each with its citizen (for the exports)."""
    query = _filtered(session, filters, prefix)
    if query is None:
        return []
    return list(await session.scalars(query.options(selectinload(Report.citizen)).order_by(Report.id)))


async def takers(session: AsyncSession) -> list[tuple[int, str]]:
    """Who has cases taken or given to them: (officer id, the name last seen), by name."""
    newest = (
        select(Report.assigned_to, func.max(Report.assigned_at).label("at"))
        .where(Report.assigned_to.is_not(None))
        .group_by(Report.assigned_to)
        .subquery()
    )
    query = select(Report.assigned_to, Report.assigned_name).join(
        newest, (newest.c.assigned_to == Report.assigned_to) & (newest.c.at == Report.assigned_at)
    )
    named = {int(who): str(name or who) for who, name in await session.execute(query) if who is not None}
    return sorted(named.items(), key=lambda item: (item[1].lower(), item[0]))


MOST_ON_THE_MAP = 50_000


@dataclass(frozen=True, slots=True)
class Point:
    """A located case on the map."""

    reference: str
    priority: str
    sos: bool
    latitude: float
    longitude: float


async def located(session: AsyncSession, filters: CaseFilters, prefix: str) -> list[Point]:
    """The cases the filters keep that have a location (decrypted here, for the map only)."""
    kept = _filtered(session, filters, prefix)
    if kept is None:
        return []
    # the five values a marker needs, not whole reports: each of a report's other personal values
    # would be decrypted too, for every case on the map
    marker = (Report.reference, Report.priority, Report.sos, Report.latitude, Report.longitude)
    query = (
        kept.with_only_columns(*marker)
        .where(Report.latitude.is_not(None))
        .order_by(Report.id)
        .limit(MOST_ON_THE_MAP)
    )
    return [
        Point(reference or "", priority, sos, latitude, longitude)
        for reference, priority, sos, latitude, longitude in await session.execute(query)
        if latitude is not None and longitude is not None
    ]


@dataclass(frozen=True, slots=True)
class Said:
    """One message of the conversation between the citizen and the embassy about a case."""

    at: datetime
    by_citizen: bool
    actor: str  # "citizen" or "officer:<id>"
    text: str
    held: bool = False  # an answer held until the citizen writes first
    waiting: bool = False  # ... and it still waits


async def thread(session: AsyncSession, report_id: int, limit: int = 200) -> list[Said]:
    """The citizen's messages and the officers' answers, oldest first (the newest `limit`)."""
    query = (
        select(ReportEvent)
        .where(ReportEvent.report_id == report_id, ReportEvent.kind.in_(("citizen_message", "officer_reply")))
        .order_by(ReportEvent.at.desc(), ReportEvent.id.desc())
        .limit(limit)
    )
    events = list(reversed(list(await session.scalars(query))))
    still_held = int(
        await session.scalar(
            select(func.count()).where(
                OutboxMessage.report_id == report_id,
                OutboxMessage.kind == "relay_out",
                OutboxMessage.status == HELD,
            )
        )
        or 0
    )
    # the held answers still waiting are the newest held ones (they are released oldest first)
    held = [e.id for e in events if e.kind == "officer_reply" and e.detail.get("held")]
    waiting = set(held[len(held) - still_held :]) if still_held else set()
    return [
        Said(e.at, e.kind == "citizen_message", e.actor, str(e.detail.get("text") or ""),
             bool(e.detail.get("held")), e.id in waiting)
        for e in events
    ]  # fmt: skip


EVENTS_PER_PAGE = 100


@dataclass(frozen=True, slots=True)
class EventRow:
    """One change to a case, or one view of its personal values: what, by whom, when."""

    reference: str
    actor: str  # "citizen", "officer:<id>", "system"
    kind: str
    detail: str  # a status, a tag, a note or a message, in one line
    at: datetime


@dataclass(frozen=True, slots=True)
class EventPage:
    rows: list[EventRow]
    total: int
    page: int
    pages: int


@dataclass(frozen=True, slots=True)
class EventFilters:
    """Which events History lists: each exact, the days in the mission's time zone."""

    kind: str = ""
    actor: str = ""  # "citizen", "officer:<id>", "system"
    reference: str = ""  # one case's
    since: date | None = None
    until: date | None = None
    zone: str = "UTC"

    def query(self) -> dict[str, str]:
        values = {
            "kind": self.kind, "actor": self.actor, "case": self.reference,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }  # fmt: skip
        return {k: v for k, v in values.items() if v}


async def list_events(
    session: AsyncSession, filters: EventFilters, prefix: str, page: int = 1, per_page: int = EVENTS_PER_PAGE
) -> EventPage:
    """Every case's history, newest first: the console's History."""
    query = select(ReportEvent, Report.reference).join(Report, Report.id == ReportEvent.report_id)
    if filters.kind:
        query = query.where(ReportEvent.kind == filters.kind)
    if filters.actor:
        query = query.where(ReportEvent.actor == filters.actor)
    if filters.reference:
        query = query.where(Report.reference == (reference_of(filters.reference, prefix) or ""))
    zone = ZoneInfo(filters.zone)
    if filters.since is not None:
        query = query.where(ReportEvent.at >= _day_start(filters.since, zone))
    if filters.until is not None:
        query = query.where(ReportEvent.at < _day_start(filters.until + timedelta(days=1), zone))
    total = int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    found = await session.execute(
        query.order_by(ReportEvent.at.desc(), ReportEvent.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    rows = [
        EventRow(reference or "", event.actor, event.kind, _said(event.detail), event.at)
        for event, reference in found
    ]
    return EventPage(rows, total, page, pages)


async def event_kinds(session: AsyncSession) -> list[str]:
    return list(await session.scalars(select(ReportEvent.kind).distinct().order_by(ReportEvent.kind)))


def _said(detail: dict[str, object]) -> str:
    value = detail.get("text") or detail.get("status") or detail.get("tag") or ""
    return typed(str(value))
