"""Exports of the case list: CSV and XLSX for staff, GeoJSON for a map, JSON in HTCDS 2.0 fields for
partners; every format streamed from the database a batch at a time.

See docs/exports.md for every column and what is left out, and why.
"""

from bot.services.exports.cases import (
    BATCH,
    STATUSES,
    Case,
    ExportError,
    case_query,
    check_statuses,
    load_cases,
    stream_cases,
)
from bot.services.exports.columns import COLUMNS, Column
from bot.services.exports.formats import (
    EXPORT_FORMATS,
    Written,
    export,
    to_csv,
    to_geojson,
    to_json,
    to_xlsx,
    write_export,
)
from bot.services.exports.htcds import CASE_STATUS

__all__ = [
    "BATCH",
    "CASE_STATUS",
    "COLUMNS",
    "EXPORT_FORMATS",
    "STATUSES",
    "Case",
    "Column",
    "ExportError",
    "Written",
    "case_query",
    "check_statuses",
    "export",
    "load_cases",
    "stream_cases",
    "to_csv",
    "to_geojson",
    "to_json",
    "to_xlsx",
    "write_export",
]
