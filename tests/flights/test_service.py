"""The flights' rules on a real SQLite database: a flight typed wrong is refused with plain
sentences; only cases that can travel are put on it, each other refused with its reason; seats run
out; a passenger is told (held for one who asked to be written to first), a removal is told and the
case is cleared again; departure moves the boarded and lists the no-shows."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.services.flights import Added, FlightForm, Refusal, check_in_code
from storage.models import OutboxMessage, Report, ReportEvent
from tests.flights.conftest import World
from tests.flights.seed import Traveller

ZONE = ZoneInfo("Asia/Phnom_Penh")
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
STAFF = 9500
TRAVELLERS = [
    Traveller(8101, "Siti Aminah"),
    Traveller(8102, "Budi Santoso", sex="male", pref="on_reply"),
    Traveller(8103, "Ani Lestari", stage="document_ready"),
    Traveller(8104, "Dewi Sartika", stage="reported"),
    Traveller(8105, "Rina Wati"),
]
FORM = FlightForm(departs="2026-12-05 07:30", carrier="AirAsia", number="qz 123", origin="Phnom Penh",
                  destination="Jakarta", seats="2", meet_at="2026-12-05T04:30", meet_place="KBRI gate",
                  bring="One bag only.")  # fmt: skip


async def test_a_flight_typed_wrong_is_refused_with_plain_sentences(world: World) -> None:
    flights, _, _ = world
    bad = FlightForm(departs="next friday", seats="0", origin="Phnom Penh", meet_at="2026-12-05 09:00")
    flight_id, problems = await flights.create(bad, STAFF)
    assert flight_id is None
    assert any("day and time of departure" in p for p in problems)
    assert any("Seats must be a whole number above 0" in p for p in problems)
    assert any("where it leaves from and where it goes" in p for p in problems)
    _, problems = await flights.create(
        FlightForm(departs=FORM.departs, number="QZ1", origin="A", destination="B", seats="3",
                   meet_at="2026-12-05 09:00"), STAFF,
    )  # fmt: skip
    assert problems == ["The meeting time must be before the departure."]


async def test_only_cases_that_can_travel_are_added_each_other_refused_with_its_reason(world: World) -> None:
    flights, sessions, refs = world
    flight_id, problems = await flights.create(FORM, STAFF)
    assert problems == [] and flight_id is not None
    view = await flights.one(flight_id)
    assert view is not None and view.flight.departs_at == datetime(2026, 12, 5, 0, 30, tzinfo=UTC)
    assert view.name == "QZ 123 (AirAsia), Phnom Penh → Jakarta"
    typed = [refs[8101], refs[8102], refs[8103], refs[8104], refs[8105], "PNH-999999", "hello"]
    added = await flights.add(flight_id, typed, STAFF)
    assert added is not None
    assert added.added == [refs[8101], refs[8102]]
    why = {r.reference: r.why for r in added.refused}
    assert why == {
        refs[8103]: "not cleared by immigration yet", refs[8104]: "no travel document yet",
        refs[8105]: "the flight is full", "PNH-999999": "there is no such case",
        "hello": "not a case reference",
    }  # fmt: skip

    # a second flight: those on the first are refused, naming it
    other, _ = await flights.create(replace(FORM, **{"number": "QZ 9", "seats": "5"}), STAFF)
    assert other is not None
    again = await flights.add(other, [refs[8101], refs[8105]], STAFF)
    assert again is not None and again.added == [refs[8105]]
    [refusal] = again.refused
    assert refusal.why == "already on flight {flight} on {day}"
    assert refusal.values == {"flight": "QZ 123 (AirAsia), Phnom Penh → Jakarta", "day": "5 Dec"}

    async with sessions() as session:
        stages = {ref: stage for ref, stage in await session.execute(select(Report.reference, Report.stage))}
        rows = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    assert stages[refs[8101]] == stages[refs[8102]] == "on_flight" and stages[refs[8103]] == "document_ready"
    told = {r.chat_id: r for r in rows}
    assert set(told) == {8101, 8102, 8105}
    assert told[8101].status == "pending" and told[8102].status == "held"  # "only after I write"
    assert "Be at KBRI gate at 5 Dec 2026 04:30." in told[8101].payload["text"]
    assert "Bring your SPLP or passport." in told[8101].payload["text"]


async def test_removal_is_told_and_departure_lists_the_no_shows(world: World) -> None:
    flights, sessions, refs = world
    flight_id, _ = await flights.create(replace(FORM, **{"seats": "3"}), STAFF)
    assert flight_id is not None
    await flights.add(flight_id, [refs[8101], refs[8102], refs[8105]], STAFF)
    async with sessions() as session:
        siti = (await session.scalars(select(Report).where(Report.reference == refs[8101]))).one()
        budi = (await session.scalars(select(Report).where(Report.reference == refs[8102]))).one()
        rina = (await session.scalars(select(Report).where(Report.reference == refs[8105]))).one()
    assert await flights.remove(flight_id, rina.id, STAFF)
    assert not await flights.remove(flight_id, rina.id, STAFF)  # once
    # a time change asks again
    ok, problems, told = await flights.edit(flight_id, replace(FORM, **{"seats": "3",
                                            "departs": "2026-12-05 09:00"}), STAFF)  # fmt: skip
    assert ok and problems == [] and told == 2
    # Siti is checked in with the code /status shows on the day
    on_the_day = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)  # 19:00 in Phnom Penh, the evening before
    flights.clock = lambda: on_the_day
    code = await flights.check_in_code(8101)
    assert code is not None and code[0].startswith(b"\x89PNG")
    assert await flights.check_in_code(8105) is None  # removed
    assert flights.key is not None
    async with sessions() as session:
        found = await check_in_code(session, siti.id, on_the_day, flights.key, "http://c", ZONE)
    assert found is not None
    token = found[0].rsplit("/", 1)[1]
    seen = await flights.check_in(token, STAFF)
    assert seen.state == "ok" and seen.name == "Siti Aminah"
    boarded = await flights.board(token, STAFF, "Dewi")
    assert boarded.state == "ok"
    again = await flights.board(token, STAFF, "Dewi")
    assert again.state == "boarded" and again.boarded_name == "Dewi"
    assert (await flights.check_in(token[:-2] + "xx", STAFF)).state == "invalid"

    assert await flights.depart(flight_id, STAFF)
    view = await flights.one(flight_id)
    assert view is not None
    assert [p.reference for p in view.no_shows] == [refs[8102]]
    assert view.counts.boarded == 1 and view.counts.no_shows == 1
    async with sessions() as session:
        stages = {ref: stage for ref, stage in await session.execute(select(Report.reference, Report.stage))}
        texts = [
            r.payload["text"]
            for r in await session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == 8105))
        ]
        kinds = list(await session.scalars(select(ReportEvent.kind).where(ReportEvent.report_id == budi.id)))
    assert (
        stages[refs[8101]] == "departed"
        and stages[refs[8102]] == "cleared"
        and stages[refs[8105]] == "cleared"
    )
    assert any("is cancelled; we will write to you again." in text for text in texts)
    assert "no_show" in kinds and "flight_added" in kinds and kinds.count("stage") == 2


async def test_a_cancelled_flight_tells_everyone_and_the_code_shows_only_on_the_day(world: World) -> None:
    flights, sessions, refs = world
    flight_id, _ = await flights.create(replace(FORM, seats="3"), STAFF)
    assert flight_id is not None
    await flights.add(flight_id, [refs[8101], refs[8105]], STAFF)
    flights.clock = lambda: datetime(2026, 12, 4, 10, 0, tzinfo=UTC)  # 17:00 the evening before: not yet
    assert await flights.check_in_code(8101) is None
    flights.clock = lambda: datetime(2026, 12, 4, 11, 0, tzinfo=UTC)  # 18:00: the code shows
    assert await flights.check_in_code(8101) is not None
    assert await flights.cancel(flight_id, STAFF)
    assert await flights.check_in_code(8101) is None
    assert (await flights.add(flight_id, [refs[8103]], STAFF)) == Added([], [
        Refusal(refs[8103], "the flight has departed or is cancelled")])  # fmt: skip
    async with sessions() as session:
        stages = {ref: stage for ref, stage in await session.execute(select(Report.reference, Report.stage))}
        told = list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id.in_([8101, 8105])))
        )
    assert stages[refs[8101]] == stages[refs[8105]] == "cleared"
    assert sum("is cancelled; we will write to you again." in r.payload["text"] for r in told) == 2
