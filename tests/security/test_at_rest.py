"""Personal data at rest: a leaked database file shows none of what a citizen typed.

A citizen reports through a real runtime and the emulator, an officer answers, and then the raw bytes
of the SQLite file and its write-ahead log are searched for every value: none is found. The export
still shows them (decrypted), and the lookup hashes find the case by NIK, passport or phone. A
database from before the encryption is encrypted by its migration.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text

from bot.cli import render_cases
from bot.services.reports import find_reports
from emulator import Emulator
from storage.db import make_engine, make_sessionmaker
from storage.migrate import alembic_config, upgrade
from storage.models import OutboxMessage, Report, ReportEvent
from tests.e2e.conftest import Running, running
from tests.e2e.phone import FAMILY_QUESTION, PHONE_QUESTION, SAFETY_QUESTION, WAY_HOME, Phone
from tests.e2e.test_officers import GROUP, OFFICER, officer_settings, stored
from tests.support.databases import database_url, sqlite_only

NIK = "3201015708950001"
PASSPORT = "B1234567"
PHONE = "+6281234567890"
NAME = "Wulandari Kusumawati"
FAMILY = "Ibu Suparmi 081298765432"
PLACE = "Kompleks Jin Bei dekat pantai Otres"
NOTES = "Kami disekap di lantai tiga gedung biru"
LATER = "Paspor saya ditahan mandor Zhang"
RELAY = "Besok jam sembilan datang ke pintu samping"
PROFILE = "Melati"
WHEN = datetime(2026, 1, 1, tzinfo=UTC)
# Each value as the hotline may have stored it (the phone also without its +, the NIK's digits, …)
SECRETS = {
    "NIK": [NIK],
    "passport": [PASSPORT],
    "phone": [PHONE, PHONE[1:], "081234567890"],
    "full name": [NAME],
    "family contact": [FAMILY, "Suparmi"],
    "place": [PLACE, "Jin Bei"],
    "notes": [NOTES],
    "citizen's message": [LATER, "mandor Zhang"],
    "officer's answer": [RELAY],
    "profile name": [PROFILE],
}


@pytest.fixture
async def desk(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    emu.create_group(GROUP, "Duty officers", [emu.user(OFFICER, first_name="Budi")])
    async with running(officer_settings(emu, tmp_path, framework, "polling"), emu) as r:
        yield r


async def report_everything(phone: Phone) -> None:
    await phone.command("start", "Do you agree to continue?")
    await phone.tap("f:welcome:agree", "Is it safe for you to talk now?")
    await phone.tap("f:safe:yes", "Or choose the city:")
    await phone.tap(
        "f:location:sihanoukville",
        "Type the name of the place, building or compound, and a landmark near it.",
    )
    await phone.say(PLACE, "Where is your passport?")
    await phone.tap("f:passport:held", "If you know your passport number, type it (for example A1234567).")
    await phone.say("b 123-4567", SAFETY_QUESTION)
    await phone.pick("safety", ("not_free",), "What is your full name, as written in your passport?")
    await phone.say(NAME, "What is your date of birth? For example 17-08-1995.")
    await phone.say("17/8/95", "If you know your NIK (the 16-digit number on your KTP), type it.")
    await phone.say(NIK, PHONE_QUESTION)  # the NIK names the province: it is not asked
    await phone.say("0812-3456-7890", FAMILY_QUESTION)
    await phone.say(FAMILY, "How many other Indonesians are with you? Choose or type a number.")
    await phone.say("4", None)
    await phone.skip_the_way_home("Is there anything else we should know?", children=True)
    await phone.say(NOTES, "Please check your report:")
    await phone.tap(
        "sum:send",
        "✅ Your report is sent. Your reference number is {reference}. Please keep it.",
        reference="PNH-000001",
    )


def plaintext_found(files: list[Path]) -> dict[str, int]:
    """How many times each personal value occurs in the raw bytes of these files."""
    data = b"".join(f.read_bytes() for f in files if f.exists())
    return {name: sum(data.count(v.encode()) for v in forms) for name, forms in SECRETS.items()}


@sqlite_only
async def test_a_database_file_shows_none_of_what_the_citizen_typed(desk: Running) -> None:
    emu = desk.emu
    phone = Phone(emu, 7001, "en", desk.hotline.catalogs, name=PROFILE)
    await report_everything(phone)
    card = await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=10)
    await stored(desk, card.message_id)
    await emu.send_text(phone.user, LATER)
    await emu.wait_for_bot_message(GROUP, contains=LATER, timeout=10)  # relayed to the officers
    await emu.reply_to(emu.user(OFFICER, first_name="Budi"), GROUP, card.message_id, RELAY)
    await emu.wait_for_bot_message(phone.chat_id, contains=RELAY, timeout=10)

    async with desk.hotline.sessions() as session:
        report = (await session.scalars(select(Report))).one()
        assert (report.nik, report.passport_number, report.phone) == (NIK, PASSPORT, PHONE)
        assert (report.full_name, report.family_contact, report.place, report.notes) == (
            NAME, FAMILY, PLACE, NOTES,
        )  # fmt: skip
        texts = [e.detail.get("text") for e in await session.scalars(select(ReportEvent))]
        assert LATER in texts and RELAY in texts

    db = desk.settings.sqlite_path
    assert db is not None
    files = [db, db.with_name(db.name + "-wal")]
    assert files[1].exists() and files[1].stat().st_size > 0  # the log is searched while the bot runs
    sanity = b"".join(f.read_bytes() for f in files)
    assert b"sihanoukville" in sanity  # the city stays plain (audiences filter on it): the search works
    found = plaintext_found(files)
    print(f"\nplaintext personal values in {db.name} and its -wal while running: {found}")
    assert found == dict.fromkeys(SECRETS, 0)

    content, count = await render_cases(desk.settings, "csv", [], [])
    row = next(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert count == 1
    assert (row["nik"], row["passport_number"], row["phone"], row["full_name"]) == (
        NIK,
        PASSPORT,
        PHONE,
        NAME,
    )
    assert (row["family_contact"], row["place"], row["notes"]) == (FAMILY, PLACE, NOTES)
    for typed in (NIK, "b1234567", "0812 3456 7890", "+62 812-3456-7890"):
        assert (await render_cases(desk.settings, "csv", [], [], find=typed))[1] == 1, typed
    assert (await render_cases(desk.settings, "csv", [], [], find="3201015708950002"))[1] == 0


async def test_lookup_hashes_find_reports_not_values(tmp_path: Path) -> None:
    engine = make_engine(database_url(tmp_path, "h"))
    try:
        await upgrade(engine)
        sessions = make_sessionmaker(engine)
        async with sessions() as session, session.begin():
            from storage.models import Citizen

            citizen = Citizen(telegram_user_id=1, chat_id=1)
            session.add(citizen)
            await session.flush()
            session.add(Report(citizen_id=citizen.id, language="id", nik=NIK, phone=PHONE))
            session.add(Report(citizen_id=citizen.id, language="id", passport_number=PASSPORT))
        async with sessions() as session:
            first, second = (await session.scalars(select(Report).order_by(Report.id))).all()
            assert first.nik_hash and first.phone_hash and first.passport_hash is None
            assert NIK not in (first.nik_hash or "")
            assert [r.id for r in await find_reports(session, "3201 0157 0895 0001")] == [first.id]
            assert [r.id for r in await find_reports(session, "0812 3456 7890")] == [first.id]
            assert [r.id for r in await find_reports(session, "B1234567")] == [second.id]
            assert await find_reports(session, "nothing to find") == []
        async with sessions() as session, session.begin():
            first = (await session.scalars(select(Report).order_by(Report.id))).first() or first
            first.nik = None  # a changed value changes its hash
        async with sessions() as session:
            assert await find_reports(session, NIK) == []
    finally:
        await engine.dispose()


async def test_the_migration_encrypts_what_was_stored_in_plaintext(tmp_path: Path) -> None:
    url = database_url(tmp_path, "old")
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(lambda sync: _upgrade_to(sync, "0003"))
            await conn.execute(
                text(
                    "INSERT INTO citizens (id, telegram_user_id, chat_id, contact_pref, "
                    "created_at, updated_at) VALUES (1, 1, 1, 'any', :t, :t)"
                ),
                {"t": WHEN},
            )
            await conn.execute(
                text("INSERT INTO reports (id, reference, citizen_id, status, priority, sos, submitted, "
                     "language, tags, nik, full_name, latitude, birth_date, notes, created_at, updated_at) "
                     "VALUES (1, 'PNH-000001', 1, 'new', 'P3', false, true, 'id', '[]', :nik, :name, "
                     "11.5564, :born, :notes, :t, :t)"),
                {"nik": NIK, "name": NAME, "born": date(1995, 8, 17), "notes": NOTES, "t": WHEN},
            )  # fmt: skip
            await conn.execute(
                text("INSERT INTO report_events (report_id, actor, kind, detail, at) "
                     "VALUES (1, 'citizen', 'citizen_message', :d, :t)"),
                {"d": json.dumps({"text": LATER}), "t": WHEN},
            )  # fmt: skip
        await upgrade(engine)
        async with make_sessionmaker(engine)() as session:
            report = (await session.scalars(select(Report))).one()
            stored_values = (report.nik, report.full_name, report.latitude, report.notes)
            assert stored_values == (NIK, NAME, 11.5564, NOTES)
            assert report.birth_date is not None and report.birth_date.isoformat() == "1995-08-17"
            event = (await session.scalars(select(ReportEvent))).one()
            assert event.detail == {"text": LATER}
            assert [r.id for r in await find_reports(session, NIK)] == [1]
            assert (await session.scalars(select(OutboxMessage))).all() == []
        async with engine.connect() as conn:
            raw = (await conn.execute(text("SELECT nik, full_name, notes FROM reports"))).one()
            assert all(NIK.encode() not in bytes(v) and b"Wulandari" not in bytes(v) for v in raw)
    finally:
        await engine.dispose()
    if url.startswith("sqlite"):  # nor in the file's free pages or its log: the old rows were overwritten
        db = tmp_path / "old.db"
        found = plaintext_found([db, db.with_name("old.db-wal")])
        print(f"\nplaintext personal values in {db.name} after the migration: {found}")
        assert found == dict.fromkeys(SECRETS, 0)


def _upgrade_to(connection: object, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)


async def short_report(phone: Phone, passport: str, reference: str) -> None:
    await phone.command("start", "Do you agree to continue?")
    await phone.tap("f:welcome:agree", "Is it safe for you to talk now?")
    await phone.tap("f:safe:yes", "Or choose the city:")
    await phone.locate(11.5564, 104.9282, "Where is your passport?")
    await phone.tap("f:passport:with_me", "If you know your passport number, type it (for example A1234567).")
    await phone.say(passport, SAFETY_QUESTION)
    await phone.pick("safety", ("not_free",), "What is your full name, as written in your passport?")
    for skip in ("full_name", "birth_date", "nik", "home_province", "phone", "family_contact", "companions"):
        await phone.tap(f"f:{skip}:-", None)
    for skip in WAY_HOME:
        await phone.tap(f"f:{skip}:-", None)
    await phone.tap("f:notes:-", "Please check your report:")
    await phone.tap(
        "sum:send", "✅ Your report is sent. Your reference number is {reference}. Please keep it.",
        reference=reference,
    )  # fmt: skip


async def test_details_name_the_other_cases_with_the_same_passport(desk: Running) -> None:
    emu = desk.emu
    await short_report(Phone(emu, 7201, "en", desk.hotline.catalogs), PASSPORT, "PNH-000001")
    await short_report(Phone(emu, 7202, "id", desk.hotline.catalogs), "b-123 4567", "PNH-000002")
    await short_report(Phone(emu, 7203, "en", desk.hotline.catalogs), "A7654321", "PNH-000003")
    budi = emu.user(OFFICER, first_name="Budi")
    for number, alike in ((2, "PNH-000001"), (1, "PNH-000002")):
        card = await emu.wait_for_bot_message(GROUP, contains=f"PNH-00000{number}", timeout=10)
        after = max(e.message_id for e in emu.bot_messages(GROUP))
        await emu.press(budi, GROUP, card.message_id, f"o:det:{number}")
        details = await emu.wait_for_bot_message(GROUP, contains="📄", timeout=10, after=after)
        assert details.protect_content
        assert f"Same NIK, passport or phone number as: {alike}" in (details.text or "")
    card = await emu.wait_for_bot_message(GROUP, contains="PNH-000003", timeout=10)
    after = max(e.message_id for e in emu.bot_messages(GROUP))
    await emu.press(budi, GROUP, card.message_id, "o:det:3")
    details = await emu.wait_for_bot_message(GROUP, contains="📄", timeout=10, after=after)
    assert "Same NIK" not in (details.text or "")
