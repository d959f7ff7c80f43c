"""The whole conversation, golden-file style, in both languages, against a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_settings
from tests.support.databases import database_url
from tests.support.golden import play

GOLDEN = sorted((Path(__file__).parent / "golden").glob("*.json"))


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
async def test_conversation_matches_golden_file(path: Path, tmp_path: Path) -> None:
    settings = load_settings(
        database_url=database_url(tmp_path, "golden"),
        hotline_phone="+855 23 000 000",
        mission_name="KBRI Phnom Penh",
        flood_limit=10_000,  # the scenarios type faster than any person: no flood gate here
    )
    expected, actual = await play(path, settings)
    assert actual["steps"] == expected["steps"]
    assert actual["stored"] == expected["stored"]
