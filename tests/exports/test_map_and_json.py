"""GeoJSON for a map shared more widely, and JSON in HTCDS names for partners."""

from __future__ import annotations

import json

from bot.services.exports import CASE_STATUS, STATUSES, to_geojson, to_json
from storage.models import Report
from tests.exports.conftest import NAMES, NIKS, PASSPORTS, PHONES, TELEGRAM_IDS, ZONE


async def test_geojson_is_a_feature_collection_of_points_lon_lat(cases: list[Report]) -> None:
    doc = json.loads(to_geojson(cases, ZONE))
    assert doc["type"] == "FeatureCollection"
    by_ref = {f["properties"]["reference"]: f for f in doc["features"]}
    assert set(by_ref) == {"PNH-000001", "PNH-000002", "PNH-000004", "PNH-000005"}  # 3 has no position
    full = by_ref["PNH-000001"]
    assert full["type"] == "Feature"
    assert full["geometry"] == {"type": "Point", "coordinates": [103.5297, 10.6104]}
    props = full["properties"]
    assert set(props) >= {
        "reference", "priority", "status", "sos", "city", "place", "safety", "passport_status",
        "companions", "created", "tags",
    }  # fmt: skip
    assert props["created"] == "2026-01-15T06:30:00+07:00"
    assert props["tags"] == ["wave-3"] and props["companions"] == 3 and props["sos"] is False
    assert by_ref["PNH-000002"]["properties"]["sos"] is True  # an SOS without a form is on the map


async def test_geojson_carries_no_one_s_identity(cases: list[Report]) -> None:
    text = to_geojson(cases, ZONE).decode("utf-8")
    for secret in (*NIKS, *PHONES, *PASSPORTS, *NAMES, *map(str, TELEGRAM_IDS), "Dewi", "Officer Budi"):
        assert secret not in text
    for key in ("nik", "phone", "passport_number", "full_name", "birth_date", "family_contact", "notes"):
        assert f'"{key}"' not in text


async def test_json_uses_htcds_names(cases: list[Report]) -> None:
    doc = json.loads(to_json(cases, ZONE))
    assert doc["standard"] == "HTCDS" and doc["time_zone"] == "Asia/Phnom_Penh"
    full, sos, no_position, closed, referred = doc["cases"]
    assert full["cas_CaseNumber"] == "PNH-000001"
    assert full["cas_CreatedDate"] == "2026-01-15T06:30:00+07:00"
    assert full["cas_Status"] == "Active" and full["cas_CaseOwner"] == "Officer Budi"
    assert full["con_Consent"] is True and sos["con_Consent"] is False
    assert full["prs_Birthdate"] == "1999-01-05" and full["prs_Citizenship"] == "ID"
    assert full["prs_IdentityNumber"] == NIKS[0] and full["prs_MobilePhone"] == PHONES[0]
    assert full["prs_MailingState"] == "Jawa Barat" and full["prs_MailingCountry"] == "ID"
    assert full["vic_MethodsOfControl"] == ["WithholdsDocuments", "RestrictsMovement"]
    assert sos["prs_MailingCountry"] is None and sos["vic_MethodsOfControl"] == []
    assert [c["cas_Status"] for c in (no_position, closed, referred)] == [
        "FollowUp",
        "Closed",
        "ClosedReferred",
    ]


async def test_json_keeps_the_hotline_s_own_fields_under_the_extension(cases: list[Report]) -> None:
    doc = json.loads(to_json(cases, ZONE))
    assert doc["extension"] == "hotline_extension"
    ext = doc["cases"][0]["hotline_extension"]
    assert ext["status"] == "in_progress" and ext["priority"] == "P2" and ext["sos"] is False
    assert ext["passport_status"] == "held" and ext["passport_number"] == PASSPORTS[0]
    assert ext["safety"] == "not_free" and ext["city"] == "sihanoukville"
    assert ext["latitude"] == 10.6104 and ext["location_at"] == "2026-01-15T06:25:00+07:00"
    assert ext["full_name"] == NAMES[0] and ext["tags"] == ["wave-3"] and ext["companions"] == 3
    assert "nik" not in ext and "phone" not in ext  # carried by prs_IdentityNumber, prs_MobilePhone
    text = to_json(cases, ZONE).decode("utf-8")
    assert not any(str(i) in text for i in TELEGRAM_IDS)


def test_every_status_has_an_htcds_case_status() -> None:
    assert set(CASE_STATUS) == set(STATUSES)
    assert set(CASE_STATUS.values()) <= {"Active", "FollowUp", "Closed", "ClosedReferred"}
