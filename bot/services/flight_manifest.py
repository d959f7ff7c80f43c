"""A flight's manifest for the airport team: who travels (name, date of birth, sex, document and
its number, NIK, home province, phone), sorted by name, with the totals. CSV, XLSX and a printable
PDF; nothing more than the team needs."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.i18n import N_, Translator
from bot.services.exports.columns import province_name
from bot.services.exports.tabular import inert
from bot.services.flight_notices import flight_name
from storage.models import Flight, Report

HEADERS = (
    N_("Name"), N_("Date of birth"), N_("Sex"), N_("Document"), N_("Document number"), N_("NIK"),
    N_("Home province"), N_("Phone"),
)  # fmt: skip
TEXT_COLUMNS = (4, 5, 7)  # document number, NIK, phone: text, never numbers (16 digits, a leading +)
WIDTHS = (30, 14, 8, 10, 16, 20, 22, 18)
SEX = {"female": N_("F"), "male": N_("M")}
DOCUMENT = {"splp": "SPLP", "passport": N_("Passport")}


@dataclass(frozen=True, slots=True)
class Line:
    name: str
    born: date | None
    sex: str  # female, male, ""
    document: str  # splp, passport, ""
    number: str
    nik: str
    province: str
    phone: str


@dataclass(frozen=True, slots=True)
class Totals:
    passengers: int
    female: int
    male: int
    children: int  # children travelling with them (Report.children)


def document_of(report: Report) -> tuple[str, str]:
    """(splp|passport|"", its number): the journey's facts, else the passport the report named."""
    journey = report.journey or {}
    kind = str(journey.get("document") or "")
    number = str(journey.get("document_number") or "")
    if kind not in DOCUMENT:
        kind = ""
    if not number and kind in ("", "passport") and report.passport_number:
        return "passport", report.passport_number
    return kind, number


def lines_of(reports: Sequence[Report]) -> tuple[list[Line], Totals]:
    lines = []
    for report in reports:
        kind, number = document_of(report)
        lines.append(Line(
            (report.full_name or report.profile_name or report.reference or "").strip(), report.birth_date,
            report.sex or "", kind, number, report.nik or "", province_name(report) or "", report.phone or "",
        ))  # fmt: skip
    lines.sort(key=lambda line: (line.name.casefold(), line.born or date.min))
    totals = Totals(
        len(reports),
        sum(r.sex == "female" for r in reports),
        sum(r.sex == "male" for r in reports),
        sum(r.children or 0 for r in reports),
    )
    return lines, totals


def _cells(line: Line, t: Translator) -> list[str]:
    return [
        line.name, line.born.isoformat() if line.born else "", t(SEX[line.sex]) if line.sex in SEX else "",
        t(DOCUMENT[line.document]) if line.document else "", line.number, line.nik, line.province, line.phone,
    ]  # fmt: skip


def totals_text(totals: Totals, t: Translator) -> str:
    return t(
        N_("Passengers: {n} · female: {f} · male: {m} · children travelling with them: {c}"),
        n=totals.passengers, f=totals.female, m=totals.male, c=totals.children,
    )  # fmt: skip


def title_of(flight: Flight, t: Translator) -> str:
    return t(N_("Manifest: {flight}, {when}"), flight=flight_name(flight), when=t.datetime(flight.departs_at))


def to_csv(flight: Flight, reports: Sequence[Report], t: Translator) -> bytes:
    """UTF-8 with a BOM; a typed name or province that starts like a formula is made inert (the
    bot's own values, NIK and +62 phones, stay as they are)."""
    lines, totals = lines_of(reports)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([t(h) for h in HEADERS])
    for line in lines:
        cells = _cells(line, t)
        cells[0], cells[6] = inert(cells[0]), inert(cells[6])
        writer.writerow(cells)
    writer.writerow([])
    writer.writerow([totals_text(totals, t)])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(flight: Flight, reports: Sequence[Report], t: Translator) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    lines, totals = lines_of(reports)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "manifest"
    ws.append([title_of(flight, t)])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([t(h) for h in HEADERS])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for line in lines:
        cells: list[object] = list(_cells(line, t))
        cells[1] = line.born
        ws.append(cells)
        row = ws.max_row
        for index in range(1, len(HEADERS) + 1):
            cell = ws.cell(row, index)
            cell.alignment = wrap
            if index - 1 in TEXT_COLUMNS:
                cell.number_format = "@"
                cell.data_type = "s"
            elif index == 2 and line.born:
                cell.number_format = "yyyy-mm-dd"
    ws.append([])
    ws.append([totals_text(totals, t)])
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A3"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def to_pdf(flight: Flight, reports: Sequence[Report], t: Translator) -> bytes:
    """A4 landscape, DejaVu (any script prints), the table with its header on every page, the
    totals, and page numbers."""
    from fpdf import FPDF

    from bot.assets import BOLD, REGULAR

    lines, totals = lines_of(reports)
    page_word = t(N_("Page {n} of {total}"), n="{n}", total="{nb}")

    class Manifest(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("DejaVu", size=8)
            self.cell(0, 8, page_word.replace("{n}", str(self.page_no())), align="C")

    pdf = Manifest(orientation="L", unit="mm", format="A4")
    pdf.alias_nb_pages("{nb}")
    pdf.add_font("DejaVu", "", str(REGULAR))
    pdf.add_font("DejaVu", "B", str(BOLD))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 8, title_of(flight, t), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("DejaVu", size=9)
    widths = (62, 24, 12, 22, 32, 38, 44, 32)  # 266 mm: A4 landscape less its margins
    rows = [[t(h) for h in HEADERS], *[_cells(line, t) for line in lines]]
    with pdf.table(col_widths=widths, text_align="LEFT", repeat_headings=1, line_height=6) as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 10)
    pdf.multi_cell(0, 7, totals_text(totals, t), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
