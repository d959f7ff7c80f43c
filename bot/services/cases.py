"""What officers do to a case. Every change is an event with who and when; nothing changes without a trace."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import case, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.case import OPEN_STATUSES, Status
from bot.services import sos
from bot.services.cards import STATUSES
from storage.models import CaseMessage, Report, ReportEvent, SosAlert

TAG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


def reference_of(text: str, prefix: str) -> str | None:
    """`PNH-000123`, `pnh-123` or `123` all name case PNH-000123."""
    found = re.fullmatch(r"(?:([A-Za-z]{2,5})-?)?0*(\d{1,9})", text.strip())
    if not found or (found.group(1) and found.group(1).upper() != prefix):
        return None
    return f"{prefix}-{int(found.group(2)):06d}"


class Cases:
    def __init__(self, session: AsyncSession, prefix: str, now: datetime) -> None:
        self.session = session
        self.prefix = prefix
        self.now = now

    def log(self, report: Report, officer: int, kind: str, **detail: object) -> None:
        actor = f"officer:{officer}"
        self.session.add(ReportEvent(report_id=report.id, actor=actor, kind=kind, detail=detail, at=self.now))

    async def find(self, text: str, follow: bool = True) -> Report | None:
        """The case a reference names; a case merged into another (the same person reported twice)
        stands for the case kept, unless `follow` is False."""
        reference = reference_of(text, self.prefix)
        if reference is None:
            return None
        result = await self.session.execute(select(Report).where(Report.reference == reference))
        found = result.scalar_one_or_none()
        if follow and found is not None and found.merged_into_id is not None:
            return await self.session.get(Report, found.merged_into_id) or found
        return found

    async def get(self, report_id: int) -> Report | None:
        return await self.session.get(Report, report_id)

    def acknowledge(self, report: Report, officer: int) -> bool:
        if report.acknowledged_at is not None:
            return False
        report.acknowledged_by, report.acknowledged_at = officer, self.now
        if report.status == Status.NEW:
            report.status = Status.ACKNOWLEDGED
        self.log(report, officer, "acknowledged")
        return True

    async def acknowledge_sos(self, report: Report, officer: int) -> list[SosAlert]:
        """Every SOS of the case still waiting: acknowledged, each an event of its own."""
        acknowledged = await sos.acknowledge(self.session, report.id, officer, self.now)
        for alert in acknowledged:
            self.log(report, officer, "sos_acknowledged", sos=alert.id, raised=alert.raised_at.isoformat())
        return acknowledged

    def take(self, report: Report, officer: int, name: str) -> bool:
        return self.assign(report, officer, officer, name)

    def assign(self, report: Report, by: int, to: int, name: str) -> bool:
        """The case is the officer `to`'s: taken by them ("taken"), or handed to them by someone else,
        a supervisor giving out many cases ("assigned", `by` its actor). Acknowledged too."""
        if report.assigned_to == to:
            return False
        self.acknowledge(report, by)
        before = report.assigned_to
        report.assigned_to, report.assigned_name, report.assigned_at = to, name, self.now
        if report.status in (Status.NEW, Status.ACKNOWLEDGED):
            report.status = Status.IN_PROGRESS
        moved = {"from": before} if before else {}
        if by == to:
            self.log(report, by, "taken", **moved)
        else:
            self.log(report, by, "assigned", text=name, to=to, **moved)
        return True

    def set_status(self, report: Report, officer: int, status: str) -> bool:
        if status not in STATUSES or status == report.status:
            return False
        before, report.status = report.status, status
        if status != Status.NEW and report.acknowledged_at is None:
            report.acknowledged_by, report.acknowledged_at = officer, self.now
        self.log(report, officer, "status", status=status, before=before)
        return True

    def note(self, report: Report, officer: int, text: str) -> None:
        self.log(report, officer, "note", text=text)

    def tag(self, report: Report, officer: int, label: str) -> bool:
        label = label.strip().lower()
        if not TAG.match(label) or label in report.tags:
            return False
        report.tags = [*report.tags, label]
        self.log(report, officer, "tag", tag=label)
        return True

    async def open_cases(
        self, priority: str | None = None, officer: int | None = None, limit: int = 30
    ) -> list[Report]:
        # a case merged into another is the same person: listed once, as the case kept
        query = select(Report).where(Report.status.in_(OPEN_STATUSES), Report.merged_into_id.is_(None))
        if priority:
            query = query.where(Report.priority == priority)
        if officer is not None:
            query = query.where(Report.assigned_to == officer)
        order = case((Report.sos.is_(True), 0), else_=1)
        result = await self.session.execute(query.order_by(order, Report.priority, Report.id).limit(limit))
        return list(result.scalars())


async def link_message(
    session: AsyncSession, chat_id: int, message_id: int, report_id: int, kind: str
) -> None:
    """A message the bot posted about a case (services.alerts MESSAGE_KINDS: card, pin, personal,
    plain): an officer's reply to it reaches the citizen; what it quotes is taken back on erasure."""
    await session.merge(CaseMessage(chat_id=chat_id, message_id=message_id, report_id=report_id, kind=kind))


async def case_messages(session: AsyncSession, report_id: int) -> list[CaseMessage]:
    query = select(CaseMessage).where(CaseMessage.report_id == report_id).order_by(CaseMessage.message_id)
    return list(await session.scalars(query))
