"""CSV and XLSX: what a duty officer opens in a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl

from bot.services.exports import COLUMNS, to_csv, to_xlsx
from storage.models import Report
from tests.exports.conftest import NAMES, TELEGRAM_IDS, ZONE, load


def csv_rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


async def test_csv_has_one_row_per_case_with_stable_english_columns(cases: list[Report]) -> None:
    rows = csv_rows(to_csv(cases, ZONE))
    assert list(rows[0]) == [c.name for c in COLUMNS]
    # no Telegram ids: neither the citizen's nor the officers'
    assert not {"telegram_user_id", "chat_id", "acknowledged_by", "assigned_to"} & set(rows[0])
    assert [r["reference"] for r in rows] == [c.reference for c in cases]


async def test_csv_values(cases: list[Report]) -> None:
    full, sos, no_position, *_ = csv_rows(to_csv(cases, ZONE))
    assert full["full_name"] == NAMES[0]
    assert full["place"] == "Kompleks Jin Bei — gedung 3"
    assert full["status"] == "in_progress" and full["priority"] == "P2"
    assert (
        full["passport_status"] == "held" and full["safety"] == "not_free" and full["city"] == "sihanoukville"
    )
    assert full["home_province"] == "Jawa Barat"  # the name, not the code 32
    assert full["nik"] == "3201014501990001" and full["phone"] == "+6281234567890"
    # 23:30 UTC on the 14th is 06:30 on the 15th in Phnom Penh
    assert full["created_at"] == "2026-01-15T06:30:00+07:00"
    assert datetime.fromisoformat(full["created_at"]).utcoffset() is not None
    assert full["birth_date"] == "1999-01-05"
    assert full["companions"] == "3" and full["latitude"] == "10.6104" and full["longitude"] == "103.5297"
    assert full["sos"] == "false" and full["submitted"] == "true"
    assert full["contact_pref"] == "any" and full["assigned_name"] == "Officer Budi"
    assert full["notes"].startswith("'=HYPERLINK")  # a spreadsheet shows it, never runs it
    assert sos["sos"] == "true" and sos["submitted"] == "false" and sos["full_name"] == ""
    assert sos["contact_pref"] == "on_reply" and sos["consent_at"] == ""
    assert no_position["latitude"] == "" and no_position["tags"] == "wave-3;wave-4"
    assert no_position["status"] == "repatriated" and no_position["companions"] == "0"


async def test_csv_filtered_by_status_and_by_tag(db_url: str) -> None:
    rows = csv_rows(to_csv(await load(db_url, ["repatriated", "closed"]), ZONE))
    assert [(r["reference"], r["status"]) for r in rows] == [
        ("PNH-000003", "repatriated"),
        ("PNH-000004", "closed"),
    ]
    rows = csv_rows(to_csv(await load(db_url, tags=["wave-4"]), ZONE))
    assert [r["reference"] for r in rows] == ["PNH-000002", "PNH-000003"]
    assert all("wave-4" in r["tags"].split(";") for r in rows)


async def test_no_telegram_id_in_any_table(cases: list[Report]) -> None:
    for content in (to_csv(cases, ZONE), to_xlsx(cases, ZONE)):
        sheet = content.decode("utf-8", "replace") if content[:3] == b"\xef\xbb\xbf" else _xlsx_text(content)
        assert not any(str(i) in sheet for i in TELEGRAM_IDS)
        assert "telegram" not in sheet.lower()


def _xlsx_text(content: bytes) -> str:
    ws = openpyxl.load_workbook(io.BytesIO(content))["cases"]
    return "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row)


async def test_xlsx_cells_are_typed(cases: list[Report]) -> None:
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx(cases, ZONE)))["cases"]
    header = [c.value for c in ws[1]]
    assert header[0] == "reference" and "created_at (Asia/Phnom_Penh)" in header
    col = {name.split(" ")[0]: i + 1 for i, name in enumerate(header)}
    assert ws.max_row == len(cases) + 1

    created = ws.cell(2, col["created_at"])
    assert isinstance(created.value, datetime) and created.value.tzinfo is None
    assert created.value == datetime(2026, 1, 15, 6, 30)  # the mission's wall-clock time
    assert created.is_date and "yyyy" in created.number_format
    birth = ws.cell(2, col["birth_date"])
    assert birth.is_date and birth.value.date() == date(1999, 1, 5) and "h" not in birth.number_format
    companions = ws.cell(2, col["companions"]).value
    assert isinstance(companions, int) and not isinstance(companions, bool) and companions == 3
    assert ws.cell(2, col["sos"]).value is False and ws.cell(3, col["sos"]).value is True
    assert isinstance(ws.cell(2, col["latitude"]).value, float)
    assert ws.cell(2, col["nik"]).value == "3201014501990001"  # text: all sixteen digits kept
    assert ws.cell(2, col["home_province"]).value == "Jawa Barat"
    assert ws.cell(2, col["full_name"]).value == NAMES[0]
    assert ws.cell(4, col["tags"]).value == "wave-3;wave-4"
    notes = ws.cell(2, col["notes"])
    assert notes.data_type == "s" and notes.value.startswith("=HYPERLINK")  # text, not a formula
    assert ws.cell(3, col["full_name"]).value is None


async def test_xlsx_header_frozen_filtered_and_sized(cases: list[Report]) -> None:
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx(cases, ZONE)))["cases"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(COLUMNS))}{len(cases) + 1}"
    assert ws["A1"].font.bold
    assert ws.column_dimensions["A"].width >= 12
    created = next(c.column_letter for c in ws[1] if str(c.value).startswith("created_at"))
    assert ws.column_dimensions[created].width >= len("created_at (Asia/Phnom_Penh)")


async def test_an_empty_export_is_still_a_valid_file() -> None:
    assert csv_rows(to_csv([], ZONE)) == []
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx([], ZONE)))["cases"]
    assert ws.max_row == 1 and ws.freeze_panes == "A2"
