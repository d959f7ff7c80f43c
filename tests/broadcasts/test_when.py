"""Send times as staff type them, in the mission's time zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.services.broadcasts.when import BadTime, PastTime, parse_send_time
from tests.broadcasts.conftest import ZONE

NOW = datetime(2026, 1, 10, 8, 0, tzinfo=UTC)  # 15:00 in Phnom Penh


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("18:30", datetime(2026, 1, 10, 11, 30, tzinfo=UTC)),
        ("09.15", datetime(2026, 1, 11, 2, 15, tzinfo=UTC)),  # passed today: tomorrow
        ("12-01 08:00", datetime(2026, 1, 12, 1, 0, tzinfo=UTC)),
        ("12/01/2026 08:00", datetime(2026, 1, 12, 1, 0, tzinfo=UTC)),
    ],
)
def test_times_are_read_in_the_missions_zone(typed: str, meant: datetime) -> None:
    assert parse_send_time(typed, NOW, ZONE) == meant


@pytest.mark.parametrize("typed", ["besok", "25:00", "31-02 08:00", "8"])
def test_unreadable_times(typed: str) -> None:
    with pytest.raises(BadTime):
        parse_send_time(typed, NOW, ZONE)


@pytest.mark.parametrize("typed", ["09-01-2026 08:00", "10-01 14:00", "10-05-2026 08:00"])
def test_past_or_far_times(typed: str) -> None:
    with pytest.raises(PastTime):
        parse_send_time(typed, NOW, ZONE)
