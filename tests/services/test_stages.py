"""A case's way home through the one service that moves it: every stage with good and bad facts,
the status kept in step, the journey's facts, each move an event with who and when, a correction
back, many at once, and the board's counts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.stage import Stage
from bot.i18n import Catalogs
from bot.services.alerts import AlertSettings
from bot.services.casework import BY_FLIGHTS_ONLY, Casework, Officer
from bot.services.stages import Moved, StageProblem, check, move, parse
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from storage.models import Flight, Report, ReportEvent
from tests.broadcasts.seed import Person, seed
from tests.support.databases import database_url

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
TODAY = date(2026, 12, 4)
BUDI = Officer(7001, "Budi")
CATALOGS = Catalogs(ZoneInfo("Asia/Phnom_Penh"))
T = CATALOGS["en"]


class World:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], refs: dict[int, str]) -> None:
        self.sessions, self.refs = sessions, refs
        self.now = NOW
        alerts = AlertSettings(None, (), "en", timedelta(minutes=2), timedelta(minutes=10))
        self.casework = Casework(sessions, "PNH", lambda: self.now, alerts, CATALOGS, "KBRI Phnom Penh")

    async def case(self, user: int) -> Report:
        found = await self.casework.find(self.refs[user])
        assert found is not None
        return found

    async def events(self, report_id: int) -> list[ReportEvent]:
        async with self.sessions() as session:
            query = select(ReportEvent).where(ReportEvent.report_id == report_id, ReportEvent.kind == "stage")
            return list(await session.scalars(query.order_by(ReportEvent.id)))


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    engine = make_engine(database_url(tmp_path, "stages"))
    await upgrade(engine)
    sessions = make_sessionmaker(engine)
    refs = await seed(sessions, [Person(u) for u in range(1, 6)], NOW)
    async with sessions() as session, session.begin():
        session.add(Flight(id=12, departs_at=NOW + timedelta(days=3), number="GA 821", created_by=1))
    yield World(sessions, refs)
    await engine.dispose()


def refused(stage: str, facts: dict[str, object]) -> str:
    with pytest.raises(StageProblem) as problem:
        check(stage, facts, TODAY)
    return problem.value.said(T)


def test_each_stage_takes_its_facts_and_says_plainly_what_is_wrong() -> None:
    assert check("identity_verified", {"identity": "KTP"}, TODAY) == {"identity": "ktp"}
    assert check("identity_verified", {"identity": "birth certificate"}, TODAY) == {
        "identity": "birth_certificate"
    }
    assert "how the identity was checked" in refused("identity_verified", {"identity": "a hunch"})
    assert check("document_ready", {"document": "splp", "document_number": "b1234567",
                                    "document_date": "2026-12-03"}, TODAY) == {
        "document": "splp", "document_number": "B1234567", "document_date": "2026-12-03"}  # fmt: skip
    splp_today = check("document_ready", {"document": "splp", "document_number": "B1234567"}, TODAY)
    assert splp_today["document_date"] == "2026-12-04"  # no date: issued today
    assert "such as B1234567" in refused("document_ready", {"document": "splp", "document_number": "hello"})
    assert "year-month-day" in refused(
        "document_ready", {"document": "splp", "document_number": "B1234567", "document_date": "3/12"}
    )
    assert "2027-05-01 cannot be right" in refused(
        "document_ready", {"document": "splp", "document_number": "B1234567", "document_date": "2027-05-01"}
    )
    assert check("document_ready", {"document": "passport"}, TODAY)["document"] == "passport"
    assert "Say which document" in refused("document_ready", {})
    assert check("cleared", {"fine": "waived", "exit_permit": "imi-778"}, TODAY) == {
        "fine": "waived", "exit_permit": "IMI-778"}  # fmt: skip
    assert check("cleared", {"fine": "none"}, TODAY) == {"fine": "none", "exit_permit": None}
    assert "waived, paid or none" in refused("cleared", {"fine": "maybe"})
    assert "exit permit number" in refused("cleared", {"fine": "paid", "exit_permit": "!"})
    assert check("on_flight", {"flight": "12"}, TODAY) == {"flight": 12}
    assert "by its number" in refused("departed", {"flight": "GA821"})
    assert "Soekarno-Hatta" in refused("arrived", {"arrived_place": ""})
    assert "IOM" in refused("referred", {})
    assert check("closed", {}, TODAY) == {"reason": None}
    assert "under 120" in refused("staying", {"reason": "x" * 121})
    assert "Unknown stage" in refused("home", {})


def test_the_officers_words_name_the_stage_and_its_facts() -> None:
    assert parse("verified ktp") == ("identity_verified", {"identity": "ktp"})
    assert parse("verifikasi akta") == ("identity_verified", {"identity": "birth_certificate"})
    splp = {"document": "splp", "document_number": "B1234567", "document_date": "2026-12-03"}
    assert parse("splp B1234567 2026-12-03") == ("document_ready", splp)
    assert parse("paspor") == ("document_ready", {"document": "passport"})
    assert parse("cleared bebas IMI-1") == ("cleared", {"fine": "waived", "exit_permit": "IMI-1"})
    assert parse("arrived Soekarno-Hatta Jakarta") == ("arrived", {"arrived_place": "Soekarno-Hatta Jakarta"})
    assert parse("rujuk IOM") == ("referred", {"referred_to": "IOM"})
    assert parse("tutup went home alone") == ("closed", {"reason": "went home alone"})
    with pytest.raises(StageProblem):
        parse("teleported")


async def test_a_case_goes_all_the_way_home_with_who_and_when_and_the_status_in_step(world: World) -> None:
    case = await world.case(1)
    assert (case.stage, case.status) == ("reported", "new")
    steps: list[tuple[str, dict[str, object], str]] = [
        ("identity_verified", {"identity": "ktp"}, "in_progress"),
        ("document_ready", {"document": "splp", "document_number": "B1234567", "document_date": "2026-12-03"},
         "in_progress"),
        ("cleared", {"fine": "waived", "exit_permit": "IMI-778"}, "in_progress"),
        ("on_flight", {"flight": 12}, "scheduled"),
        ("departed", {}, "scheduled"),  # the flight it is on already
        ("arrived", {"arrived_place": "Soekarno-Hatta"}, "repatriated"),
    ]  # fmt: skip
    for n, (stage, facts, status) in enumerate(steps):
        world.now = NOW + timedelta(hours=n)
        moved: Moved | None
        if stage in BY_FLIGHTS_ONLY:  # as services.flights moves it: the officer's own move refused
            with pytest.raises(StageProblem, match="from the flight's page"):
                await world.casework.move_stage(case.id, BUDI, stage, facts)
            async with world.sessions() as session, session.begin():
                report = await session.get(Report, case.id)
                assert report is not None
                moved = await move(session, report, stage, BUDI.id, facts, world.now)
        else:
            moved = await world.casework.move_stage(case.id, BUDI, stage, facts)
        assert moved is not None and moved.changed and (moved.stage, moved.status) == (stage, status)
    case = await world.case(1)
    assert case.stage == "arrived" and case.stage_at == NOW + timedelta(hours=5)
    assert case.status == "repatriated" and case.flight_id == 12
    assert case.acknowledged_by == BUDI.id  # the first move acknowledged it
    assert case.journey == {
        "identity": "ktp", "document": "splp", "document_number": "B1234567", "document_date": "2026-12-03",
        "fine": "waived", "exit_permit": "IMI-778", "flight": 12, "arrived_place": "Soekarno-Hatta",
    }  # fmt: skip
    events = await world.events(case.id)
    assert [(e.detail["from"], e.detail["to"]) for e in events] == [
        ("reported", "identity_verified"), ("identity_verified", "document_ready"),
        ("document_ready", "cleared"), ("cleared", "on_flight"), ("on_flight", "departed"),
        ("departed", "arrived"),
    ]  # fmt: skip
    assert all(e.actor == "officer:7001" for e in events)
    assert events[1].detail["facts"]["document_number"] == "B1234567"
    assert events[1].at == NOW + timedelta(hours=1)
    history = await world.casework.history(case.id, T) or ""
    assert "🧭 Stage: arrived at Soekarno-Hatta" in history
    assert "→ SPLP issued B1234567 (December 3, 2026)" in history


async def test_bad_facts_change_nothing_and_the_same_move_twice_is_one_event(world: World) -> None:
    case = await world.case(2)
    with pytest.raises(StageProblem):
        await world.casework.move_stage(case.id, BUDI, "document_ready", {"document": "splp"})
    with pytest.raises(StageProblem, match="no flight 99"):
        async with world.sessions() as session, session.begin():
            report = await session.get(Report, case.id)
            assert report is not None
            await move(session, report, "on_flight", BUDI.id, {"flight": 99}, NOW)
    assert (await world.case(2)).stage == "reported" and not await world.events(case.id)
    first = await world.casework.move_stage(case.id, BUDI, "referred", {"referred_to": "IOM"})
    again = await world.casework.move_stage(case.id, BUDI, "referred", {"referred_to": "IOM"})
    assert first and first.changed and first.status == "referred" and again and not again.changed
    assert len(await world.events(case.id)) == 1


async def test_a_correction_back_reopens_the_case_and_is_recorded_the_same_way(world: World) -> None:
    case = await world.case(3)
    await world.casework.move_stage(case.id, BUDI, "closed", {"reason": "stopped answering"})
    assert (await world.case(3)).status == "closed"
    await world.casework.move_stage(case.id, BUDI, "document_ready", {"document": "passport"})
    case = await world.case(3)
    assert (case.stage, case.status) == ("document_ready", "in_progress")
    assert case.journey == {"reason": "stopped answering", "document": "passport"}
    assert [e.detail["to"] for e in await world.events(case.id)] == ["closed", "document_ready"]
    await world.casework.move_stage(case.id, BUDI, "staying", {})
    assert (await world.case(3)).status == "closed"


async def test_many_at_once_and_the_board_counts_every_stage(world: World) -> None:
    ids = [(await world.case(u)).id for u in (1, 2, 3)]
    with pytest.raises(StageProblem):
        await world.casework.move_many(ids, BUDI, "cleared", {"fine": "forgiven"})
    assert (await world.casework.board())[Stage.CLEARED] == 0
    assert await world.casework.move_many(ids, BUDI, "cleared", {"fine": "paid"}) == 3
    assert await world.casework.move_many(ids, BUDI, "cleared", {"fine": "paid"}) == 0  # there already
    board = await world.casework.board()
    assert list(board) == ["reported", "identity_verified", "document_ready", "cleared", "on_flight",
                           "departed", "arrived", "referred", "staying", "closed"]  # fmt: skip
    assert board["cleared"] == 3 and board["reported"] == 2 and sum(board.values()) == 5
