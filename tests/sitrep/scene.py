"""A mission's last days, written straight into the database, with the figures its report must show.

The mission is in Phnom Penh (UTC+7). The report's day is 3 December 2026; it is made on the 4th at
07:30 there (00:30 UTC). Reports, SOS, stages and flights fall on both sides of the day's edges."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Citizen, Flight, FlightPassenger, Report, SosAlert

ZONE = ZoneInfo("Asia/Phnom_Penh")
DAY = date(2026, 12, 3)
NOW = datetime(2026, 12, 4, 0, 30, tzinfo=UTC)  # 07:30 on the 4th in Phnom Penh


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of December 2026 in Phnom Penh, in UTC."""
    return datetime(2026, 12, day, hour, minute, tzinfo=ZONE).astimezone(UTC)


# (created, status, priority, stage, on the planned flight)
CASES = [
    (local(3, 0, 10), "new", "P1", "reported", False),  # the day's first minutes
    (local(3, 9), "new", "P3", "reported", False),
    (local(3, 13), "acknowledged", "P2", "identity_verified", False),
    (local(3, 23, 50), "in_progress", "P3", "document_ready", False),  # its last minutes
    (local(2, 23, 50), "in_progress", "P3", "cleared", False),  # the day before
    (local(2, 10), "scheduled", "P3", "cleared", True),
    (local(1, 10), "scheduled", "P2", "on_flight", True),
    (local(1, 11), "repatriated", "P3", "departed", False),
    (local(1, 12), "repatriated", "P3", "departed", False),
    (local(1, 13), "closed", "P3", "arrived", False),
    (local(4, 0, 5), "new", "P3", "reported", False),  # after the day, before the report
    (local(1, 14), "referred", "P3", "referred", False),
]
# what the report of DAY, made at NOW, must say
NEW_REPORTS = 4
NEW_SOS = 2
STAGES = {"reported": 3, "identity_verified": 1, "document_ready": 1, "cleared": 2, "on_flight": 1,
          "departed": 2, "arrived": 1, "referred": 1, "staying": 0, "closed": 0}  # fmt: skip
OPEN = {"P1": 1, "P2": 2, "P3": 5}
WAITING = {"new_reports": 3, "sos": 2, "embassy": 4, "immigration": 1, "no_flight": 1, "no_answer": 1}
PER_DAY_LAST3 = [5, 2, 4]  # 1, 2 and 3 December


async def build(sessions: async_sessionmaker[AsyncSession], first_user: int = 7_000_000) -> list[int]:
    """The scene; returns the reports' ids in the order of CASES."""
    async with sessions() as session, session.begin():
        planned = Flight(
            kind="flight", departs_at=local(5, 9), carrier="QZ", number="271", origin="Phnom Penh",
            destination="Jakarta", seats=180, status="planned", created_by=1,
        )  # fmt: skip
        later = Flight(
            kind="convoy", departs_at=local(14, 9), destination="Bavet", status="planned", created_by=1
        )
        departed = Flight(
            kind="flight", departs_at=local(3, 10), carrier="GA", number="867", destination="Jakarta",
            status="departed", departed_at=local(3, 10, 20), created_by=1,
        )  # fmt: skip
        cancelled = Flight(kind="flight", departs_at=local(4, 9), status="cancelled", created_by=1)
        session.add_all([planned, later, departed, cancelled])
        await session.flush()
        ids = []
        for n, (created, status, priority, stage, on_planned) in enumerate(CASES):
            citizen = Citizen(telegram_user_id=first_user + n, chat_id=first_user + n, language="id")
            session.add(citizen)
            await session.flush()
            report = Report(
                reference=f"PNH-{n + 1:06d}", citizen_id=citizen.id, status=status, priority=priority,
                submitted=True, language="id", created_at=created, stage=stage,
                flight_id=planned.id if on_planned else None, full_name=f"Secret Name {n}",
            )  # fmt: skip
            session.add(report)
            await session.flush()
            ids.append(report.id)
        # a draft (no reference yet) counts nowhere
        draft_citizen = Citizen(telegram_user_id=first_user + 99, chat_id=first_user + 99)
        session.add(draft_citizen)
        await session.flush()
        session.add(Report(citizen_id=draft_citizen.id, language="id", created_at=local(3, 12)))
        sos = [
            SosAlert(report_id=ids[0], raised_at=local(3, 0, 11)),  # not acknowledged
            SosAlert(report_id=ids[2], raised_at=local(3, 14), acknowledged_at=local(3, 14, 5)),
            SosAlert(report_id=ids[4], raised_at=local(2, 23, 55)),  # the day before, not acknowledged
        ]
        session.add_all(sos)
        session.add_all([
            FlightPassenger(flight_id=planned.id, report_id=ids[5], added_by=1, told_at=local(3, 8),
                            answer="coming", answered_at=local(3, 9)),
            FlightPassenger(flight_id=planned.id, report_id=ids[6], added_by=1, told_at=local(3, 8)),
            FlightPassenger(flight_id=planned.id, report_id=ids[4], added_by=1, told_at=local(3, 8),
                            removed_at=local(3, 9)),
            FlightPassenger(flight_id=departed.id, report_id=ids[7], added_by=1, boarded_at=local(3, 9)),
            FlightPassenger(flight_id=departed.id, report_id=ids[8], added_by=1, boarded_at=local(3, 9)),
            FlightPassenger(flight_id=departed.id, report_id=ids[9], added_by=1),
        ])  # fmt: skip
    return ids
