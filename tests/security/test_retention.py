"""Retention and the citizen's own /delete: personal values, the words in the trail and the outbox,
and drafts go; the trail says that it happened, not what it was.

Retention is checked on the service, as `hotline erase-expired`, and inside a running bot; /delete
end to end on both runtimes, with the officers' card showing the erasure.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.services.drafts import expire_drafts
from bot.services.retention import erase_expired
from emulator import Emulator
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from storage.models import Citizen, Conversation, OutboxMessage, Report, ReportEvent
from tests.e2e.conftest import Running, e2e_settings, running
from tests.e2e.phone import Phone
from tests.e2e.test_officers import GROUP, OFFICER, officer_settings, report_to_the_end, stored
from tests.e2e.test_officers import card as card_of
from tests.support.databases import database_url
from tests.unit.test_cli import ROOT, hotline

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DAYS = 180


async def seed_case(
    session: object, number: int, status: str, closed_days_ago: int | None, created_days_ago: int = 400
) -> int:
    """A case with every kind of personal value, a trail quoting the citizen, a relay and a draft."""
    from sqlalchemy.ext.asyncio import AsyncSession

    assert isinstance(session, AsyncSession)
    created = NOW - timedelta(days=created_days_ago)
    updated = created if closed_days_ago is None else NOW - timedelta(days=closed_days_ago)
    citizen = Citizen(telegram_user_id=number, chat_id=number, created_at=created, updated_at=created)
    session.add(citizen)
    await session.flush()
    report = Report(
        reference=f"PNH-{number:06d}", citizen_id=citizen.id, language="id", status=status, submitted=True,
        full_name=f"Nama {number}", nik=f"32010157089500{number:02d}",
        passport_number=f"B12345{number:02d}", phone=f"+62812345678{number:02d}", family_contact="Ibu 0812",
        place="Gedung biru", notes="Disekap", latitude=11.5, longitude=104.9, birth_date=date(1995, 8, 17),
        profile_name="Melati", city="phnom_penh", created_at=created, updated_at=updated,
    )  # fmt: skip
    session.add(report)
    await session.flush()
    session.add(ReportEvent(report_id=report.id, actor="citizen", kind="citizen_message",
                            detail={"text": "tolong saya"}, at=created))  # fmt: skip
    if closed_days_ago is not None:
        session.add(ReportEvent(report_id=report.id, actor="officer:1", kind="status",
                                detail={"status": status, "before": "in_progress"},
                                at=NOW - timedelta(days=closed_days_ago)))  # fmt: skip
    relay = {"type": "send", "chat_id": number, "text": "Datang besok"}
    session.add(OutboxMessage(chat_id=number, kind="relay_out", report_id=report.id, status="held",
                              payload=relay))  # fmt: skip
    session.add(Conversation(chat_id=number, step="done", data={"full_name": f"Nama {number}"},
                             report_id=report.id, message_ids={"ids": [1, 2]}))  # fmt: skip
    return report.id


async def test_closed_long_ago_loses_its_personal_data_a_recent_one_keeps_it(tmp_path: Path) -> None:
    engine = make_engine(database_url(tmp_path, "ret"))
    try:
        await upgrade(engine)
        sessions = make_sessionmaker(engine)
        async with sessions() as session, session.begin():
            old = await seed_case(session, 1, "closed", closed_days_ago=DAYS + 20)
            recent = await seed_case(session, 2, "closed", closed_days_ago=10)
            still_open = await seed_case(
                session, 3, "in_progress", closed_days_ago=None, created_days_ago=900
            )
            done_long_ago = await seed_case(session, 4, "repatriated", closed_days_ago=DAYS + 1)
        assert await erase_expired(sessions, "PNH", NOW, DAYS) == 2
        assert await erase_expired(sessions, "PNH", NOW, DAYS) == 0  # done once, not again

        async with sessions() as session:
            for erased in (old, done_long_ago):
                report = await session.get(Report, erased)
                assert report is not None and report.erased_at is not None
                assert [report.full_name, report.nik, report.passport_number, report.phone] == [None] * 4
                assert [report.family_contact, report.place, report.notes, report.profile_name] == [None] * 4
                assert [report.latitude, report.longitude, report.birth_date] == [None] * 3
                assert [report.nik_hash, report.passport_hash, report.phone_hash] == [None] * 3
                assert report.city is None and report.status in ("closed", "repatriated")
                trail = list(
                    await session.scalars(select(ReportEvent).where(ReportEvent.report_id == erased))
                )
                assert all("text" not in e.detail for e in trail)
                assert trail[-1].kind == "erased_retention" and trail[-1].actor == "system"
                assert trail[-1].detail == {}
                relay = (
                    await session.scalars(select(OutboxMessage).where(OutboxMessage.report_id == erased))
                ).one()
                assert relay.payload == {} and relay.status == "failed"  # the held relay never goes
                draft = await session.get(Conversation, report.citizen_id)
                assert draft is not None and draft.data == {} and draft.report_id is None
            for kept in (recent, still_open):
                report = await session.get(Report, kept)
                assert report is not None and report.erased_at is None
                assert report.full_name is not None and report.nik_hash is not None
                trail = list(await session.scalars(select(ReportEvent).where(ReportEvent.report_id == kept)))
                assert trail[0].detail == {"text": "tolong saya"}
                draft = await session.get(Conversation, report.citizen_id)
                assert draft is not None and draft.data != {}
    finally:
        await engine.dispose()


async def test_a_case_merged_into_one_closed_long_ago_is_erased_with_it(tmp_path: Path) -> None:
    """The same person reported twice, one case merged into the other: officers close only the case
    kept (the merged one is off every list), so the merged one goes when the case kept goes."""
    engine = make_engine(database_url(tmp_path, "merged"))
    try:
        await upgrade(engine)
        sessions = make_sessionmaker(engine)
        async with sessions() as session, session.begin():
            kept = await seed_case(session, 1, "closed", closed_days_ago=DAYS + 20)
            merged = await seed_case(session, 2, "new", closed_days_ago=None)
            open_kept = await seed_case(session, 3, "in_progress", closed_days_ago=None)
            merged_open = await seed_case(session, 4, "new", closed_days_ago=None)
            (await session.get_one(Report, merged)).merged_into_id = kept
            (await session.get_one(Report, merged_open)).merged_into_id = open_kept
        assert await erase_expired(sessions, "PNH", NOW, DAYS) == 2
        async with sessions() as session:
            for erased in (kept, merged):
                report = await session.get_one(Report, erased)
                assert report.erased_at is not None and report.full_name is None and report.nik_hash is None
            for alive in (open_kept, merged_open):
                report = await session.get_one(Report, alive)
                assert report.erased_at is None and report.full_name is not None
    finally:
        await engine.dispose()


async def test_hotline_erase_expired_says_how_many(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a server database's key file is in the working folder's var/
    url = database_url(tmp_path, "cli")
    engine = make_engine(url)
    try:
        await upgrade(engine)
        async with make_sessionmaker(engine)() as session, session.begin():
            await seed_case(session, 1, "closed", closed_days_ago=(datetime.now(UTC) - NOW).days + DAYS + 5)
            await seed_case(session, 2, "closed", closed_days_ago=0)
    finally:
        await engine.dispose()
    env = {"PYTHONPATH": str(ROOT), "HOTLINE_DATABASE_URL": url}
    result = hotline("erase-expired", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Erased the personal data of 1 case closed more than 180 days ago.",
        "Erased 0 drafts untouched for more than 7 days.",
    ]
    again = hotline("erase-expired", cwd=tmp_path, env=env)
    assert (
        again.stdout.splitlines()[0] == "Erased the personal data of 0 cases closed more than 180 days ago."
    )


async def test_a_draft_left_alone_is_erased_without_a_word(tmp_path: Path) -> None:
    """Drafts untouched for HOTLINE_DRAFT_DAYS go; nothing is sent; a sent report being updated, a
    younger draft and a finished chat stay; an SOS case keeps its case and its link."""
    engine = make_engine(database_url(tmp_path, "drafts"))
    old, young = NOW - timedelta(days=8), NOW - timedelta(days=6)
    try:
        await upgrade(engine)
        sessions = make_sessionmaker(engine)
        async with sessions() as session, session.begin():
            sos = Report(reference="PNH-000001", citizen_id=1, language="id", sos=True, created_at=old,
                         updated_at=old, full_name="Nama SOS")  # fmt: skip
            sent = Report(reference="PNH-000002", citizen_id=2, language="id", submitted=True, created_at=old,
                          updated_at=old)  # fmt: skip
            session.add_all([Citizen(id=i, telegram_user_id=i, chat_id=i) for i in range(1, 7)])
            await session.flush()
            session.add_all([sos, sent])
            await session.flush()
            draft = {"full_name": "Siti", "nik": "3201015708950001"}
            for chat, step, data, report, at in (
                (1, "passport", draft, sos.id, old),  # an SOS, then silence
                (2, "location", {"_mode": "update"}, sent.id, old),  # a sent report being updated
                (3, "nik", draft, None, old),  # a report begun and left
                (4, "nik", draft, None, young),  # left, but not for long enough
                (5, "done", {}, None, old),
                (6, "welcome", {}, None, old),
            ):
                session.add(Conversation(chat_id=chat, step=step, data=data, report_id=report, message_ids={},
                                         updated_at=at))  # fmt: skip
        assert await expire_drafts(sessions, NOW, 7) == 3
        async with sessions() as session:
            convs = {c.chat_id: c for c in await session.scalars(select(Conversation))}
            assert (convs[1].step, convs[1].data, convs[1].report_id) == ("new", {}, sos.id)
            assert convs[2].step == "location" and convs[2].data == {"_mode": "update"}
            assert (convs[3].step, convs[3].data) == ("new", {})
            assert convs[4].data == draft and convs[5].step == "done" and convs[6].step == "new"
            kept = await session.get(Report, sos.id)
            assert kept is not None and kept.full_name == "Nama SOS"  # the case is the embassy's
            assert list(await session.scalars(select(OutboxMessage))) == []  # not a word to anyone
        assert await expire_drafts(sessions, NOW, 7) == 0
    finally:
        await engine.dispose()


async def test_the_running_bot_erases_what_expired(emu: Emulator, tmp_path: Path, framework: str) -> None:
    settings = e2e_settings(emu, tmp_path, framework, "polling")
    engine = make_engine(settings.database_url)  # the same key file the bot reads
    try:
        await upgrade(engine)
        async with make_sessionmaker(engine)() as session, session.begin():
            long_ago = (datetime.now(UTC) - NOW).days + DAYS + 5
            expired = await seed_case(session, 1, "closed", closed_days_ago=long_ago)
    finally:
        await engine.dispose()
    async with running(settings, emu) as bot:
        for _ in range(100):
            async with bot.hotline.sessions() as session:
                report = await session.get(Report, expired)
                if report is not None and report.erased_at is not None:
                    break
            await asyncio.sleep(0.1)
        assert report is not None and report.erased_at is not None and report.full_name is None


@pytest.fixture
async def desk(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    emu.create_group(GROUP, "Duty officers", [emu.user(OFFICER, first_name="Budi")])
    async with running(officer_settings(emu, tmp_path, framework, "polling"), emu) as r:
        yield r


async def test_delete_erases_every_place_and_the_officers_see_that_it_happened(desk: Running) -> None:
    emu = desk.emu
    phone = Phone(emu, 7101, "en", desk.hotline.catalogs, name="Melati")
    await report_to_the_end(phone)
    card = await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=10)
    await stored(desk, card.message_id)
    await emu.send_text(phone.user, "Paspor saya ditahan mandor")
    await emu.wait_for_bot_message(GROUP, contains="Paspor saya ditahan mandor", timeout=10)
    await emu.reply_to(emu.user(OFFICER, first_name="Budi"), GROUP, card.message_id, "Kami datang besok")
    await emu.wait_for_bot_message(phone.chat_id, contains="Kami datang besok", timeout=10)
    today = datetime.now(UTC).astimezone(desk.settings.zone).date().isoformat()
    await emu.send_command(
        emu.user(OFFICER, first_name="Budi"), "stage", f"1 splp B7654321 {today}", chat_id=GROUP
    )
    await emu.wait_for_bot_message(GROUP, contains="SPLP issued B7654321", timeout=10)

    await phone.command("delete", None)
    await phone.tap("del:yes", "Your data has been deleted. Send /start if you need help again.")

    def card_text() -> str:
        return card_of(emu, "PNH-000001").text or ""

    await emu.wait_for(lambda: "🗑" in card_text(), timeout=10)
    assert "Siti Aminah" not in card_text() and "Melati" not in card_text()
    assert "B7654321" not in card_text()
    async with desk.hotline.sessions() as session:
        report = (await session.scalars(select(Report))).one()
        assert report.erased_at is not None and report.full_name is None and report.latitude is None
        trail = list(await session.scalars(select(ReportEvent).order_by(ReportEvent.id)))
        assert [e.kind for e in trail][-1] == "erased_by_citizen"
        assert all("text" not in e.detail for e in trail)
        assert {e.kind for e in trail} >= {"citizen_message", "officer_reply"}  # that they happened stays
        payloads = [r.payload for r in await session.scalars(select(OutboxMessage))]
        assert not any("text" in p or "Kami datang" in str(p) for p in payloads)
        draft = await session.get(Conversation, phone.chat_id)
        assert draft is not None and draft.data == {}
        # the way home keeps its stage, not the SPLP's number
        assert report.stage == "document_ready" and "B7654321" not in str(report.journey)
        assert not any("B7654321" in str(e.detail) for e in trail)

    after = max(e.message_id for e in emu.bot_messages(GROUP))
    await emu.send_command(emu.user(OFFICER, first_name="Budi"), "case", "PNH-000001", chat_id=GROUP)
    history = await emu.wait_for_bot_message(GROUP, contains="erased_by_citizen", timeout=10, after=after)
    assert "Paspor saya" not in (history.text or "") and "Kami datang" not in (history.text or "")
    assert "B7654321" not in (history.text or "")
