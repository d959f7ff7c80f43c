"""Where the cities of the report's list are, for a case on the map that named a city but sent no pin.

The coordinates are the town centres (WGS 84). A case placed at its city is only as precise as that:
the map says so with `"precision": "city"`. "other" (a place the list does not name) has no point.
"""

from __future__ import annotations

from math import asin, cos, radians, sin, sqrt

# code (bot.flow.steps.CITIES) -> (latitude, longitude, the name on the map)
CITY_POINTS: dict[str, tuple[float, float, str]] = {
    "phnom_penh": (11.5564, 104.9282, "Phnom Penh"),
    "sihanoukville": (10.6253, 103.5234, "Sihanoukville"),
    "bavet": (11.0633, 106.1397, "Bavet"),
    "poipet": (13.6591, 102.5647, "Poipet"),
    "koh_kong": (11.6153, 102.9838, "Koh Kong"),
}
OTHER = "other"
NEAR_KM = 40  # a pin this close to a listed city is in that city's area


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance (haversine, mean Earth radius)."""
    dlat, dlon = radians(lat2 - lat1), radians(lon2 - lon1)
    a = sin(dlat / 2) ** 2 + cos(radians(lat1)) * cos(radians(lat2)) * sin(dlon / 2) ** 2
    return 2 * 6371.0088 * asin(sqrt(a))


def nearest_city(latitude: float, longitude: float) -> tuple[str, float]:
    """The listed city nearest to a point, and how far it is (km)."""
    return min(
        ((code, distance_km(latitude, longitude, lat, lon)) for code, (lat, lon, _) in CITY_POINTS.items()),
        key=lambda found: found[1],
    )
