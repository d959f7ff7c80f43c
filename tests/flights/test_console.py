"""Flights in the console over HTTP, with the bot and the emulator running (both runtimes): staff
plan a flight (a bad form says why and keeps what was typed), put cases on it by references and
from the cases table's filters, each case that cannot travel refused with its reason on the page;
the manifest reads back as CSV, XLSX (NIK and phones as text) and PDF (names and totals); every
download is in the cases' history. Officers see the flight but cannot plan."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emulator import Emulator
from storage.models import ReportEvent
from tests.console.office import office as staff_office
from tests.console.test_broadcasts import link
from tests.console.test_login_and_cases import browser, csrf_of, log_in
from tests.e2e.conftest import Running
from tests.flights.seed import Traveller, people_of, prepare

GROUP, OFFICER, STAFF = -1001000000181, 9811, 9812
TRAVELLERS = [
    Traveller(8201, "Siti Aminah", children=2),
    Traveller(8202, "Budi Santoso", sex="male", nik="3201987654321098", phone="+6285711112222",
              document="passport", number="C9876543"),
    Traveller(8203, "Ani Lestari", stage="document_ready"),
    Traveller(8204, "=Dewi", stage="cleared"),
]  # fmt: skip
FLIGHT = {"kind": "flight", "departs": "2026-12-20T07:30", "carrier": "AirAsia", "number": "QZ 123",
          "origin": "Phnom Penh", "destination": "Jakarta", "seats": "10", "meet_at": "2026-12-20T04:30",
          "meet_place": "KBRI gate", "bring": "One bag only."}  # fmt: skip


@pytest.fixture
async def office(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    async def ready(sessions: async_sessionmaker[AsyncSession], refs: dict[int, str]) -> None:
        await prepare(sessions, refs, TRAVELLERS)

    async with staff_office(
        emu, tmp_path, framework, people_of(TRAVELLERS), datetime.now(UTC), GROUP, OFFICER, STAFF, ready
    ) as r:
        yield r


async def test_staff_plan_a_flight_assign_cases_and_download_the_manifest(office: Running) -> None:
    base = office.settings.console_base
    async with browser() as http:
        assert (await log_in(http, await link(office, STAFF, "Dewi"))).status == 303
        async with http.get(f"{base}/flights/new") as page:
            token = csrf_of(await page.text())
        bad = {**FLIGHT, "csrf": token, "seats": "0", "departs": "soon"}
        async with http.post(f"{base}/flights/new", data=bad) as refused:
            html = await refused.text()
        assert refused.status == 400
        assert "Seats must be a whole number above 0" in html and "day and time of departure" in html
        assert 'value="KBRI gate"' in html and "One bag only." in html  # what was typed stays
        async with http.post(
            f"{base}/flights/new", data={**FLIGHT, "csrf": token}, allow_redirects=False
        ) as made:
            assert made.status == 303
            where = made.headers["Location"]
        async with http.post(
            f"{base}{where}/add", data={"csrf": token, "references": "PNH-000001 3\nPNH-000099"}
        ) as added:
            html = await added.text()
        assert "Added: 1 (PNH-000001)" in html
        assert "PNH-000003: not cleared by immigration yet" in html
        assert "PNH-000099: there is no such case" in html
        assert "PNH-000001" in html and "PNH-000003\nPNH-000099" not in html

        # from the cases table: every cleared case its filters keep
        async with http.get(f"{base}/cases", params={"sort": "reference"}) as table:
            html = await table.text()
        assert "/flights/assign?" in html
        async with http.get(f"{base}/flights/assign", params={"sort": "reference"}) as assign:
            html = await assign.text()
        assert "Add the 4 cases found to a flight" in html and "QZ 123 (AirAsia)" in html
        number = where.rsplit("/", 1)[1]
        form = {"csrf": token, "back": "sort=reference", "all": "1", "flight": number}
        async with http.post(f"{base}/flights/assign", data=form) as added:
            html = await added.text()
        assert "Added: 2 (PNH-000002, PNH-000004)" in html
        assert "PNH-000001: already on this flight" in html
        async with http.get(f"{base}{where}") as page:
            html = await page.text()
        assert re.search(r'<tr id="counts">.*?<td class="n">10</td><td class="n">3</td>', html, re.S)

        async with http.get(f"{base}{where}/manifest.csv") as got:
            assert got.status == 200 and "attachment" in got.headers["Content-Disposition"]
            text = (await got.read()).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == [
            "Name",
            "Date of birth",
            "Sex",
            "Document",
            "Document number",
            "NIK",
            "Home province",
            "Phone",
        ]
        assert [r[0] for r in rows[1:4]] == [
            "'=Dewi",
            "Budi Santoso",
            "Siti Aminah",
        ]  # by name, formula inert
        assert rows[2] == ["Budi Santoso", "1998-05-17", "M", "Passport", "C9876543", "3201987654321098",
                           "Jawa Barat", "+6285711112222"]  # fmt: skip
        assert "Passengers: 3 · female: 2 · male: 1 · children travelling with them: 2" in text

        async with http.get(f"{base}{where}/manifest.xlsx") as got:
            book = load_workbook(io.BytesIO(await got.read()))
        sheet = book.active
        assert sheet is not None
        header = [c.value for c in sheet[2]]
        assert header[5] == "NIK" and sheet.cell(2, 1).font.b
        budi = next(row for row in sheet.iter_rows(min_row=3) if row[0].value == "Budi Santoso")
        assert budi[5].value == "3201987654321098" and budi[5].number_format == "@"
        assert budi[7].value == "+6285711112222" and budi[7].number_format == "@"
        assert budi[4].number_format == "@"
        assert any("Passengers: 3" in str(c.value) for c in sheet["A"])

        async with http.get(f"{base}{where}/manifest.pdf") as got:
            pdf = PdfReader(io.BytesIO(await got.read()))
        words = "\n".join(p.extract_text() for p in pdf.pages)
        assert "Siti Aminah" in words and "Budi Santoso" in words and "QZ 123" in words
        assert "Passengers: 3" in words and "female: 2" in words and "Page 1 of 1" in words

    async with office.hotline.sessions() as session:
        kinds = list(await session.scalars(select(ReportEvent.detail).where(ReportEvent.kind == "exported")))
    assert sorted(k["status"] for k in kinds).count("manifest-pdf") == 3

    # officers see the flight, but cannot plan or download
    async with browser() as http:
        assert (await log_in(http, await link(office, OFFICER, "Budi"))).status == 303
        async with http.get(f"{base}/flights") as listed:
            assert "QZ 123" in await listed.text()
        async with http.get(f"{base}/flights/new") as page:
            assert page.status == 403
        async with http.get(f"{base}{where}/manifest.csv") as page:
            assert page.status == 403
