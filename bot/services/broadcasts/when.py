"""A send time as staff type it, in the mission's time zone: "18:30", "25-01 08:00", "25-01-2026 08:00"."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

_TIME = re.compile(
    r"^\s*(?:(?P<day>\d{1,2})[-./](?P<month>\d{1,2})(?:[-./](?P<year>\d{4}))?\s+)?"
    r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})\s*$"
)
LATEST = timedelta(days=60)


class BadTime(ValueError):
    pass


class PastTime(ValueError):
    pass


def parse_send_time(text: str, now: datetime, zone: ZoneInfo) -> datetime:
    """The moment meant, as an aware datetime in UTC's terms. A bare time that has passed today means
    tomorrow. BadTime when it cannot be read; PastTime when it has passed or is more than 60 days away."""
    found = _TIME.match(text)
    if found is None:
        raise BadTime(text)
    local_now = now.astimezone(zone)
    hour, minute = int(found["hour"]), int(found["minute"])
    try:
        if found["day"] is None:
            moment = local_now.replace(hour=hour, minute=minute, second=0, microsecond=0)
            if moment <= local_now:
                moment += timedelta(days=1)
        else:
            year = int(found["year"]) if found["year"] else local_now.year
            moment = datetime(year, int(found["month"]), int(found["day"]), hour, minute, tzinfo=zone)
            if found["year"] is None and moment < local_now - timedelta(days=1):
                moment = moment.replace(year=year + 1)  # "05-01" typed in late December
    except ValueError as exc:
        raise BadTime(text) from exc
    if moment <= local_now or moment - local_now > LATEST:
        raise PastTime(text)
    return moment.astimezone(now.tzinfo)
