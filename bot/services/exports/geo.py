"""The cases with a position as a GeoJSON map (RFC 7946).

A map is shared more widely than the case list, so it carries no name, NIK, phone number, passport
number, family contact, birth date or notes: only what places and sorts a case.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot.services.exports.tabular import local_iso
from storage.models import Report


def _feature(case: Report, longitude: float, latitude: float, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": case.reference,
        "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
        "properties": {
            "reference": case.reference,
            "priority": case.priority,
            "status": case.status,
            "sos": case.sos,
            "city": case.city,
            "place": case.place,
            "safety": case.safety,
            "passport_status": case.passport_status,
            "companions": case.companions,
            "created": local_iso(case.created_at, zone),
            "location_at": local_iso(case.location_at, zone) if case.location_at else None,
            "tags": list(case.tags or ()),
        },
    }


def to_geojson(cases: Sequence[Report], zone: ZoneInfo) -> bytes:
    """A FeatureCollection of Points [longitude, latitude]; cases without a position are left out."""
    features = [
        _feature(case, case.longitude, case.latitude, zone)
        for case in cases
        if case.longitude is not None and case.latitude is not None
    ]
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, indent=1).encode("utf-8")
