"""Families' searches on a real database: matched against cases by hashes only (names spelled another
way, with and without a date of birth), cases matched against open searches as they come, and a
search's end after HOTLINE_RETENTION_DAYS (the injected clock)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import Hotline
from bot.config import load_settings
from bot.services import duplicates, searches
from bot.services.retention import erase_expired
from storage.migrate import upgrade
from storage.models import Citizen, NameKey, Report, Search, SearchMatch
from tests.support.databases import database_url

NOW = datetime(2026, 1, 20, 3, 0, tzinfo=UTC)
BORN = date(1995, 8, 17)


@pytest.fixture
async def hotline(tmp_path: Path) -> AsyncIterator[Hotline]:
    made = Hotline.from_settings(load_settings(database_url=database_url(tmp_path, "searches")))
    await upgrade(made.engine)
    yield made
    await made.close()


async def case(
    hotline: Hotline, user: int, name: str | None, born: date | None = None, place: str = ""
) -> int:
    async with hotline.sessions() as session, session.begin():
        citizen = Citizen(telegram_user_id=user, chat_id=user, contact_pref="on_reply")
        session.add(citizen)
        await session.flush()
        report = Report(citizen_id=citizen.id, language="en", full_name=name, birth_date=born,
                        place=place or None, submitted=True, created_at=NOW, updated_at=NOW)  # fmt: skip
        session.add(report)
        await session.flush()
        report.reference = f"PNH-{report.id:06d}"
        await duplicates.check(session, report, NOW)  # as a case is sent: its name keyed
        await searches.case_changed(session, report, NOW, None, hotline.catalogs["en"])
        return report.id


async def search(hotline: Hotline, name: str, born: date | None = None, place: str | None = None) -> int:
    fields = {"name": name, "birth": born.isoformat() if born else None, "place": place, "relation": "parent",
              "seeker": "Aminah", "contact": "+62 812 3456 7890"}  # fmt: skip
    async with hotline.sessions() as session, session.begin():
        seeker = Citizen(telegram_user_id=7000 + len(name), chat_id=7000 + len(name))
        session.add(seeker)
        await session.flush()
        made = await searches.submit(session, seeker, "id", fields, NOW, 180, None, hotline.catalogs["en"])
        return made.id


async def matches(hotline: Hotline, search_id: int) -> dict[int, SearchMatch]:
    async with hotline.sessions() as session:
        found = await session.scalars(select(SearchMatch).where(SearchMatch.search_id == search_id))
        return {m.report_id: m for m in found}


async def test_a_name_spelled_another_way_with_the_same_birth_date_is_a_strong_match(
    hotline: Hotline,
) -> None:
    siti = await case(hotline, 1, "Siti Nurhaliza", BORN, "Sihanoukville, Jin Bei")
    other = await case(hotline, 2, "Dewi Lestari", date(1990, 1, 2))
    found = await matches(hotline, await search(hotline, "Siti Nurhalisa", BORN, "Sihanoukville"))
    assert set(found) == {siti} and other not in found
    assert found[siti].score >= 90
    assert {"birth", "place"} <= set(found[siti].reasons)
    assert any(r.startswith("name_") for r in found[siti].reasons)


async def test_without_a_birth_date_the_name_alone_finds_the_case(hotline: Hotline) -> None:
    budi = await case(hotline, 1, "Muhammad Budi Santoso")  # no date of birth given in the report
    found = await matches(hotline, await search(hotline, "Moh. Budi Santosa"))
    assert set(found) == {budi}
    assert 50 <= found[budi].score < 90 and "birth" not in found[budi].reasons


async def test_another_birth_date_weakens_a_like_name_and_a_stranger_is_not_proposed(
    hotline: Hotline,
) -> None:
    await case(hotline, 1, "Rizky Pratama", date(1999, 3, 3))
    assert await matches(hotline, await search(hotline, "Rizki Pratama", date(1980, 1, 1))) == {}
    assert await matches(hotline, await search(hotline, "Agus Wijaya")) == {}


async def test_a_case_that_comes_later_is_matched_against_the_open_search(hotline: Hotline) -> None:
    search_id = await search(hotline, "Siti Nurhalisa", BORN)
    assert await matches(hotline, search_id) == {}
    later = await case(hotline, 1, "Siti Nur Haliza", BORN)
    assert set(await matches(hotline, search_id)) == {later}


async def test_nothing_but_hashes_is_kept_to_match(hotline: Hotline) -> None:
    search_id = await search(hotline, "Siti Nurhalisa", BORN)
    async with hotline.sessions() as session:
        keys = list(await session.scalars(select(NameKey.key).where(NameKey.owner == "search")))
        stored = await session.get_one(Search, search_id)
    assert keys and all(len(k) == 64 and "siti" not in k for k in keys)
    assert (
        stored.birth_hash and "1995" not in stored.birth_hash and stored.reference == f"CARI-{search_id:06d}"
    )


async def test_a_search_ends_after_the_retention_days_and_keeps_nothing(hotline: Hotline) -> None:
    siti = await case(hotline, 1, "Siti Nurhaliza", BORN)
    search_id = await search(hotline, "Siti Nurhalisa", BORN)
    await erase_expired(hotline.sessions, "PNH", NOW + timedelta(days=179), 180)
    async with hotline.sessions() as session:
        assert (await session.get_one(Search, search_id)).status == "open"
    await erase_expired(hotline.sessions, "PNH", NOW + timedelta(days=181), 180)
    async with hotline.sessions() as session:
        ended = await session.get_one(Search, search_id)
        assert ended.status == "expired"
        assert (ended.sought_name, ended.sought_birth, ended.birth_hash, ended.seeker_contact) == (None,) * 4
        assert list(await session.scalars(select(NameKey).where(NameKey.owner == "search"))) == []
    assert await matches(hotline, search_id) == {}
    assert siti  # the case itself is not the search's to end


async def test_a_question_held_for_the_person_found_is_not_sent_once_the_search_ends(
    hotline: Hotline,
) -> None:
    """She said "wait until I write": the officer's question waits. Asked twice (a double click), it
    waits once; the relative's /delete, or the search's end, takes it back before she ever reads
    that someone is asking for her."""
    from storage.models import OutboxMessage

    async def questions() -> list[OutboxMessage]:
        async with hotline.sessions() as session:
            query = select(OutboxMessage).where(OutboxMessage.kind == "found_ask").order_by(OutboxMessage.id)
            return list(await session.scalars(query))

    siti = await case(hotline, 1, "Siti Nurhaliza", BORN)
    first = await search(hotline, "Siti Nurhalisa", BORN)
    assert await hotline.families.ask(first, siti, 9001)
    await hotline.families.ask(first, siti, 9001)
    assert [q.status for q in await questions()] == ["held"]
    async with hotline.sessions() as session, session.begin():
        seeker = (await session.get_one(Search, first)).seeker_user_id
        await searches.erase_seeker(session, seeker)
    assert [q.status for q in await questions()] == ["failed"]

    second = await search(hotline, "Siti Nur Halisa", BORN)  # another relative (another length: id)
    assert await hotline.families.ask(second, siti, 9001)
    assert [q.status for q in await questions()] == ["failed", "held"]
    # officers think better of it and ask another Siti: the first one is not asked after all
    other = await case(hotline, 2, "Siti Nurhalisa", BORN)
    assert await hotline.families.ask(second, other, 9001)
    assert [q.status for q in await questions()] == ["failed", "failed", "held"]
    await erase_expired(hotline.sessions, "PNH", NOW + timedelta(days=181), 180)
    assert [q.status for q in await questions()] == ["failed", "failed", "failed"]


async def test_asking_a_case_merged_into_another_asks_the_person_of_the_case_kept(hotline: Hotline) -> None:
    """A friend reported Siti from his phone; her own report came later and the friend's was merged
    into it. The family's question is for Siti, in her chat, never for the friend's."""
    from storage.models import OutboxMessage

    friends = await case(hotline, 1, "Siti Nurhaliza", BORN)
    search_id = await search(hotline, "Siti Nurhalisa", BORN)
    assert set(await matches(hotline, search_id)) == {friends}
    own = await case(hotline, 2, "Siti Nurhaliza", BORN)
    async with hotline.sessions() as session, session.begin():
        (await session.get_one(Report, friends)).merged_into_id = own
    assert await hotline.families.ask(search_id, friends, 9001)
    async with hotline.sessions() as session:
        question = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "found_ask"))
        ).one()
        assert question.chat_id == 2 and question.report_id == own
        assert (await session.get_one(Search, search_id)).report_id == own
