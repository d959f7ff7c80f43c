"""Likely duplicates in a real database: the same NIK, passport or phone, a like name with the same date
of birth; scores and reasons; a pair decided by a person stays decided; merge and its undo; erasure;
the full re-scan; and how well real-looking Indonesian names and their variants are told apart
(tests/services/data/same_person_names.json), printed and held to the thresholds measured."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import Catalogs
from bot.services import duplicates
from bot.services.alerts import AlertSettings
from bot.services.cards import card_text
from bot.services.duplicate_scan import scan
from bot.services.merges import Decision, Duplicates
from bot.services.reports import Reports
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from storage.models import DuplicatePair, NameKey, Report, ReportEvent
from tests.broadcasts.seed import Person, seed
from tests.support.databases import database_url

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
NAMES = json.loads((Path(__file__).parent / "data" / "same_person_names.json").read_text())
T = Catalogs(ZoneInfo("Asia/Phnom_Penh"))["en"]
ALERTS = AlertSettings(None, (), "en", timedelta(minutes=2), timedelta(minutes=10))


class World:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self.next_user = 1
        self.duplicates = Duplicates(sessions, lambda: NOW, ALERTS)

    async def case(self, check: bool = True, **values: Any) -> int:
        """A sent case with these personal values, checked for duplicates as the bot checks it."""
        refs = await seed(self.sessions, [Person(self.next_user)], NOW)
        self.next_user += 1
        async with self.sessions() as session, session.begin():
            report = await session.scalar(select(Report).where(Report.reference == refs[self.next_user - 1]))
            assert report is not None
            for key, value in values.items():
                setattr(report, key, value)
            await session.flush()
            if check:
                await duplicates.check(session, report, NOW)
            return report.id

    async def pairs(self, status: str = "open") -> dict[tuple[int, int], DuplicatePair]:
        async with self.sessions() as session:
            found = await session.scalars(select(DuplicatePair).where(DuplicatePair.status == status))
            return {(p.low_id, p.high_id): p for p in found}

    async def report(self, report_id: int) -> Report:
        async with self.sessions() as session:
            return await session.get_one(Report, report_id)


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    engine = make_engine(database_url(tmp_path, "dup"))
    await upgrade(engine)
    yield World(make_sessionmaker(engine))
    await engine.dispose()


async def test_same_nik_passport_or_phone_is_proposed_with_its_reasons(world: World) -> None:
    first = await world.case(full_name="Siti Aminah", nik="3201014501900001")
    second = await world.case(full_name="Sity Aminah", nik="3201 0145 0190 0001")
    third = await world.case(full_name="Budi Santoso", passport_number="C1234567")
    fourth = await world.case(full_name="Budi Santosa", passport_number="c 1234567")
    fifth = await world.case(full_name="Andi Wijaya", phone="+6281234567890")
    sixth = await world.case(full_name="Rina Marlina", phone="+6281234567890")  # a friend's phone
    pairs = await world.pairs()
    assert set(pairs) == {(first, second), (third, fourth), (fifth, sixth)}
    assert pairs[(first, second)].reasons[0] == "nik" and pairs[(first, second)].score >= 95
    assert pairs[(third, fourth)].reasons[0] == "passport"
    # the same phone under two plainly different names: proposed, but low
    assert pairs[(fifth, sixth)].score < pairs[(first, second)].score
    assert pairs[(fifth, sixth)].score <= 50


async def test_a_like_name_needs_the_same_date_of_birth(world: World) -> None:
    born = date(1995, 3, 14)
    first = await world.case(full_name="Muhammad Rizki Pratama", birth_date=born)
    second = await world.case(full_name="Mohammad Rizky Pratama", birth_date=born)
    await world.case(full_name="Muhammad Rizki Pratama", birth_date=date(1996, 3, 14))  # another man
    await world.case(full_name="Muhammad Fajar Pratama", birth_date=born)  # another man, same day
    await world.case(full_name="Mohammad Rizky Pratama")  # no date of birth: a name alone proposes nothing
    pairs = await world.pairs()
    assert set(pairs) == {(first, second)}
    assert pairs[(first, second)].reasons[0] == "name_birth"
    assert pairs[(first, second)].reasons[1].startswith("name:")


async def test_not_the_same_person_is_never_proposed_again(world: World) -> None:
    first = await world.case(nik="3201014501900001")
    second = await world.case(nik="3201014501900001")
    pair = (await world.pairs())[(first, second)]
    assert await world.duplicates.distinct(pair.id, by=7001) == Decision.DISTINCT
    assert await world.duplicates.listed() == []
    async with world.sessions() as session, session.begin():
        report = await session.get_one(Report, second)
        assert await duplicates.check(session, report, NOW) == []
    done = await scan(world.sessions, NOW)
    assert done.pairs == 0
    assert set(await world.pairs("distinct")) == {(first, second)}
    assert await world.pairs() == {}


async def test_merge_keeps_both_and_can_be_undone(world: World) -> None:
    first = await world.case(full_name="Joko Susilo", nik="3201014501900001")
    second = await world.case(full_name="Djoko Soesilo", nik="3201014501900001")
    pair = (await world.pairs())[(first, second)]
    assert await world.duplicates.merge(pair.id, keep_id=first, by=7001) == Decision.MERGED
    assert (await world.report(second)).merged_into_id == first
    assert await world.duplicates.merged_in(first) == [(second, f"PNH-{second:06d}")]
    async with world.sessions() as session:  # both cards say it
        kept, gone = await session.get_one(Report, first), await session.get_one(Report, second)
        assert "🔁 Also reported as PNH-000002" in card_text(
            kept, "any", T, alike=await duplicates.alike(session, kept)
        )
        assert "🔁 Merged into PNH-000001" in card_text(
            gone, "any", T, alike=await duplicates.alike(session, gone)
        )
    # a merged case is no candidate: a third report of the person pairs with the kept case only
    third = await world.case(nik="3201014501900001")
    assert set(await world.pairs()) == {(first, third)}
    async with world.sessions() as session:
        kinds = await session.execute(
            select(ReportEvent.report_id, ReportEvent.kind).order_by(ReportEvent.id)
        )
        trail = [(r, k) for r, k in kinds if k in ("merged", "merged_in")]
    assert trail == [(second, "merged"), (first, "merged_in")]
    assert await world.duplicates.merge(pair.id, keep_id=first, by=7001) == Decision.GONE  # decided
    assert await world.duplicates.undo(second, by=7001) == Decision.UNDONE
    assert (await world.report(second)).merged_into_id is None
    assert (await world.pairs())[(first, second)].status == "open"


async def test_erasure_takes_the_name_keys_and_open_pairs(world: World) -> None:
    first = await world.case(full_name="Dewi Lestari", nik="3201014501900001")
    second = await world.case(full_name="Dewi Lestary", nik="3201014501900001")
    async with world.sessions() as session, session.begin():
        report = await session.get_one(Report, second)
        await Reports(session, "PNH", NOW).wipe(report, "citizen", "erased_by_citizen")
    async with world.sessions() as session:
        keys = await session.scalar(select(func.count()).where(NameKey.owner_id == second))
    assert keys == 0
    assert await world.pairs() == {}
    async with world.sessions() as session, session.begin():
        assert await duplicates.check(session, await session.get_one(Report, first), NOW) == []


async def test_the_card_names_the_likely_duplicates(world: World) -> None:
    first = await world.case(nik="3201014501900001")
    second = await world.case(nik="3201014501900001")
    async with world.sessions() as session:
        alike = await duplicates.alike(session, await session.get_one(Report, second))
    assert alike.pairs == [(f"PNH-{first:06d}", ["nik"])]


def _expected(groups: list[list[str]]) -> int:
    return sum(len(g) * (len(g) - 1) // 2 for g in groups)


async def test_real_looking_names_found_and_false_pairs(world: World) -> None:
    """Each group is one person reported under each of its spellings, born on the group's day; each
    group's look-alike (another person, a close name) is born on the same day. Found: pairs within a
    group proposed; false: pairs with a look-alike. A re-scan finds what the checks found."""
    groups, others = NAMES["groups"], NAMES["others"]
    person: dict[int, int] = {}
    for n, group in enumerate(groups):
        born = date(1980, 1, 1) + timedelta(days=37 * n)
        for name in group:
            person[await world.case(full_name=name, birth_date=born)] = n
        person[await world.case(full_name=others[n][1], birth_date=born)] = -1 - n
    pairs = await world.pairs()
    found = sum(1 for a, b in pairs if person[a] == person[b] >= 0)
    false = len(pairs) - found
    expected = _expected(groups)
    look_alikes = sum(len(g) for g in groups)
    print(f"\nnames: {found}/{expected} pairs found ({found / expected:.0%}), "
          f"{false} false pairs of {look_alikes} look-alikes ({false / look_alikes:.0%})")  # fmt: skip
    assert found / expected >= 0.95
    assert false / look_alikes <= 0.12
    async with world.sessions() as session, session.begin():
        await session.execute(delete(DuplicatePair))
    rescanned = await scan(world.sessions, NOW)
    assert rescanned.pairs == len(pairs) and set(await world.pairs()) == set(pairs)


async def test_the_full_scan_keys_the_cases_that_have_none(world: World) -> None:
    born = date(1990, 5, 1)
    first = await world.case(check=False, full_name="Nur Hidayat", birth_date=born)
    second = await world.case(check=False, full_name="Nurhidayat", birth_date=born)
    await world.case(check=False, full_name="Agus Setiawan", nik="3201014501900001")
    await world.case(check=False, full_name="Agus Setyawan", nik="3201014501900001")
    said: list[str] = []
    done = await scan(world.sessions, NOW, said.append)
    assert done.keyed == 4 and done.pairs == 2 and done.new == 2
    assert (first, second) in await world.pairs()
    assert any(line.startswith("pairs:") for line in said)
    again = await scan(world.sessions, NOW)
    assert again.keyed == 0 and again.new == 0 and again.pairs == 2


def test_names_alike_is_symmetric() -> None:
    some = ["Siti Aminah", "Sity Aminah", "Siti", "Aminah Siti", "Ratnasari Dewi", "Ratna Sari"]
    for a, b in itertools.combinations(some, 2):
        assert duplicates.alike_names(a, b) == duplicates.alike_names(b, a)


def test_hotline_duplicates_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    monkeypatch.setenv("HOTLINE_DATABASE_URL", database_url(tmp_path, "cli"))
    assert main(["db", "upgrade"]) == 0
    assert main(["duplicates", "scan"]) == 0
    said = capsys.readouterr().out
    assert "Compared 0 cases" in said and "0 likely duplicate pairs open" in said


async def test_a_pair_found_later_edits_the_later_card(world: World) -> None:
    first = await world.case(full_name="Budi Santoso")
    second = await world.case(full_name="Boedi Santosa")
    edited: list[int] = []

    async def changed(report: Report) -> None:
        edited.append(report.id)

    async with world.sessions() as session, session.begin():  # the earlier citizen adds their NIK
        earlier = await session.get_one(Report, first)
        earlier.nik = "3201014501900001"
        assert await duplicates.checked(session, earlier, NOW, changed) == []
    async with world.sessions() as session, session.begin():  # the later citizen adds the same NIK
        later = await session.get_one(Report, second)
        later.nik = "3201014501900001"
        await session.flush()
        found = await duplicates.checked(session, later, NOW, changed)
        assert [f.other_id for f in found] == [first] and edited == [second]
        [(reference, reasons)] = (await duplicates.alike(session, later)).pairs
        assert reference == f"PNH-{first:06d}" and reasons[0] == "nik"
        assert (await duplicates.alike(session, earlier)).pairs == []  # told once, on the later card
    async with world.sessions() as session, session.begin():  # told again: nothing new to edit
        await duplicates.checked(session, await session.get_one(Report, first), NOW, changed)
    assert edited == [second]


async def test_a_case_seated_on_a_planned_flight_is_not_merged_away(world: World) -> None:
    """Merged away, a case is off every list but stays on its flight's manifest: the person would
    travel twice (or on a case nobody sees). The merge is refused until it is kept or taken off."""
    from storage.models import Flight, FlightPassenger

    first = await world.case(full_name="Joko Susilo", nik="3201014501900001")
    second = await world.case(full_name="Djoko Soesilo", nik="3201014501900001")
    async with world.sessions() as session, session.begin():
        flight = Flight(departs_at=NOW + timedelta(days=3), created_by=7001)
        session.add(flight)
        await session.flush()
        session.add(FlightPassenger(flight_id=flight.id, report_id=second, added_by=7001, added_at=NOW))
        (await session.get_one(Report, second)).flight_id = flight.id
    pair = (await world.pairs())[(first, second)]
    assert await world.duplicates.merge(pair.id, keep_id=first, by=7001) == Decision.TRAVELS
    assert (await world.report(second)).merged_into_id is None
    assert (await world.pairs())[(first, second)].status == "open"
    assert await world.duplicates.merge(pair.id, keep_id=second, by=7001) == Decision.MERGED  # it travels
    assert (await world.report(first)).merged_into_id == second


async def test_the_officers_open_list_shows_a_merged_person_once(world: World) -> None:
    """/open and /mine list open cases: a case merged into another is the same person, listed once
    (as the console's list and the daily report count it)."""
    from bot.services.cases import Cases

    first = await world.case(full_name="Joko Susilo", nik="3201014501900001")
    second = await world.case(full_name="Djoko Soesilo", nik="3201014501900001")
    pair = (await world.pairs())[(first, second)]
    async with world.sessions() as session:
        assert {r.id for r in await Cases(session, "PNH", NOW).open_cases()} == {first, second}
    assert await world.duplicates.merge(pair.id, keep_id=first, by=7001) == Decision.MERGED
    async with world.sessions() as session:
        assert [r.id for r in await Cases(session, "PNH", NOW).open_cases()] == [first]
