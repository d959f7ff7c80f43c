"""Exports of the case list: CSV and XLSX for staff, GeoJSON for a map, JSON in HTCDS names for partners.

See docs/exports.md for every column and what is left out, and why.
"""

from bot.services.exports.cases import STATUSES, ExportError, check_statuses, load_cases
from bot.services.exports.columns import COLUMNS, Column
from bot.services.exports.formats import EXPORT_FORMATS, export
from bot.services.exports.geo import to_geojson
from bot.services.exports.htcds import CASE_STATUS, to_json
from bot.services.exports.tabular import to_csv, to_xlsx

__all__ = [
    "CASE_STATUS",
    "COLUMNS",
    "EXPORT_FORMATS",
    "STATUSES",
    "Column",
    "ExportError",
    "check_statuses",
    "export",
    "load_cases",
    "to_csv",
    "to_geojson",
    "to_json",
    "to_xlsx",
]
