"""One entry point for every format: a writer that takes the cases a batch at a time, the file
extension and the MIME type; `write_export` streams the database into a file with it."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Protocol
from zoneinfo import ZoneInfo

from bot.services.exports.cases import Case, ExportError
from bot.services.exports.geo import GeoWriter
from bot.services.exports.htcds import HtcdsWriter
from bot.services.exports.tabular import CsvWriter, XlsxWriter
from storage.models import Report


class Writer(Protocol):
    rows: int

    def write(self, cases: Sequence[Case]) -> None: ...

    def close(self) -> None: ...


EXPORT_FORMATS = ("csv", "xlsx", "geojson", "json")
_WRITERS: dict[str, tuple[Callable[[IO[bytes], ZoneInfo], Writer], str, str]] = {
    "csv": (CsvWriter, "csv", "text/csv; charset=utf-8"),
    "xlsx": (XlsxWriter, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "geojson": (GeoWriter, "geojson", "application/geo+json"),
    "json": (HtcdsWriter, "json", "application/json"),
}


@dataclass(slots=True)
class Written:
    """What an export wrote: `rows` cases (the map: features), `unplaced` cases the map left off
    (no pin and no listed city), the ids of every case it read (their history records the export),
    the file's extension and MIME type."""

    fmt: str
    extension: str
    mime: str
    rows: int = 0
    unplaced: int = 0
    ids: list[int] = field(default_factory=list)


def writer_for(fmt: str, out: IO[bytes], zone: ZoneInfo) -> tuple[Writer, str, str]:
    if fmt not in _WRITERS:
        raise ExportError(f"Unknown export format {fmt!r}: the formats are {', '.join(EXPORT_FORMATS)}.")
    make, extension, mime = _WRITERS[fmt]
    return make(out, zone), extension, mime


async def write_export(
    batches: AsyncIterator[list[Case]], fmt: str, zone: ZoneInfo, out: IO[bytes]
) -> Written:
    """The cases into `out`, a batch at a time: read from the database on the event loop, written
    beside it (a thread), so that citizens' updates go on and memory holds one batch."""
    writer, extension, mime = writer_for(fmt, out, zone)
    written = Written(fmt, extension, mime)
    async for batch in batches:
        written.ids.extend(case.report.id for case in batch)
        await asyncio.to_thread(writer.write, batch)
    await asyncio.to_thread(writer.close)
    written.rows = writer.rows
    written.unplaced = getattr(writer, "unplaced", 0)
    return written


def _as_cases(cases: Iterable[Report | Case]) -> list[Case]:
    return [c if isinstance(c, Case) else Case(c, consented=_consent_set(c)) for c in cases]


def _consent_set(report: Report) -> bool:
    citizen = report.__dict__.get("citizen")
    return getattr(citizen, "consent_at", None) is not None


def export(cases: Iterable[Report | Case], fmt: str, zone: ZoneInfo) -> tuple[bytes, str, str]:
    """(content, file extension without the dot, MIME type) of a few cases already in memory.

    For a small list (tests, the Python API). Reports given bare are taken as consented when their
    citizen's consent_at is set: only `stream_cases` tells an SOS pressed before consent apart."""
    buffer = io.BytesIO()
    writer, extension, mime = writer_for(fmt, buffer, zone)
    writer.write(_as_cases(cases))
    writer.close()
    return buffer.getvalue(), extension, mime


def to_csv(cases: Iterable[Report | Case], zone: ZoneInfo) -> bytes:
    return export(cases, "csv", zone)[0]


def to_xlsx(cases: Iterable[Report | Case], zone: ZoneInfo) -> bytes:
    return export(cases, "xlsx", zone)[0]


def to_geojson(cases: Iterable[Report | Case], zone: ZoneInfo) -> bytes:
    return export(cases, "geojson", zone)[0]


def to_json(cases: Iterable[Report | Case], zone: ZoneInfo) -> bytes:
    return export(cases, "json", zone)[0]
