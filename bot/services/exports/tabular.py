"""The case list as CSV (for programs, and Excel) and as XLSX (typed cells, for people)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.services.exports.columns import COLUMNS, TAG_SEPARATOR, Column, Value
from storage.models import Report

# A cell a person typed that starts like a formula is prefixed with an apostrophe in the CSV,
# so that a spreadsheet shows it as text instead of running it (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters an XLSX file cannot hold (XML 1.0 control characters); they are dropped.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_DATE_FORMAT = "yyyy-mm-dd"


def inert(text: str) -> str:
    """Text a person typed, as a CSV cell a spreadsheet shows and never runs."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def local_iso(value: datetime, zone: ZoneInfo) -> str:
    """ISO 8601 in the mission's time zone, with its offset: 2026-01-15T06:30:00+07:00."""
    return value.astimezone(zone).isoformat(timespec="seconds")


def _csv_cell(column: Column, value: Value, zone: ZoneInfo) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return local_iso(value, zone)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        value = TAG_SEPARATOR.join(value)
    text = str(value)
    return inert(text) if column.kind in ("free", "tags") else text


def to_csv(cases: Sequence[Report], zone: ZoneInfo) -> bytes:
    """UTF-8 with a byte order mark (Excel then reads Indonesian names right), one row per case."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([c.name for c in COLUMNS])
    for case in cases:
        writer.writerow([_csv_cell(c, c.get(case), zone) for c in COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def _header(column: Column, zone: ZoneInfo) -> str:
    # Excel has no time zones: the times are written as the mission's wall-clock time, and say so.
    return f"{column.name} ({zone.key})" if column.kind == "datetime" else column.name


def _xlsx_cell(ws: Any, cell_type: Any, column: Column, value: Value, zone: ZoneInfo) -> Any:
    """A plain value where the default is right; a cell object only for a number format or plain text."""
    if isinstance(value, list):
        value = TAG_SEPARATOR.join(value) or None
    if isinstance(value, datetime):
        cell = cell_type(ws, value=value.astimezone(zone).replace(tzinfo=None))
        cell.number_format = _DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = cell_type(ws, value=value)
        cell.number_format = _DATE_FORMAT
        return cell
    if isinstance(value, str):
        value = _ILLEGAL_XML.sub("", value)
        if value.startswith("="):
            cell = cell_type(ws, value=value)
            cell.data_type = "s"  # text, never a formula
            return cell
    return value


def to_xlsx(cases: Sequence[Report], zone: ZoneInfo) -> bytes:
    """One sheet "cases": typed cells, a frozen header row, column widths and an autofilter."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)  # streams rows: ten thousand cases stay light
    ws = wb.create_sheet("cases")
    ws.freeze_panes = "A2"
    last = get_column_letter(len(COLUMNS))
    ws.auto_filter.ref = f"A1:{last}{len(cases) + 1}"
    for index, column in enumerate(COLUMNS, start=1):
        # wide enough for the header and its filter button
        width = max(column.width, len(_header(column, zone)) + 3)
        ws.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(ws, value=_header(column, zone))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for case in cases:
        ws.append([_xlsx_cell(ws, WriteOnlyCell, c, c.get(case), zone) for c in COLUMNS])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
