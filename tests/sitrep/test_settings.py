"""HOTLINE_SITREP_TIME as an operator writes it: a time of day, empty for none, else one sentence."""

from __future__ import annotations

from datetime import time

import pytest

from bot.config import SettingsError, load_settings


def test_the_time_of_the_morning_report() -> None:
    assert load_settings(sitrep_time="07:00").sitrep_at == time(7, 0)
    assert load_settings(sitrep_time=" 18:30 ").sitrep_at == time(18, 30)
    assert load_settings(sitrep_time="").sitrep_at is None


@pytest.mark.parametrize("wrong", ["7", "7am", "24:00", "07:60", "07.00"])
def test_a_wrong_time_stops_start_up_with_one_sentence(wrong: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(sitrep_time=wrong)
    assert str(refused.value) == (
        "HOTLINE_SITREP_TIME is wrong: must be a time of day as HH:MM, such as 07:00 "
        "(empty: no daily report)."
    )
