"""A temporary SQLite database with a handful of cases, as the duty officers would have them."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.services.exports import Written, case_query, load_cases, stream_cases, write_export
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from storage.models import Citizen, Flight, Report, ReportEvent, SosAlert
from tests.support.databases import database_url, follow_ids

ZONE = ZoneInfo("Asia/Phnom_Penh")
TELEGRAM_IDS = (987654321, 555000111, 444000222, 333000444, 222000555, 111000666)
NIKS = ("3201014501990001", "3578010101900002")
PHONES = ("+6281234567890", "+6281311112222", "+6285712345678")
PASSPORTS = ("C1234567", "B7654321")
NAMES = ("Dewi Sartika Nasution", "Rahmat Hidayat", "Agus Salim", "Ni Luh Putu Ayu")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=UTC)


def citizens() -> list[Citizen]:
    return [
        Citizen(
            id=1,
            telegram_user_id=TELEGRAM_IDS[0],
            chat_id=TELEGRAM_IDS[0],
            consent_at=at(14, 23, 20),
            contact_pref="any",
        ),
        # pressed SOS before the welcome's agreement: the SOS set consent_at (an emergency overrides
        # the form), at the SOS's own instant; they never agreed
        Citizen(
            id=2,
            telegram_user_id=TELEGRAM_IDS[1],
            chat_id=TELEGRAM_IDS[1],
            contact_pref="on_reply",
            consent_at=at(15, 2),
        ),
        Citizen(id=3, telegram_user_id=TELEGRAM_IDS[2], chat_id=TELEGRAM_IDS[2], consent_at=at(15, 3)),
        Citizen(id=4, telegram_user_id=TELEGRAM_IDS[3], chat_id=TELEGRAM_IDS[3], consent_at=at(15, 4)),
        Citizen(id=5, telegram_user_id=TELEGRAM_IDS[4], chat_id=TELEGRAM_IDS[4], consent_at=at(15, 5)),
        Citizen(id=6, telegram_user_id=TELEGRAM_IDS[5], chat_id=TELEGRAM_IDS[5], consent_at=at(15, 6)),
    ]


def report(number: int, created: datetime, **fields: Any) -> Report:
    defaults: dict[str, Any] = {"language": "id", "submitted": True, "status": "new", "priority": "P3"}
    return Report(
        id=number,
        citizen_id=number,
        reference=f"PNH-{number:06d}",
        created_at=created,
        updated_at=created,
        **{**defaults, **fields},
    )


def reports() -> list[Report]:
    return [
        # A full report: every question answered, an officer working on it.
        report(
            1, at(14, 23, 30), status="in_progress", priority="P2", profile_name="Dewi 🌸",
            latitude=10.6104, longitude=103.5297, location_at=at(14, 23, 25), city="sihanoukville",
            place="Kompleks Jin Bei — gedung 3", passport_status="held", passport_number=PASSPORTS[0],
            safety="not_free", full_name=NAMES[0], birth_date=date(1999, 1, 5), nik=NIKS[0],
            home_province="32", phone=PHONES[0], family_contact=f"Ibu Siti {PHONES[2]}", companions=3,
            notes='=HYPERLINK("http://example.invalid","klik")', tags=["wave-3"],
            acknowledged_by=111, acknowledged_at=at(14, 23, 40), assigned_to=111,
            assigned_name="Officer Budi", assigned_at=at(14, 23, 45),
            sex="female", children=1, medical="injury,pregnant", documents_held="ktp,kk",
            going_home="yes", home_city="Kabupaten Bandung", stage="on_flight", stage_at=at(20, 9),
            journey={"identity": "passport", "document": "splp", "document_number": "0012345",
                     "document_date": "2026-01-18", "fine": "waived", "exit_permit": "EP-00123",
                     "flight": "QZ 271"},
            flight_id=1,
        ),
        # An SOS whose form never came: a position and nothing else.
        report(
            2, at(15, 2), sos=True, submitted=False, priority="P1", latitude=11.0823, longitude=106.1406,
            location_at=at(15, 2, 1), tags=["wave-4"], sex="male",
        ),
        # No position: a city only. Home again.
        report(
            3, at(15, 3, 5), status="repatriated", city="poipet", passport_status="lost", safety="free",
            full_name=NAMES[1], nik=NIKS[1], phone=PHONES[1], home_province="35", companions=0,
            tags=["wave-3", "wave-4"],
        ),
        report(
            4, at(15, 4, 5), status="closed", priority="P1", city="bavet", safety="threatened",
            latitude=11.07, longitude=106.15, location_at=at(15, 4, 6), full_name=NAMES[2],
        ),
        report(
            5, at(15, 5, 5), status="referred", city="phnom_penh", passport_status="with_me",
            passport_number=PASSPORTS[1], latitude=11.5564, longitude=104.9282, location_at=at(15, 5, 6),
            full_name=NAMES[3], home_province="51", stage="referred", stage_at=at(16, 2),
            journey={"referred_to": "IOM Phnom Penh", "reason": "needs a shelter"},
        ),
        # "Another place", no pin: nowhere on the map
        report(6, at(15, 6, 5), city="other", place="Kampot, dekat pasar", full_name="Wayan",
               notes="- paspor ditahan", family_contact="+62 812-3456-7890"),
    ]  # fmt: skip


OFFICER = "officer:111"


def extras() -> list[Any]:
    """What other tables say: an SOS (citizen 2's), officers' notes, the referral, a flight."""
    return [
        SosAlert(id=1, report_id=2, raised_at=at(15, 2)),
        ReportEvent(report_id=1, actor=OFFICER, kind="note", detail={"text": "ETD requested"}, at=at(15, 1)),
        ReportEvent(report_id=1, actor=OFFICER, kind="note", detail={"text": "Family called"}, at=at(15, 2)),
        ReportEvent(report_id=5, actor=OFFICER, kind="status", detail={"status": "referred",
                    "before": "in_progress"}, at=at(16, 1, 30)),
    ]  # fmt: skip


@pytest.fixture
async def db_url(tmp_path: Path) -> AsyncIterator[str]:
    url = database_url(tmp_path, "cases")
    engine = make_engine(url)
    try:
        await upgrade(engine)
        async with make_sessionmaker(engine)() as session, session.begin():
            session.add_all(citizens())
            session.add(Flight(id=1, departs_at=at(21, 3), number="QZ 271", created_by=111))
            await session.flush()
            session.add_all(reports())
            await session.flush()
            session.add_all(extras())
            await session.flush()
            await follow_ids(session, "citizens", "reports", "sos_alerts", "flights")
        yield url
    finally:
        await engine.dispose()


async def load(url: str, statuses: Sequence[str] = (), tags: Sequence[str] = (), **kw: Any) -> list[Report]:
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            return await load_cases(session, statuses, tags, **kw)
    finally:
        await engine.dispose()


@pytest.fixture
async def cases(db_url: str) -> list[Report]:
    return await load(db_url)


async def stream(
    url: str, fmt: str, statuses: Sequence[str] = (), tags: Sequence[str] = (), batch: int = 2
) -> tuple[bytes, Written]:
    """An export as the hotline writes it: read from the database `batch` cases at a time."""
    engine = make_engine(url)
    out = io.BytesIO()
    try:
        async with make_sessionmaker(engine)() as session:
            query = await case_query(session, statuses)
            written = await write_export(stream_cases(session, query, tags, batch), fmt, ZONE, out)
    finally:
        await engine.dispose()
    return out.getvalue(), written
