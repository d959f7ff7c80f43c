"""The cases that have a place, as a GeoJSON map (RFC 7946), written a batch at a time.

A map is shared more widely than the case list, so it carries no name, NIK, phone number, passport
number, family contact, birth date or notes: only what places and sorts a case.

A case is on the map at its pin (`"precision": "pin"`), or, when the citizen named a city from the
list and sent no pin, at that city's centre (`"precision": "city"`). The others (no pin, and no city
or "another place") are counted apart: `GeoWriter.unplaced`.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import IO, Any
from zoneinfo import ZoneInfo

from bot.services.exports.cases import Case
from bot.services.exports.places import CITY_POINTS, NEAR_KM, OTHER, nearest_city
from bot.services.exports.tabular import utc_iso
from storage.models import Report

TAGS_TEXT_SEPARATOR = ", "


def _where(report: Report) -> tuple[float, float, str, str, str] | None:
    """(longitude, latitude, precision, city, place) of a case, or None: nowhere to put it.

    A pin answers "where" in the report, so a pinned case has no city or place of its own: it gets the
    listed city within NEAR_KM ("other" when none is), and a place that says how far from which city."""
    if report.latitude is not None and report.longitude is not None:
        near, km = nearest_city(report.latitude, report.longitude)
        city = report.city or (near if km <= NEAR_KM else OTHER)
        place = report.place or f"{round(km)} km from {CITY_POINTS[near][2]}"
        return report.longitude, report.latitude, "pin", city, place
    if report.city in CITY_POINTS:
        latitude, longitude, name = CITY_POINTS[report.city]
        return longitude, latitude, "city", report.city, report.place or name
    return None


def _feature(case: Report, where: tuple[float, float, str, str, str]) -> dict[str, Any]:
    longitude, latitude, precision, city, place = where
    tags = list(case.tags or ())
    return {
        "type": "Feature",
        "id": case.reference,
        "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
        "properties": {
            "reference": case.reference,
            "precision": precision,
            "priority": case.priority,
            "status": case.status,
            "stage": case.stage,
            "sos": case.sos,
            "city": city,
            "place": place,
            "safety": case.safety,
            "passport_status": case.passport_status,
            "companions": case.companions,
            "children": case.children,
            "going_home": case.going_home,
            "flight_id": case.flight_id,
            "created": utc_iso(case.created_at),
            "location_at": utc_iso(case.location_at) if case.location_at else None,
            "stage_at": utc_iso(case.stage_at) if case.stage_at else None,
            "tags": tags,
            "tags_text": TAGS_TEXT_SEPARATOR.join(tags),
        },
    }


class GeoWriter:
    """A FeatureCollection of Points [longitude, latitude]; `rows` counts the features written,
    `unplaced` the cases left off the map."""

    def __init__(self, out: IO[bytes], zone: ZoneInfo) -> None:
        self._out = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=True)
        self._out.write('{"type": "FeatureCollection", "features": [')
        self.rows = self.unplaced = 0

    def write(self, cases: Sequence[Case]) -> None:
        for case in cases:
            where = _where(case.report)
            if where is None:
                self.unplaced += 1
                continue
            self._out.write(",\n " if self.rows else "\n ")
            self._out.write(json.dumps(_feature(case.report, where), ensure_ascii=False))
            self.rows += 1

    def close(self) -> None:
        self._out.write("\n]}\n")
        self._out.flush()
        self._out.detach()
