"""Which cases an export holds (by status, by tag, with or without SOS reports whose form is not
sent), read from the database in batches so that an export of any size keeps its memory bounded."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.core.case import Status
from bot.core.stage import Stage
from bot.services.reports import find_reports
from storage.models import Citizen, Referral, Report, ReportEvent, SosAlert

# The case statuses, as stored; the citizen's /status wording for each is in bot.flow.commands.STATUS.
STATUSES = tuple(Status)
BATCH = 500  # cases read, decrypted and written at a time
AGREED = ("consented", "referred")  # referrals the citizen said yes to: the only ones exported


class ExportError(ValueError):
    """An export was asked for something that does not exist; the message is one sentence."""


@dataclass(slots=True)
class Case:
    """A report as the exports write it, with what its own row does not say.

    `consented`: the citizen agreed to the welcome's terms. An SOS pressed before that agreement
    also sets `Citizen.consent_at` (an emergency overrides the form), at the SOS's own instant: such a
    citizen did not consent, and `consented` is False. `comments`: the officers' notes, oldest first.
    `referred_at`: when the case was referred to another organisation. `referrals`: the referrals to
    partners the citizen agreed to (services.referrals), oldest first."""

    report: Report
    consented: bool = False
    comments: list[str] = field(default_factory=list)
    referred_at: datetime | None = None
    referrals: list[Referral] = field(default_factory=list)


def check_statuses(statuses: Sequence[str]) -> None:
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        raise ExportError(
            f"Unknown status {', '.join(repr(s) for s in unknown)}: the statuses are {', '.join(STATUSES)}."
        )


async def case_query(
    session: AsyncSession,
    statuses: Sequence[str] = (),
    include_unsubmitted: bool = True,
    find: str | None = None,
) -> Select[Report]:
    """The reports kept by status, submission and a NIK, passport or phone number (by their lookup
    hashes); tags are kept while reading (see `stream_cases`)."""
    check_statuses(statuses)
    query = select(Report)
    if find is not None:
        query = query.where(Report.id.in_([r.id for r in await find_reports(session, find)]))
    if statuses:
        query = query.where(Report.status.in_(statuses))
    if not include_unsubmitted:
        query = query.where(Report.submitted.is_(True))
    return query


async def stream_cases(
    session: AsyncSession, query: Select[Report], tags: Sequence[str] = (), batch: int = BATCH
) -> AsyncIterator[list[Case]]:
    """The reports of `query` in creation order, `batch` at a time, each with its citizen, its
    officers' notes and its referral date. `tags` keeps a case with any one of them (empty: all).
    A written batch is let go: the session's identity map holds its objects weakly."""
    wanted = set(tags)
    ordered = query.options(selectinload(Report.citizen)).order_by(Report.id)
    result = await session.stream_scalars(ordered.execution_options(yield_per=batch))
    async for part in result.partitions():
        # Tags are a JSON list; filtering here is the same on SQLite and PostgreSQL.
        reports = [r for r in part if not wanted or wanted.intersection(r.tags or ())]
        if reports:
            yield await enrich(session, reports)


async def enrich(session: AsyncSession, reports: Sequence[Report]) -> list[Case]:
    """The batch's cases with what other tables say about them: four queries a batch."""
    ids = [r.id for r in reports]
    citizens = {r.citizen_id for r in reports}
    by_sos = set(
        await session.scalars(
            select(Citizen.id)
            .join(Report, Report.citizen_id == Citizen.id)
            .join(SosAlert, SosAlert.report_id == Report.id)
            .where(Citizen.id.in_(citizens), SosAlert.raised_at == Citizen.consent_at)
        )
    )
    comments: dict[int, list[str]] = {}
    notes = select(ReportEvent.report_id, ReportEvent.detail).where(
        ReportEvent.report_id.in_(ids), ReportEvent.kind == "note"
    )
    for report_id, detail in await session.execute(notes.order_by(ReportEvent.id)):
        text = _text(detail)
        if text:
            comments.setdefault(report_id, []).append(text)
    agreed: dict[int, list[Referral]] = {}
    for referral in await session.scalars(
        select(Referral).where(Referral.report_id.in_(ids), Referral.status.in_(AGREED)).order_by(Referral.id)
    ):
        agreed.setdefault(referral.report_id, []).append(referral)
    referred = [r.id for r in reports if Stage.REFERRED in (r.stage, r.status)]
    referred_at = await _referred_at(session, referred) if referred else {}
    cases = []
    for report in reports:
        citizen = report.__dict__.get("citizen")
        consented = (
            isinstance(citizen, Citizen) and citizen.consent_at is not None and citizen.id not in by_sos
        )
        when = referred_at.get(report.id)
        if when is None and report.stage == Stage.REFERRED:
            when = report.stage_at
        cases.append(Case(report, consented, comments.get(report.id, []), when, agreed.get(report.id, [])))
    return cases


def _text(detail: Any) -> str:
    value = detail.get("text") if isinstance(detail, dict) else None
    return value.strip() if isinstance(value, str) else ""


async def _referred_at(session: AsyncSession, ids: Iterable[int]) -> dict[int, datetime]:
    """When each case was last referred: its status or stage event that says "referred"."""
    found: dict[int, datetime] = {}
    events = select(ReportEvent.report_id, ReportEvent.detail, ReportEvent.at).where(
        ReportEvent.report_id.in_(list(ids)), ReportEvent.kind.in_(("status", "stage"))
    )
    for report_id, detail, at in await session.execute(events.order_by(ReportEvent.id)):
        said = [detail.get(key) for key in ("status", "to", "stage")] if isinstance(detail, dict) else []
        if Stage.REFERRED in said:  # a status set to referred, or a stage move to it
            found[report_id] = at
    return found


async def load_cases(
    session: AsyncSession,
    statuses: Sequence[str] = (),
    tags: Sequence[str] = (),
    include_unsubmitted: bool = True,
    find: str | None = None,
) -> list[Report]:
    """The cases in creation order, each with its citizen loaded, all at once (small sets: tests and
    the Python API; the exports themselves read `stream_cases`).

    `statuses` and `tags` each keep a case that matches any one of them (empty: no filter);
    `include_unsubmitted=False` leaves out SOS reports whose form has not been sent; `find` keeps the
    cases with that NIK, passport number or phone number (by their lookup hashes).
    """
    query = await case_query(session, statuses, include_unsubmitted, find)
    query = query.options(selectinload(Report.citizen)).order_by(Report.id)
    cases = list((await session.execute(query)).scalars())
    if tags:
        wanted = set(tags)
        cases = [case for case in cases if wanted.intersection(case.tags or ())]
    return cases
