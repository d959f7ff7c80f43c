"""The case list as JSON in the fields of IOM's Human Trafficking Case Data Standard (HTCDS) 2.0.

HTCDS (https://github.com/UNMigration/HTCDS) names a field by a table prefix and a capitalised name:
`cas_Status`, `prs_Birthdate`, `vic_MethodsOfControl`. Every name and picklist value below is one of
the standard's field list, version 2.0 ("HTCDS Field Standards 2.0"); docs/exports.md has the table.
What the standard has no field for stays under `hotline_extension`, in the hotline's own names and codes.

Nothing is asserted that the hotline does not know: the trafficking status is the officer's
screening decision only (never made from the citizen's answers), the type of exploitation only what
the citizen said they were made to do, and the position is not called a place of exploitation.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

from bot.core.case import Status
from bot.services import screening
from bot.services.exports.cases import Case
from bot.services.exports.columns import COLUMNS, journey, province_name, referral_day
from bot.services.exports.tabular import utc_iso

STANDARD = "HTCDS"
STANDARD_VERSION = "2.0"
STANDARD_URL = "https://github.com/UNMigration/HTCDS"
EXTENSION = "hotline_extension"
CITIZENSHIP = "ID"  # ISO 3166 alpha-2: the hotline serves Indonesian citizens

# cas_Status picklist: Active, FollowUp, Closed, ClosedReferred
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
# prs_Gender picklist: the citizen's answer to "female or male"
GENDER: dict[str, str] = {"female": "Feminine", "male": "Masculine"}

# Hotline columns whose value an HTCDS field carries whole; all others go to the extension.
_MAPPED = frozenset({"birth_date", "nik", "phone", "home_province", "home_city", "assigned_name", "sex"})
# the spreadsheets' flat referral columns: the extension lists the referrals whole instead
_LISTED = frozenset({"referral_partners", "referral_reasons", "referral_dates"})


def _json_value(value: object) -> Any:
    if isinstance(value, datetime):
        return utc_iso(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def methods_of_control(case: Case) -> list[str]:
    """Only what the citizen said in so many words, in the 2.0 picklist: a passport held by someone,
    and the screening's answers. ("Not free to leave" has no value of its own in 2.0: it stays in
    the extension's `safety` and `screening_indicators`.)"""
    return screening.htcds(case.report.screening, case.report.passport_status)["vic_MethodsOfControl"]


def screened(case: Case) -> dict[str, Any]:
    """The screening's answers in their fields, and apart from them the officer's decision: the
    status is never made from the answers."""
    report = case.report
    fields: dict[str, Any] = dict(screening.htcds(report.screening, report.passport_status))
    del fields["vic_MethodsOfControl"]  # with the passport's, above
    status = screening.status_of(report.screening_decision)
    fields["vic_TraffickingStatus"] = status
    fields["vic_TraffickingStatusDecisionMakingOrg"] = screening.DECIDED_BY_ORG if status else None
    return fields


def _referral_details(case: Case) -> str | None:
    parts = [journey(case.report, "referred_to"), journey(case.report, "reason")]
    text = ". ".join(str(p) for p in parts if p)
    referred = case.referred_at is not None or case.report.stage == "referred"
    return (text or None) if referred else None


def referral_fields(case: Case) -> dict[str, Any]:
    """The outgoing referral fields. HTCDS has one of each per case: they carry the newest referral
    the citizen agreed to (services.referrals); every one, oldest first, is listed in the extension's
    `referrals`. A case moved to "referred" by hand (/stage REF referred IOM) keeps its stage's facts."""
    if not case.referrals:
        referred = case.referred_at is not None or case.report.stage == "referred"
        return {
            "cas_ReferredOrganisation": journey(case.report, "referred_to") if referred else None,
            "cas_ReasonForOutgoingReferral": None,
            "cas_OutgoingReferralDate": case.referred_at.date().isoformat() if case.referred_at else None,
            "cas_OutgoingReferralDetails": _referral_details(case),
        }
    newest = case.referrals[-1]
    return {
        "cas_ReferredOrganisation": newest.partner_name,
        "cas_ReasonForOutgoingReferral": newest.reasons[0] if newest.reasons else None,  # a picklist: one
        "cas_OutgoingReferralDate": referral_day(newest),
        "cas_OutgoingReferralDetails": newest.details or None,
    }


def referrals_listed(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "cas_ReferredOrganisation": r.partner_name,
            "partner_key": r.partner,
            "cas_ReasonForOutgoingReferral": list(r.reasons or []),
            "cas_OutgoingReferralDate": referral_day(r),
            "cas_OutgoingReferralDetails": r.details or None,
            "status": r.status,
        }
        for r in case.referrals
    ]


def htcds_case(case: Case) -> dict[str, Any]:
    report = case.report
    province = province_name(report)
    extension: dict[str, Any] = {
        c.name: _json_value(c.get(case)) for c in COLUMNS if c.name not in _MAPPED | _LISTED
    }
    extension["referrals"] = referrals_listed(case)
    return {
        "cas_Status": CASE_STATUS.get(report.status),
        "cas_CaseOwner": report.assigned_name,
        **referral_fields(case),
        "cco_CaseComment": list(case.comments),
        "con_Consent": case.consented,
        "prs_Birthdate": report.birth_date.isoformat() if report.birth_date else None,
        "prs_Gender": GENDER.get(report.sex or ""),
        "prs_Citizenship": [CITIZENSHIP],
        "prs_IdentityNumber": report.nik,
        "prs_MobilePhone": report.phone,
        "prs_MailingCity": report.home_city,
        "prs_MailingState": province,
        "prs_MailingCountry": CITIZENSHIP if province or report.home_city else None,
        "vic_MethodsOfControl": methods_of_control(case),
        **screened(case),
        EXTENSION: extension,
    }


class HtcdsWriter:
    """{"standard": "HTCDS", …, "cases": [one object per case]}, written a case at a time."""

    def __init__(self, out: IO[bytes], zone: ZoneInfo) -> None:
        self._out = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=True)
        head = {
            "standard": STANDARD,
            "standard_version": STANDARD_VERSION,
            "standard_url": STANDARD_URL,
            "extension": EXTENSION,
            "time_zone": "UTC",
        }
        self._out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "cases": [')
        self.rows = 0

    def write(self, cases: Sequence[Case]) -> None:
        for case in cases:
            self._out.write(",\n " if self.rows else "\n ")
            self._out.write(json.dumps(htcds_case(case), ensure_ascii=False))
            self.rows += 1

    def close(self) -> None:
        self._out.write("\n]}\n")
        self._out.flush()
        self._out.detach()
