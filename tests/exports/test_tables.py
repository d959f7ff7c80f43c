"""CSV and XLSX: the CSV as a program reads it, the XLSX as a duty officer opens it in a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.services.exports import COLUMNS, to_csv, to_xlsx
from bot.services.exports.tabular import runs_as_formula
from storage.models import Report
from tests.exports.conftest import NAMES, NIKS, PASSPORTS, PHONES, TELEGRAM_IDS, ZONE, at, report, stream

IDENTIFIERS = ("nik", "phone", "family_contact", "passport_number", "document_number", "exit_permit")
WRAPPED = ("full_name", "place", "notes", "family_contact", "referred_to", "stage_reason")


def csv_rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


async def test_csv_has_one_row_per_case_with_stable_english_columns(db_url: str) -> None:
    content, written = await stream(db_url, "csv")
    rows = csv_rows(content)
    assert list(rows[0]) == [c.name for c in COLUMNS]
    # no Telegram ids: neither the citizen's nor the officers'
    assert not {"telegram_user_id", "chat_id", "acknowledged_by", "assigned_to"} & set(rows[0])
    assert [r["reference"] for r in rows] == [f"PNH-00000{n}" for n in range(1, 7)]
    assert written.rows == 6 and written.ids == [1, 2, 3, 4, 5, 6]


async def test_csv_values(db_url: str) -> None:
    full, sos, no_position, _, _, other = csv_rows((await stream(db_url, "csv"))[0])
    assert full["full_name"] == NAMES[0]
    assert full["place"] == "Kompleks Jin Bei — gedung 3"
    assert full["status"] == "in_progress" and full["priority"] == "P2"
    assert (
        full["passport_status"] == "held" and full["safety"] == "not_free" and full["city"] == "sihanoukville"
    )
    assert full["home_province"] == "Jawa Barat"  # the name, not the code 32
    assert full["nik"] == NIKS[0] and full["phone"] == PHONES[0]  # as written: no apostrophe
    assert full["created_at"] == "2026-01-14T23:30:00Z"  # UTC, for programs
    assert full["birth_date"] == "1999-01-05"
    assert full["companions"] == "3" and full["latitude"] == "10.6104" and full["longitude"] == "103.5297"
    assert full["sos"] == "false" and full["submitted"] == "true"
    assert full["contact_pref"] == "any" and full["assigned_name"] == "Officer Budi"
    assert full["notes"].startswith("'=HYPERLINK")  # a spreadsheet shows it, never runs it
    assert sos["sos"] == "true" and sos["submitted"] == "false" and sos["full_name"] == ""
    assert sos["contact_pref"] == "on_reply"
    assert no_position["latitude"] == "" and no_position["tags"] == "wave-3;wave-4"
    assert no_position["status"] == "repatriated" and no_position["companions"] == "0"
    # what a typed line starting with "-" or "+" says stays as typed: nothing there runs
    assert other["notes"] == "- paspor ditahan" and other["family_contact"] == "+62 812-3456-7890"


async def test_csv_has_the_way_home(db_url: str) -> None:
    full, sos, *_, referred, _ = csv_rows((await stream(db_url, "csv"))[0])
    assert full["sex"] == "female" and full["children"] == "1" and full["going_home"] == "yes"
    assert full["medical"] == "injury,pregnant" and full["documents_held"] == "ktp,kk"
    assert full["home_city"] == "Kabupaten Bandung"
    assert full["stage"] == "on_flight" and full["stage_at"] == "2026-01-20T09:00:00Z"
    assert full["identity_verified_by"] == "passport" and full["document"] == "splp"
    assert full["document_number"] == "0012345" and full["document_date"] == "2026-01-18"
    assert full["fine"] == "waived" and full["exit_permit"] == "EP-00123" and full["flight_id"] == "1"
    assert referred["stage"] == "referred" and referred["referred_to"] == "IOM Phnom Penh"
    assert referred["stage_reason"] == "needs a shelter"
    assert sos["stage"] == "reported" and sos["stage_at"] == "" and sos["document_number"] == ""


@pytest.mark.parametrize(
    ("typed", "guarded"),
    [
        ("=1+1", True), ("+SUM(A1)", True), ("-2+3", True), ("@x", True), ("\tcmd", True),
        ("\r=1", True), ("-A1", True), ("+cmd|' /C calc'!A0", True), ("- =HYPERLINK(\"x\")", True),
        ("- paspor ditahan", False), ("-", False), ("+", False), ("+62 812-3456-7890", False),
        ("+855123456789", False), ("+6281234567890", False), ("-5", False), ("+855 12 345 678", False),
        ("1/2", False), ("Ibu Siti", False), ("- dipukul, tolong", False),
    ],
)  # fmt: skip
def test_the_csv_guards_only_what_a_spreadsheet_would_run(typed: str, guarded: bool) -> None:
    assert runs_as_formula(typed) is guarded
    case = report(9, at(15, 9), notes=typed, family_contact=typed)
    (row,) = csv_rows(to_csv([case], ZONE))
    assert row["notes"] == ("'" + typed if guarded else typed)
    assert row["family_contact"] == row["notes"]


async def test_csv_filtered_by_status_and_by_tag(db_url: str) -> None:
    rows = csv_rows((await stream(db_url, "csv", ["repatriated", "closed"]))[0])
    assert [(r["reference"], r["status"]) for r in rows] == [
        ("PNH-000003", "repatriated"),
        ("PNH-000004", "closed"),
    ]
    rows = csv_rows((await stream(db_url, "csv", tags=["wave-4"]))[0])
    assert [r["reference"] for r in rows] == ["PNH-000002", "PNH-000003"]
    assert all("wave-4" in r["tags"].split(";") for r in rows)


async def test_no_telegram_id_in_any_table(db_url: str) -> None:
    for fmt in ("csv", "xlsx"):
        content = (await stream(db_url, fmt))[0]
        sheet = content.decode("utf-8", "replace") if fmt == "csv" else _xlsx_text(content)
        assert not any(str(i) in sheet for i in TELEGRAM_IDS)
        assert "telegram" not in sheet.lower()


def _xlsx_text(content: bytes) -> str:
    ws = openpyxl.load_workbook(io.BytesIO(content))["cases"]
    return "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row)


async def test_xlsx_cells_are_typed(db_url: str) -> None:
    ws = openpyxl.load_workbook(io.BytesIO((await stream(db_url, "xlsx"))[0]))["cases"]
    header = [c.value for c in ws[1]]
    assert header[0] == "reference" and "created_at (Asia/Phnom_Penh)" in header
    col = {name.split(" ")[0]: i + 1 for i, name in enumerate(header)}
    assert ws.max_row == 6 + 1

    created = ws.cell(2, col["created_at"])
    assert isinstance(created.value, datetime) and created.value.tzinfo is None
    assert created.value == datetime(2026, 1, 15, 6, 30)  # the mission's wall-clock time
    assert created.is_date and "yyyy" in created.number_format
    stage_at = ws.cell(2, col["stage_at"])
    assert stage_at.is_date and stage_at.value == datetime(2026, 1, 20, 16, 0)
    birth = ws.cell(2, col["birth_date"])
    assert birth.is_date and birth.value.date() == date(1999, 1, 5) and "h" not in birth.number_format
    document_date = ws.cell(2, col["document_date"])
    assert document_date.is_date and document_date.value.date() == date(2026, 1, 18)
    companions = ws.cell(2, col["companions"]).value
    assert isinstance(companions, int) and not isinstance(companions, bool) and companions == 3
    assert ws.cell(2, col["children"]).value == 1 and ws.cell(2, col["flight_id"]).value == 1
    assert ws.cell(2, col["sos"]).value is False and ws.cell(3, col["sos"]).value is True
    assert isinstance(ws.cell(2, col["latitude"]).value, float)
    assert ws.cell(2, col["home_province"]).value == "Jawa Barat"
    assert ws.cell(2, col["full_name"]).value == NAMES[0]
    assert ws.cell(4, col["tags"]).value == "wave-3;wave-4"
    notes = ws.cell(2, col["notes"])
    assert notes.data_type == "s" and notes.value.startswith("=HYPERLINK")  # text, not a formula
    assert ws.cell(7, col["notes"]).value == "- paspor ditahan"  # no apostrophe in a spreadsheet
    assert ws.cell(3, col["full_name"]).value is None


async def test_xlsx_keeps_every_digit_of_nik_phone_and_documents(db_url: str) -> None:
    ws = openpyxl.load_workbook(io.BytesIO((await stream(db_url, "xlsx"))[0]))["cases"]
    col = {str(c.value).split(" ")[0]: c.column for c in ws[1]}
    full, other = 2, 7
    for name, row, value in (
        ("nik", full, NIKS[0]), ("phone", full, PHONES[0]), ("passport_number", full, PASSPORTS[0]),
        ("document_number", full, "0012345"), ("family_contact", other, "+62 812-3456-7890"),
        ("family_contact", full, f"Ibu Siti {PHONES[2]}"), ("exit_permit", full, "EP-00123"),
    ):  # fmt: skip
        cell = ws.cell(row, col[name])
        # a text cell with the text format: Calc and Excel keep the 16 digits, the + and the 0
        assert (cell.value, cell.data_type, cell.number_format) == (value, "s", "@"), name
    for name in IDENTIFIERS:
        assert ws.cell(full, col[name]).number_format == "@", name
    for name in WRAPPED:
        cell = ws.cell(other if name in ("notes", "family_contact") else full, col[name])
        if cell.value is not None:
            assert cell.alignment.wrap_text, name
    assert ws.cell(other, col["notes"]).alignment.wrap_text


async def test_xlsx_header_frozen_bold_filtered_and_sized(db_url: str) -> None:
    ws = openpyxl.load_workbook(io.BytesIO((await stream(db_url, "xlsx"))[0]))["cases"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(COLUMNS))}{6 + 1}"
    assert all(cell.font.bold for cell in ws[1])
    assert ws.column_dimensions["A"].width >= 12
    created = next(c.column_letter for c in ws[1] if str(c.value).startswith("created_at"))
    assert ws.column_dimensions[created].width >= len("created_at (Asia/Phnom_Penh)")


async def test_an_empty_export_is_still_a_valid_file() -> None:
    no_cases: list[Report] = []
    assert csv_rows(to_csv(no_cases, ZONE)) == []
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx(no_cases, ZONE)))["cases"]
    assert ws.max_row == 1 and ws.freeze_panes == "A2"


@given(
    sign=st.sampled_from(["=", "+", "-", "@", "\t", "\r", "+ ", "- "]),
    name=st.sampled_from(["SUM", "HYPERLINK", "WEBSERVICE", "cmd", "A", "IMPORTXML"]),
    rest=st.text(max_size=20),
)
def test_a_function_call_or_a_program_is_always_guarded(sign: str, name: str, rest: str) -> None:
    typed = f"{sign}{name}({rest}"
    assert runs_as_formula(typed)
    (row,) = csv_rows(to_csv([report(9, at(15, 9), notes=typed)], ZONE))
    assert row["notes"] == "'" + typed  # read back whole, behind the apostrophe


@given(st.text(max_size=30))
def test_every_typed_text_reads_back_as_typed_or_behind_one_apostrophe(typed: str) -> None:
    (row,) = csv_rows(to_csv([report(9, at(15, 9), notes=typed or None)], ZONE))
    assert row["notes"] in (typed, "'" + typed)
    assert (row["notes"] != typed) == runs_as_formula(typed)
