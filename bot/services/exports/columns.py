"""The columns of the case list: stable English names, the kind of each value, and how it is read.

One row per case, as plain Python values; each writer (CSV, XLSX, JSON) turns them into its own types.
Never exported: the citizen's Telegram user id and chat id, the officers' Telegram ids, message ids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from bot.validators import province_by_code
from storage.models import Citizen, Report

Value = str | int | float | bool | date | datetime | list[str] | None
# text: written by the bot (codes, references, E.164 phone numbers, NIK); free: typed by a person
Kind = Literal["text", "free", "bool", "int", "float", "date", "datetime", "tags"]


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind
    get: Callable[[Report], Value]
    width: int = 14  # characters, for the spreadsheet


def citizen_of(report: Report) -> Citizen | None:
    """The citizen when it was loaded with the report (load_cases does), else None: never a lazy load."""
    loaded = report.__dict__.get("citizen")
    return loaded if isinstance(loaded, Citizen) else None


def province_name(report: Report) -> str | None:
    code = report.home_province
    if not code:
        return None
    province = province_by_code(code)
    return province.name if province else code


def _contact_pref(report: Report) -> str | None:
    citizen = citizen_of(report)
    return citizen.contact_pref if citizen else None


def _consent_at(report: Report) -> datetime | None:
    citizen = citizen_of(report)
    return citizen.consent_at if citizen else None


COLUMNS: tuple[Column, ...] = (
    Column("reference", "text", lambda r: r.reference, 12),
    Column("status", "text", lambda r: r.status, 18),
    Column("priority", "text", lambda r: r.priority, 8),
    Column("sos", "bool", lambda r: r.sos, 6),
    Column("submitted", "bool", lambda r: r.submitted, 10),
    Column("created_at", "datetime", lambda r: r.created_at, 18),
    Column("updated_at", "datetime", lambda r: r.updated_at, 18),
    Column("language", "text", lambda r: r.language, 9),
    Column("profile_name", "free", lambda r: r.profile_name, 20),
    Column("full_name", "free", lambda r: r.full_name, 28),
    Column("birth_date", "date", lambda r: r.birth_date, 11),
    Column("nik", "text", lambda r: r.nik, 18),
    Column("home_province", "text", province_name, 20),
    Column("phone", "text", lambda r: r.phone, 16),
    Column("family_contact", "free", lambda r: r.family_contact, 28),
    Column("contact_pref", "text", _contact_pref, 12),
    Column("consent_at", "datetime", _consent_at, 18),
    Column("city", "text", lambda r: r.city, 14),
    Column("place", "free", lambda r: r.place, 30),
    Column("latitude", "float", lambda r: r.latitude, 11),
    Column("longitude", "float", lambda r: r.longitude, 11),
    Column("location_at", "datetime", lambda r: r.location_at, 18),
    Column("passport_status", "text", lambda r: r.passport_status, 15),
    Column("passport_number", "text", lambda r: r.passport_number, 15),
    Column("safety", "text", lambda r: r.safety, 11),
    Column("companions", "int", lambda r: r.companions, 11),
    Column("notes", "free", lambda r: r.notes, 40),
    Column("tags", "tags", lambda r: list(r.tags or ()), 16),
    Column("acknowledged_at", "datetime", lambda r: r.acknowledged_at, 18),
    Column("assigned_name", "free", lambda r: r.assigned_name, 20),
    Column("assigned_at", "datetime", lambda r: r.assigned_at, 18),
)
BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
TAG_SEPARATOR = ";"
