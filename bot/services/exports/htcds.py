"""The case list as JSON in the names of IOM's Human Trafficking Case Data Standard (HTCDS), where they fit.

HTCDS (https://github.com/UNMigration/HTCDS) names a field by a table prefix and a capitalised name:
`cas_Status`, `prs_Birthdate`, `vic_MethodsOfControl`. docs/exports.md says which names below were found
in IOM's published standard and which this project named itself. What HTCDS has no field for stays
under `hotline_extension`, in the hotline's own names and codes.

Nothing is asserted that the hotline does not know: no trafficking status, no type of exploitation,
no gender (not asked), and the position is not called a place of exploitation.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.case import Status
from bot.services.exports.columns import COLUMNS, citizen_of, province_name
from bot.services.exports.tabular import local_iso
from storage.models import Report

STANDARD_URL = "https://github.com/UNMigration/HTCDS"
EXTENSION = "hotline_extension"
CITIZENSHIP = "ID"  # ISO 3166 alpha-2: the hotline serves Indonesian citizens

# HTCDS case status picklist: Active, FollowUp, Closed, ClosedReferred
CASE_STATUS: dict[str, str] = {
    Status.NEW: "Active",
    Status.ACKNOWLEDGED: "Active",
    Status.IN_PROGRESS: "Active",
    Status.AWAITING_DOCUMENTS: "Active",
    Status.SCHEDULED: "Active",
    Status.REPATRIATED: "FollowUp",
    Status.CLOSED: "Closed",
    Status.REFERRED: "ClosedReferred",
}

# Hotline columns whose value is carried whole by an HTCDS field; all others go to the extension.
_MAPPED = frozenset(
    {"reference", "created_at", "birth_date", "nik", "phone", "home_province", "assigned_name"}
)


def _json_value(value: object, zone: ZoneInfo) -> Any:
    if isinstance(value, datetime):
        return local_iso(value, zone)
    if isinstance(value, date):
        return value.isoformat()
    return value


def methods_of_control(case: Report) -> list[str]:
    """Only what the citizen said in so many words: a passport held by someone, not free to leave."""
    methods = []
    if case.passport_status == "held":
        methods.append("WithholdsDocuments")
    if "not_free" in (case.safety or "").split(","):
        methods.append("RestrictsMovement")
    return methods


def htcds_case(case: Report, zone: ZoneInfo) -> dict[str, Any]:
    citizen = citizen_of(case)
    province = province_name(case)
    extension = {c.name: _json_value(c.get(case), zone) for c in COLUMNS if c.name not in _MAPPED}
    return {
        "cas_CaseNumber": case.reference,
        "cas_CreatedDate": local_iso(case.created_at, zone),
        "cas_Status": CASE_STATUS.get(case.status),
        "cas_CaseOwner": case.assigned_name,
        "con_Consent": citizen.consent_at is not None if citizen else None,
        "prs_Birthdate": case.birth_date.isoformat() if case.birth_date else None,
        "prs_Citizenship": CITIZENSHIP,
        "prs_IdentityNumber": case.nik,
        "prs_MobilePhone": case.phone,
        "prs_MailingState": province,
        "prs_MailingCountry": CITIZENSHIP if province else None,
        "vic_MethodsOfControl": methods_of_control(case),
        EXTENSION: extension,
    }


def to_json(cases: Sequence[Report], zone: ZoneInfo) -> bytes:
    document = {
        "standard": "HTCDS",
        "standard_url": STANDARD_URL,
        "extension": EXTENSION,
        "time_zone": zone.key,
        "cases": [htcds_case(case, zone) for case in cases],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
