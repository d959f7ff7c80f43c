"""Flights and stages at their edges: a stage move off a flight, an erased passenger, a change told
again, two flights, the daily report's departed count. Each test states the rule it expects."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import Catalogs
from bot.services import stages
from bot.services.reports import Reports
from storage.models import Citizen, FlightPassenger, OutboxMessage, Report
from tests.flights.conftest import World
from tests.flights.test_service import FORM, NOW, STAFF, ZONE


async def _report(sessions: async_sessionmaker[AsyncSession], ref: str) -> Report:
    async with sessions() as session:
        return (await session.scalars(select(Report).where(Report.reference == ref))).one()


async def _officer_moves(
    sessions: async_sessionmaker[AsyncSession], report_id: int, to: str, facts: dict[str, object]
) -> None:
    """What /stage (Casework.move_stage) does, inside its unit of work."""
    async with sessions() as session, session.begin():
        report = await session.get(Report, report_id)
        assert report is not None
        await stages.move(session, report, to, 4242, facts, NOW, NOW.date())


async def test_stage_moved_off_a_flight_by_an_officer_is_refused(world: World) -> None:
    """/stage REF cleared on a passenger used to set flight_id None but leave its FlightPassenger
    row, so the flight's page, seats, manifest and check-in still counted it. Now refused: the
    flight's page takes a passenger off (and tells them)."""
    flights, sessions, refs = world
    flight_id, _ = await flights.create(replace(FORM, seats="3"), STAFF)
    assert flight_id is not None
    await flights.add(flight_id, [refs[8101]], STAFF)
    siti = await _report(sessions, refs[8101])
    with pytest.raises(stages.StageProblem, match="take it off on the flight's page"):
        await _officer_moves(sessions, siti.id, "cleared", {"fine": "none"})
    after = await _report(sessions, refs[8101])
    view = await flights.one(flight_id)
    assert view is not None and [p.reference for p in view.passengers] == [refs[8101]]
    assert after.stage == "on_flight" and after.flight_id == flight_id


async def test_departing_one_flight_does_not_take_a_case_off_another(world: World) -> None:
    """A seat left behind on flight A (data made before the guard above) and the case on flight B:
    A's no-show handling set report.flight_id = None unconditionally, taking the case off B."""
    flights, sessions, refs = world
    a, _ = await flights.create(replace(FORM, seats="3"), STAFF)
    b, _ = await flights.create(replace(FORM, number="QZ 9", seats="3"), STAFF)
    assert a is not None and b is not None
    await flights.add(a, [refs[8101]], STAFF)
    async with sessions() as session, session.begin():  # what /stage cleared did before the fix
        report = (await session.scalars(select(Report).where(Report.reference == refs[8101]))).one()
        report.flight_id, report.stage = None, "cleared"
    added = await flights.add(b, [refs[8101]], STAFF)
    assert added is not None and added.added == [refs[8101]]
    assert await flights.depart(a, STAFF)
    after = await _report(sessions, refs[8101])
    assert after.flight_id == b and after.stage == "on_flight", (after.flight_id, after.stage)


async def test_stage_command_cannot_put_a_case_on_a_cancelled_flight(world: World) -> None:
    """/stage REF flight N bypasses flights: no seat, no CAN_TRAVEL check, any flight status."""
    flights, sessions, refs = world
    flight_id, _ = await flights.create(replace(FORM, seats="3"), STAFF)
    assert flight_id is not None and await flights.cancel(flight_id, STAFF)
    dewi = await _report(sessions, refs[8104])  # stage "reported": no document at all
    with pytest.raises(stages.StageProblem):
        await _officer_moves(sessions, dewi.id, "on_flight", {"flight": str(flight_id)})


async def test_a_change_back_to_the_first_time_is_told_again(world: World) -> None:
    """The notice's dedupe key is the flight's facts: 07:30 -> 09:00 -> 07:30 tells the third time
    nothing (the key of the first notice is used), though the citizen last read 09:00."""
    flights, sessions, refs = world
    flight_id, _ = await flights.create(replace(FORM, seats="3"), STAFF)
    assert flight_id is not None
    await flights.add(flight_id, [refs[8101]], STAFF)
    _, _, told = await flights.edit(flight_id, replace(FORM, seats="3", departs="2026-12-05 09:00"), STAFF)
    assert told == 1
    _, _, told = await flights.edit(flight_id, replace(FORM, seats="3"), STAFF)
    assert told == 1
    async with sessions() as session:
        query = select(OutboxMessage).where(OutboxMessage.chat_id == 8101).order_by(OutboxMessage.id)
        texts = [r.payload["text"] for r in await session.scalars(query)]
    assert len(texts) == 3 and "07:30" in texts[-1]


async def test_an_erased_case_leaves_its_flight(world: World) -> None:
    """The citizen's /delete: the case stays a passenger (manifest row with its SPLP number,
    a check-in code on /status, a check-in page that boards it)."""
    flights, sessions, refs = world
    flight_id, _ = await flights.create(replace(FORM, seats="3"), STAFF)
    assert flight_id is not None
    await flights.add(flight_id, [refs[8101]], STAFF)
    async with sessions() as session, session.begin():
        citizen = (await session.scalars(select(Citizen).where(Citizen.telegram_user_id == 8101))).one()
        await Reports(session, "PNH", NOW).erase(citizen)
    view = await flights.one(flight_id)
    assert view is not None
    assert [p.reference for p in view.passengers] == []
    made = await flights.manifest(flight_id, "csv", STAFF, Catalogs(ZONE)["en"])
    assert made is not None and b"X1234567" not in made[0]
    flights.clock = lambda: datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    assert await flights.check_in_code(8101) is None
    async with sessions() as session:
        rows = list(await session.scalars(select(FlightPassenger)))
    assert all(r.removed_at is not None for r in rows)


async def test_the_sitrep_counts_those_who_departed_not_the_no_shows(world: World) -> None:
    """The caption's "Departed: {people} on {flights} flights" summed the passengers still listed,
    and depart() keeps the no-shows listed (not removed): a no-show counted as departed."""
    from bot.services.sitrep import caption, figures

    flights, sessions, refs = world
    flight_id, _ = await flights.create(replace(FORM, seats="3"), STAFF)
    assert flight_id is not None
    await flights.add(flight_id, [refs[8101], refs[8102]], STAFF)
    flights.clock = lambda: datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    siti = await _report(sessions, refs[8101])
    async with sessions() as session, session.begin():
        from bot.services.flights import check_in_code

        assert flights.key is not None
        found = await check_in_code(session, siti.id, flights.clock(), flights.key, "http://c", ZONE)
    assert found is not None
    assert (await flights.board(found[0].rsplit("/", 1)[1], STAFF, "Dewi")).state == "ok"
    assert await flights.depart(flight_id, STAFF)
    day = datetime(2026, 12, 4, 12, 0, tzinfo=UTC).astimezone(ZONE).date()
    async with sessions() as session:
        f = await figures(session, day, datetime(2026, 12, 5, 3, 0, tzinfo=UTC), ZONE)
    [departed] = f.departed
    assert departed.boarded == 1
    said = [line for line in caption(f, Catalogs(ZONE)["en"]).splitlines() if line.startswith("Departed")]
    assert said == ["Departed: 1 on 1 flights"]
