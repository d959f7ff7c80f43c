"""The columns of the case list: stable English names, the kind of each value, and how it is read.

One row per case, as plain Python values; each writer (CSV, XLSX, JSON) turns them into its own types.
Never exported: the citizen's Telegram user id and chat id, the officers' Telegram ids, message ids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from bot.services.exports.cases import Case
from bot.services.screening import indicators
from bot.validators import province_by_code
from storage.models import Citizen, Referral, Report

Value = str | int | float | bool | date | datetime | list[str] | None
# text: written by the bot (codes, references, E.164 phone numbers, NIK); free: typed by a person
Kind = Literal["text", "free", "bool", "int", "float", "date", "datetime", "tags"]


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind
    get: Callable[[Case], Value]
    width: int = 14  # characters, for the spreadsheet
    # digits that are not a number (NIK, phone, passport, document numbers): a text cell ("@") in XLSX,
    # so that a spreadsheet keeps every digit, the + and the leading 0
    identifier: bool = False


def merged_into(report: Report) -> str | None:
    """The reference of the case this one was merged into (the same person reported twice): made as
    every reference is (bot.services.reports), so no other row is read."""
    if report.merged_into_id is None or not report.reference:
        return None
    return f"{report.reference.rsplit('-', 1)[0]}-{report.merged_into_id:06d}"


def citizen_of(report: Report) -> Citizen | None:
    """The citizen when it was loaded with the report (the exports load it), else None: never a lazy load."""
    loaded = report.__dict__.get("citizen")
    return loaded if isinstance(loaded, Citizen) else None


def province_name(report: Report) -> str | None:
    code = report.home_province
    if not code:
        return None
    province = province_by_code(code)
    return province.name if province else code


def _contact_pref(case: Case) -> str | None:
    citizen = citizen_of(case.report)
    return citizen.contact_pref if citizen else None


def _consent_at(case: Case) -> datetime | None:
    citizen = citizen_of(case.report)
    return citizen.consent_at if citizen else None


def journey(report: Report, *keys: str) -> Any:
    """A fact of the way home (Report.journey), read defensively: the first of `keys` recorded."""
    facts = report.journey if isinstance(report.journey, dict) else {}
    return next((facts[key] for key in keys if facts.get(key) not in (None, "")), None)


def _fact(*keys: str) -> Callable[[Case], str | None]:
    def get(case: Case) -> str | None:
        value = journey(case.report, *keys)
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value)
        return None if value is None else str(value)

    return get


def _document_date(case: Case) -> date | None:
    value = journey(case.report, "document_date")
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _each(case: Case, read: Callable[[Referral], str | None]) -> str | None:
    return "; ".join(read(r) or "" for r in case.referrals) or None


def referral_day(referral: Referral) -> str | None:
    """The day the case went to the partner: its file taken for them, else the citizen's yes (UTC)."""
    when = referral.referred_at or referral.answered_at
    return when.date().isoformat() if when else None


def _indicators(case: Case) -> str | None:
    """The ILO indicators the screening answers point to, comma separated ("": answered, none)."""
    report = case.report
    return ",".join(indicators(report.screening, report.passport_status)) if report.screening else None


def _r(read: Callable[[Report], Value]) -> Callable[[Case], Value]:
    return lambda case: read(case.report)


COLUMNS: tuple[Column, ...] = (
    Column("reference", "text", _r(lambda r: r.reference), 12),
    Column("status", "text", _r(lambda r: r.status), 18),
    Column("priority", "text", _r(lambda r: r.priority), 8),
    Column("sos", "bool", _r(lambda r: r.sos), 6),
    Column("submitted", "bool", _r(lambda r: r.submitted), 10),
    Column("created_at", "datetime", _r(lambda r: r.created_at), 18),
    Column("updated_at", "datetime", _r(lambda r: r.updated_at), 18),
    Column("language", "text", _r(lambda r: r.language), 9),
    Column("profile_name", "free", _r(lambda r: r.profile_name), 20),
    Column("full_name", "free", _r(lambda r: r.full_name), 28),
    Column("sex", "text", _r(lambda r: r.sex), 8),
    Column("birth_date", "date", _r(lambda r: r.birth_date), 11),
    Column("nik", "text", _r(lambda r: r.nik), 18, identifier=True),
    Column("home_province", "text", _r(province_name), 20),
    Column("home_city", "free", _r(lambda r: r.home_city), 20),
    Column("phone", "text", _r(lambda r: r.phone), 16, identifier=True),
    Column("family_contact", "free", _r(lambda r: r.family_contact), 28, identifier=True),
    Column("contact_pref", "text", _contact_pref, 12),
    Column("consent_at", "datetime", _consent_at, 18),
    Column("city", "text", _r(lambda r: r.city), 14),
    Column("place", "free", _r(lambda r: r.place), 30),
    Column("latitude", "float", _r(lambda r: r.latitude), 11),
    Column("longitude", "float", _r(lambda r: r.longitude), 11),
    Column("location_at", "datetime", _r(lambda r: r.location_at), 18),
    Column("passport_status", "text", _r(lambda r: r.passport_status), 15),
    Column("passport_number", "text", _r(lambda r: r.passport_number), 15, identifier=True),
    Column("safety", "text", _r(lambda r: r.safety), 11),
    Column("companions", "int", _r(lambda r: r.companions), 11),
    Column("children", "int", _r(lambda r: r.children), 9),
    Column("medical", "text", _r(lambda r: r.medical), 16),
    Column("documents_held", "text", _r(lambda r: r.documents_held), 16),
    Column("going_home", "text", _r(lambda r: r.going_home), 11),
    Column("notes", "free", _r(lambda r: r.notes), 40),
    Column("tags", "tags", _r(lambda r: list(r.tags or ())), 16),
    Column("acknowledged_at", "datetime", _r(lambda r: r.acknowledged_at), 18),
    Column("assigned_name", "free", _r(lambda r: r.assigned_name), 20),
    Column("assigned_at", "datetime", _r(lambda r: r.assigned_at), 18),
    Column("stage", "text", _r(lambda r: r.stage), 17),
    Column("stage_at", "datetime", _r(lambda r: r.stage_at), 18),
    Column("identity_verified_by", "free", _fact("identity"), 16),
    Column("document", "text", _fact("document"), 10),
    Column("document_number", "free", _fact("document_number"), 16, identifier=True),
    Column("document_date", "date", _document_date, 12),
    Column("fine", "text", _fact("fine"), 8),
    Column("exit_permit", "free", _fact("exit_permit"), 12, identifier=True),
    Column("flight_id", "int", _r(lambda r: r.flight_id), 9),
    Column("arrived_place", "free", _fact("arrived_place", "arrived_at_place"), 24),
    Column("referred_to", "free", _fact("referred_to"), 24),
    Column("stage_reason", "free", _fact("reason"), 30),
    # referrals the citizen agreed to, oldest first, "; " between them (services.referrals)
    Column("referral_partners", "free", lambda c: _each(c, lambda r: r.partner_name), 24),
    Column("referral_reasons", "text", lambda c: _each(c, lambda r: ", ".join(r.reasons or [])), 24),
    Column("referral_dates", "text", lambda c: _each(c, referral_day), 12),
    # screening (issue 19): what the answers point to, and the officer's decision, apart
    Column("screening_indicators", "text", _indicators, 30),
    Column("screening_answered_at", "datetime", _r(lambda r: r.screening_at), 18),
    Column("screening_decision", "text", _r(lambda r: r.screening_decision), 16),
    Column("screening_decided_at", "datetime", _r(lambda r: r.screening_decided_at), 18),
    Column("merged_into", "text", _r(lambda r: merged_into(r)), 12),
)
BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
TAG_SEPARATOR = ";"
