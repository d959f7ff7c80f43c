"""GeoJSON for a map shared more widely (read back as QGIS and GDAL read it: plain JSON), and JSON in
the fields of HTCDS 2.0 for partners, checked against the standard's own field list."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from bot.flow.steps import CITIES
from bot.services.exports import CASE_STATUS, STATUSES
from bot.services.exports.places import CITY_POINTS
from tests.exports.conftest import NAMES, NIKS, PASSPORTS, PHONES, TELEGRAM_IDS, stream

STANDARD = Path(__file__).parent / "data" / "htcds-2.0-field-standards.csv"  # IOM, CC BY 4.0
MULTISELECT = "Multiselect Picklist"


async def geo(db_url: str, **filters: Any) -> tuple[dict[str, Any], int, int]:
    content, written = await stream(db_url, "geojson", **filters)
    return json.loads(content), written.rows, written.unplaced


async def test_every_case_with_a_pin_or_a_city_is_on_the_map(db_url: str) -> None:
    doc, features, unplaced = await geo(db_url)
    assert doc["type"] == "FeatureCollection"
    by_ref = {f["properties"]["reference"]: f for f in doc["features"]}
    # 3 named Poipet and sent no pin: at Poipet; 6 is "another place" with no pin: counted apart
    assert list(by_ref) == ["PNH-000001", "PNH-000002", "PNH-000003", "PNH-000004", "PNH-000005"]
    assert (features, unplaced) == (5, 1)  # what the export says is what the file holds
    full = by_ref["PNH-000001"]
    assert full["type"] == "Feature" and full["id"] == "PNH-000001"
    assert full["geometry"] == {"type": "Point", "coordinates": [103.5297, 10.6104]}  # lon, lat
    props = full["properties"]
    assert props["precision"] == "pin" and props["city"] == "sihanoukville"
    assert props["place"] == "Kompleks Jin Bei — gedung 3"
    assert props["created"] == "2026-01-14T23:30:00Z" and props["location_at"] == "2026-01-14T23:25:00Z"
    assert props["stage"] == "on_flight" and props["stage_at"] == "2026-01-20T09:00:00Z"
    assert props["tags"] == ["wave-3"] and props["tags_text"] == "wave-3"
    assert props["companions"] == 3 and props["children"] == 1 and props["sos"] is False
    city_only = by_ref["PNH-000003"]
    lat, lon, _ = CITY_POINTS["poipet"]
    assert city_only["geometry"]["coordinates"] == [lon, lat]
    assert city_only["properties"]["precision"] == "city" and city_only["properties"]["city"] == "poipet"
    assert city_only["properties"]["place"] == "Poipet"
    assert city_only["properties"]["tags_text"] == "wave-3, wave-4"  # a GeoPackage keeps text
    # an SOS pin alone: the city nearest it, and how far
    sos = by_ref["PNH-000002"]["properties"]
    assert sos["sos"] is True and sos["precision"] == "pin" and sos["city"] == "bavet"
    assert sos["place"] == "2 km from Bavet"


async def test_no_feature_lacks_a_city_a_place_or_a_utc_time(db_url: str) -> None:
    doc, _, _ = await geo(db_url)
    for feature in doc["features"]:
        props = feature["properties"]
        assert props["city"] and props["place"], props["reference"]
        assert props["precision"] in ("pin", "city")
        for key in ("created", "location_at", "stage_at"):
            assert props[key] is None or props[key].endswith("Z"), (props["reference"], key)
        assert isinstance(props["tags"], list) and props["tags_text"] == ", ".join(props["tags"])


async def test_the_count_follows_the_filters(db_url: str) -> None:
    assert (await geo(db_url, statuses=["closed"]))[1:] == (1, 0)
    assert (await geo(db_url, statuses=["new"]))[1:] == (1, 1)  # 2 pinned, 6 nowhere


def test_every_listed_city_has_a_point() -> None:
    assert set(CITY_POINTS) == {c.value for c in CITIES} - {"other"}


async def test_geojson_carries_no_one_s_identity(db_url: str) -> None:
    text = (await stream(db_url, "geojson"))[0].decode("utf-8")
    for secret in (*NIKS, *PHONES, *PASSPORTS, *NAMES, *map(str, TELEGRAM_IDS), "Dewi", "Officer Budi"):
        assert secret not in text
    for key in ("nik", "phone", "passport_number", "full_name", "birth_date", "family_contact", "notes",
                "medical", "document_number"):  # fmt: skip
        assert f'"{key}"' not in text


def standard() -> dict[str, dict[str, str]]:
    with STANDARD.open(newline="", encoding="utf-8") as f:
        return {row["Field Name including Prefix"]: row for row in csv.DictReader(f)}


def picklist(field: dict[str, str]) -> set[str]:
    return {value.strip() for value in field["Value Names (if picklist)"].splitlines() if value.strip()}


async def test_every_htcds_key_and_coded_value_is_in_the_2_0_standard(db_url: str) -> None:
    fields = standard()
    doc = json.loads((await stream(db_url, "json"))[0])
    assert doc["standard"] == "HTCDS" and doc["standard_version"] == "2.0"
    seen: set[str] = set()
    for case in doc["cases"]:
        for key, value in case.items():
            if key == doc["extension"]:
                continue
            assert key in fields, f"{key} is not a field of HTCDS 2.0"
            field = fields[key]
            assert field["Status"] != "DEPRECATED", key
            seen.add(key)
            if value is None:
                continue
            kind = field["Field Type"]
            if kind == "Checkbox":
                assert isinstance(value, bool), key
            elif kind == "Date":
                assert len(value) == 10 and value[4] == "-", key  # a date, no time
            elif kind == "Picklist" and picklist(field):
                assert value in picklist(field), (key, value)
            elif kind == MULTISELECT and key != "prs_Citizenship":
                assert isinstance(value, list) and set(value) <= picklist(field), (key, value)
    assert {"cas_Status", "con_Consent", "prs_Gender", "cco_CaseComment", "cas_OutgoingReferralDate"} <= seen
    assert "cas_CaseNumber" not in seen and "cas_CreatedDate" not in seen  # not HTCDS fields


async def test_json_in_htcds_fields(db_url: str) -> None:
    doc = json.loads((await stream(db_url, "json"))[0])
    full, sos, no_position, closed, referred, _ = doc["cases"]
    assert full["cas_Status"] == "Active" and full["cas_CaseOwner"] == "Officer Budi"
    assert full["prs_Birthdate"] == "1999-01-05" and full["prs_Citizenship"] == ["ID"]
    assert full["prs_IdentityNumber"] == NIKS[0] and full["prs_MobilePhone"] == PHONES[0]
    assert full["prs_MailingState"] == "Jawa Barat" and full["prs_MailingCountry"] == "ID"
    assert full["prs_MailingCity"] == "Kabupaten Bandung" and full["prs_Gender"] == "Feminine"
    assert sos["prs_Gender"] == "Masculine"
    # "not free to leave" has no 2.0 value: only the held passport is a method of control
    assert full["vic_MethodsOfControl"] == ["WithholdsDocuments"]
    assert full["cco_CaseComment"] == ["ETD requested", "Family called"]  # the officers' notes
    assert sos["prs_MailingCountry"] is None and sos["vic_MethodsOfControl"] == []
    statuses = [c["cas_Status"] for c in (no_position, closed, referred)]
    assert statuses == ["FollowUp", "Closed", "ClosedReferred"]
    assert referred["cas_OutgoingReferralDate"] == "2026-01-16"  # the day of the "referred" event
    assert referred["cas_OutgoingReferralDetails"] == "IOM Phnom Penh. needs a shelter"
    assert full["cas_OutgoingReferralDate"] is None


async def test_consent_only_when_the_citizen_agreed(db_url: str) -> None:
    full, sos, *_ = json.loads((await stream(db_url, "json"))[0])["cases"]
    assert full["con_Consent"] is True
    # the SOS pressed before the welcome's agreement set consent_at, but nobody agreed
    assert sos["con_Consent"] is False
    assert sos["hotline_extension"]["consent_at"] == "2026-01-15T02:00:00Z"


async def test_json_keeps_the_hotline_s_own_fields_under_the_extension(db_url: str) -> None:
    content = (await stream(db_url, "json"))[0]
    doc = json.loads(content)
    assert doc["extension"] == "hotline_extension"
    ext = doc["cases"][0]["hotline_extension"]
    assert ext["reference"] == "PNH-000001" and ext["created_at"] == "2026-01-14T23:30:00Z"
    assert ext["status"] == "in_progress" and ext["priority"] == "P2" and ext["sos"] is False
    assert ext["passport_status"] == "held" and ext["passport_number"] == PASSPORTS[0]
    assert ext["safety"] == "not_free" and ext["city"] == "sihanoukville"
    assert ext["latitude"] == 10.6104 and ext["location_at"] == "2026-01-14T23:25:00Z"
    assert ext["full_name"] == NAMES[0] and ext["tags"] == ["wave-3"] and ext["companions"] == 3
    assert ext["stage"] == "on_flight" and ext["document_number"] == "0012345" and ext["children"] == 1
    assert ext["medical"] == "injury,pregnant" and ext["flight_id"] == 1
    assert "nik" not in ext and "phone" not in ext  # carried by prs_IdentityNumber, prs_MobilePhone
    assert not any(str(i) in content.decode("utf-8") for i in TELEGRAM_IDS)


def test_every_status_has_an_htcds_case_status() -> None:
    assert set(CASE_STATUS) == set(STATUSES)
    assert set(CASE_STATUS.values()) <= picklist(standard()["cas_Status"])
