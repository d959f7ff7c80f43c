"""The case list as CSV (for programs) and as XLSX (typed cells, for people), written a batch at a time."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

from bot.services.exports.cases import Case
from bot.services.exports.columns import COLUMNS, TAG_SEPARATOR, Column, Value

# A CSV cell a person typed that a spreadsheet would run as a formula gets an apostrophe in front
# (CSV injection); docs/exports.md explains each rule.
_ALWAYS = ("=", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]\d+(?:[.,]\d+)?")
# "+" and digits in groups with a space between them: a phone number; a space between two numbers
# is not a formula a spreadsheet accepts, so it stays text
_SPACED_PHONE = re.compile(r"\+\d[\d().-]*(?: [\d().-]+)+")
# after "+" or "-": words and the punctuation of a sentence, nothing that calls, joins or refers
_ORDINARY = re.compile(r"[+-] *[^\W\d_][\w .,'’?/-]*")
_CELL_REFERENCE = re.compile(r"[+-] *\$?[A-Za-z]{1,3}\$?\d")
# Characters an XLSX file cannot hold (XML 1.0 control characters); they are dropped.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_DATE_FORMAT = "yyyy-mm-dd"
_TEXT_FORMAT = "@"


def runs_as_formula(text: str) -> bool:
    """Whether a spreadsheet opening the CSV would take this cell for a formula worth guarding."""
    if text.startswith(_ALWAYS):
        return True
    if not text.startswith(("+", "-")) or not text[1:].strip():
        return False
    if _PLAIN_NUMBER.fullmatch(text) or _SPACED_PHONE.fullmatch(text):
        return False  # a number is shown as a number: nothing runs
    return _CELL_REFERENCE.match(text) is not None or _ORDINARY.fullmatch(text) is None


def inert(text: str) -> str:
    """Text a person typed, as a CSV cell a spreadsheet shows and never runs."""
    return "'" + text if runs_as_formula(text) else text


def utc_iso(value: datetime) -> str:
    """ISO 8601 in UTC with a Z: 2026-01-14T23:30:00Z (what GIS tools and programs read without doubt)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_iso(value: datetime, zone: ZoneInfo) -> str:
    """ISO 8601 in the mission's time zone, with its offset: 2026-01-15T06:30:00+07:00."""
    return value.astimezone(zone).isoformat(timespec="seconds")


def _csv_cell(column: Column, value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return utc_iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        value = TAG_SEPARATOR.join(value)
    text = str(value)
    return inert(text) if column.kind in ("free", "tags") else text


class CsvWriter:
    """UTF-8 with a byte order mark (Excel then reads Indonesian names right), one row per case,
    times in UTC."""

    def __init__(self, out: IO[bytes], zone: ZoneInfo) -> None:
        self._out = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
        self._csv = csv.writer(self._out)
        self._csv.writerow([c.name for c in COLUMNS])
        self.rows = 0

    def write(self, cases: Sequence[Case]) -> None:
        for case in cases:
            self._csv.writerow([_csv_cell(c, c.get(case)) for c in COLUMNS])
        self.rows += len(cases)

    def close(self) -> None:
        self._out.flush()
        self._out.detach()  # the file is the caller's


def _header(column: Column, zone: ZoneInfo) -> str:
    # Excel has no time zones: the times are written as the mission's wall-clock time, and say so.
    return f"{column.name} ({zone.key})" if column.kind == "datetime" else column.name


class XlsxWriter:
    """One sheet "cases": typed cells, real dates, identifiers as text, long text wrapped, a frozen
    bold header row, column widths and an autofilter. Rows stream to disk (openpyxl's write-only mode)."""

    def __init__(self, out: IO[bytes], zone: ZoneInfo) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font
        from openpyxl.utils import get_column_letter

        self._out, self._zone, self._cell = out, zone, WriteOnlyCell
        self._wrap = Alignment(wrap_text=True, vertical="top")
        self._book = Workbook(write_only=True)
        self._sheet = ws = self._book.create_sheet("cases")
        ws.freeze_panes = "A2"
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
        self._last = get_column_letter(len(COLUMNS))
        self.rows = 0

    def _value(self, column: Column, value: Value) -> Any:
        """A plain value where the default is right; a cell object for a format, text or wrapping."""
        ws, zone = self._sheet, self._zone
        if isinstance(value, list):
            value = TAG_SEPARATOR.join(value) or None
        if isinstance(value, datetime):
            cell = self._cell(ws, value=value.astimezone(zone).replace(tzinfo=None))
            cell.number_format = _DATETIME_FORMAT
            return cell
        if isinstance(value, date):
            cell = self._cell(ws, value=value)
            cell.number_format = _DATE_FORMAT
            return cell
        if isinstance(value, str):
            value = _ILLEGAL_XML.sub("", value)
            if column.identifier or column.kind == "free" or value.startswith("="):
                cell = self._cell(ws, value=value)
                cell.data_type = "s"  # text, never a formula
                if column.identifier:
                    cell.number_format = _TEXT_FORMAT
                if column.kind == "free":
                    cell.alignment = self._wrap
                return cell
        return value

    def write(self, cases: Sequence[Case]) -> None:
        for case in cases:
            self._sheet.append([self._value(c, c.get(case)) for c in COLUMNS])
        self.rows += len(cases)

    def close(self) -> None:
        self._sheet.auto_filter.ref = f"A1:{self._last}{self.rows + 1}"
        self._book.save(self._out)
