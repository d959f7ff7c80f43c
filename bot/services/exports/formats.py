"""One entry point for every format: the bytes, the file extension and the MIME type."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from bot.services.exports.cases import ExportError
from bot.services.exports.geo import to_geojson
from bot.services.exports.htcds import to_json
from bot.services.exports.tabular import to_csv, to_xlsx
from storage.models import Report

Writer = Callable[[Sequence[Report], ZoneInfo], bytes]

EXPORT_FORMATS = ("csv", "xlsx", "geojson", "json")
_WRITERS: dict[str, tuple[Writer, str, str]] = {
    "csv": (to_csv, "csv", "text/csv; charset=utf-8"),
    "xlsx": (to_xlsx, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "geojson": (to_geojson, "geojson", "application/geo+json"),
    "json": (to_json, "json", "application/json"),
}


def export(cases: Sequence[Report], fmt: str, zone: ZoneInfo) -> tuple[bytes, str, str]:
    """(content, file extension without the dot, MIME type) of the cases in one of EXPORT_FORMATS."""
    if fmt not in _WRITERS:
        raise ExportError(f"Unknown export format {fmt!r}: the formats are {', '.join(EXPORT_FORMATS)}.")
    write, extension, mime = _WRITERS[fmt]
    return write(cases, zone), extension, mime
