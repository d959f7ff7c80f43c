"""Which cases an export holds: by status, by tag, with or without SOS reports whose form is not sent."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.core.case import Status
from bot.services.reports import find_reports
from storage.models import Report

# The case statuses, as stored; the citizen's /status wording for each is in bot.flow.commands.STATUS.
STATUSES = tuple(Status)


class ExportError(ValueError):
    """An export was asked for something that does not exist; the message is one sentence."""


def check_statuses(statuses: Sequence[str]) -> None:
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        raise ExportError(
            f"Unknown status {', '.join(repr(s) for s in unknown)}: the statuses are {', '.join(STATUSES)}."
        )


async def load_cases(
    session: AsyncSession,
    statuses: Sequence[str] = (),
    tags: Sequence[str] = (),
    include_unsubmitted: bool = True,
    find: str | None = None,
) -> list[Report]:
    """The cases in creation order, each with its citizen loaded.

    `statuses` and `tags` each keep a case that matches any one of them (empty: no filter);
    `include_unsubmitted=False` leaves out SOS reports whose form has not been sent; `find` keeps the
    cases with that NIK, passport number or phone number (by their lookup hashes).
    """
    check_statuses(statuses)
    query = select(Report).options(selectinload(Report.citizen)).order_by(Report.id)
    if find is not None:
        query = query.where(Report.id.in_([r.id for r in await find_reports(session, find)]))
    if statuses:
        query = query.where(Report.status.in_(statuses))
    if not include_unsubmitted:
        query = query.where(Report.submitted.is_(True))
    cases = list((await session.execute(query)).scalars())
    if tags:
        wanted = set(tags)
        # Tags are a JSON list; filtering here is the same on SQLite and PostgreSQL.
        cases = [case for case in cases if wanted.intersection(case.tags or ())]
    return cases
