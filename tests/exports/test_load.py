"""Which cases an export holds."""

from __future__ import annotations

import pytest

from bot.flow.commands import STATUS
from bot.services.exports import STATUSES, ExportError, export
from storage.models import Report
from tests.exports.conftest import ZONE, load


def refs(cases: list[Report]) -> list[str | None]:
    return [c.reference for c in cases]


async def test_every_case_in_creation_order_with_its_citizen(cases: list[Report]) -> None:
    assert refs(cases) == [f"PNH-00000{n}" for n in range(1, 7)]
    assert all("citizen" in c.__dict__ for c in cases)  # loaded with the case, never lazily


async def test_filter_by_status(db_url: str) -> None:
    assert refs(await load(db_url, ["closed"])) == ["PNH-000004"]
    assert refs(await load(db_url, ["new", "referred"])) == ["PNH-000002", "PNH-000005", "PNH-000006"]


async def test_filter_by_tag_keeps_a_case_with_any_of_them(db_url: str) -> None:
    assert refs(await load(db_url, tags=["wave-3"])) == ["PNH-000001", "PNH-000003"]
    assert refs(await load(db_url, tags=["wave-4"])) == ["PNH-000002", "PNH-000003"]
    assert refs(await load(db_url, tags=["wave-3", "wave-4"])) == ["PNH-000001", "PNH-000002", "PNH-000003"]
    assert refs(await load(db_url, ["repatriated"], ["wave-4"])) == ["PNH-000003"]
    assert await load(db_url, tags=["wave-9"]) == []


async def test_sos_without_a_form_can_be_left_out(db_url: str) -> None:
    assert "PNH-000002" not in refs(await load(db_url, include_unsubmitted=False))


async def test_an_unknown_status_is_one_sentence_naming_the_valid_ones(db_url: str) -> None:
    with pytest.raises(ExportError) as err:
        await load(db_url, ["open"])
    message = str(err.value)
    assert "'open'" in message and all(s in message for s in STATUSES)
    assert message.count(".") == 1 and "\n" not in message


def test_the_statuses_are_the_ones_citizens_are_told_about() -> None:
    assert set(STATUSES) == set(STATUS)


async def test_export_gives_extension_and_mime_type(cases: list[Report]) -> None:
    expected = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "geojson": "application/geo+json",
        "json": "application/json",
    }
    for fmt, mime in expected.items():
        content, extension, got = export(cases, fmt, ZONE)
        assert content and extension == fmt and got == mime
    with pytest.raises(ExportError):
        export(cases, "pdf", ZONE)
