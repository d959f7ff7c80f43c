"""The rules of a report: creating it (SOS or sent), copying answers to it, triage, the event trail."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.triage import priority
from storage.models import Citizen, Report, ReportEvent
from storage.repositories import reports_of

PERSONAL = (
    "latitude", "longitude", "city", "place", "passport_number", "full_name", "birth_date", "nik",
    "home_province", "phone", "family_contact", "companions", "notes", "profile_name",
)  # fmt: skip
ANSWERS = (*PERSONAL[:-1], "passport_status", "safety")


def apply_answers(report: Report, fields: dict[str, Any], now: datetime) -> list[str]:
    """Copy draft answers onto the report; returns the names of the columns that changed."""
    changed = []
    for key, value in fields.items():
        if key not in ANSWERS:
            continue
        if key == "birth_date" and isinstance(value, str):
            value = date.fromisoformat(value)
        if getattr(report, key) != value:
            setattr(report, key, value)
            changed.append(key)
    if "latitude" in changed or "longitude" in changed:
        report.location_at = now
    report.priority = priority(report.sos, report.safety, report.passport_status)
    return changed


class Reports:
    """One unit of work's view of reports; it adds to the session and never commits."""

    def __init__(self, session: AsyncSession, prefix: str, now: datetime) -> None:
        self.session = session
        self.prefix = prefix
        self.now = now

    def log(self, report: Report, actor: str, kind: str, **detail: Any) -> None:
        self.session.add(ReportEvent(report_id=report.id, actor=actor, kind=kind, detail=detail, at=self.now))

    async def create(self, citizen: Citizen, lang: str, profile_name: str, sos: bool) -> Report:
        report = Report(
            citizen_id=citizen.id,
            language=lang,
            profile_name=profile_name or None,
            sos=sos,
            priority="P1" if sos else "P3",
            created_at=self.now,
            updated_at=self.now,
        )
        self.session.add(report)
        await self.session.flush()
        report.reference = f"{self.prefix}-{report.id:06d}"
        return report

    async def record_sos(
        self, citizen: Citizen, existing: Report | None, draft: dict[str, Any], lang: str, profile: str
    ) -> Report:
        report = existing or await self.create(citizen, lang, profile, sos=True)
        report.sos = True
        apply_answers(report, draft, self.now)
        self.log(report, "citizen", "sos")
        return report

    async def submit(
        self, citizen: Citizen, existing: Report | None, draft: dict[str, Any], lang: str, profile: str
    ) -> Report:
        report = existing or await self.create(citizen, lang, profile, sos=False)
        apply_answers(report, draft, self.now)
        report.submitted = True
        report.language = lang
        self.log(report, "citizen", "submitted", priority=report.priority)
        return report

    def patch(self, report: Report, fields: dict[str, Any], event: str) -> None:
        before = report.priority
        changed = apply_answers(report, fields, self.now)
        if changed:
            detail: dict[str, Any] = {"fields": changed}
            if report.priority != before:
                detail["priority"] = [before, report.priority]
            self.log(report, "citizen", event, **detail)

    async def erase(self, citizen: Citizen) -> None:
        """The citizen's own /delete: personal values go, the trail says it happened."""
        for report in await reports_of(self.session, citizen.id):
            for key in PERSONAL:
                setattr(report, key, None)
            report.location_at = None
            self.log(report, "citizen", "erased_by_citizen")
        citizen.consent_at = None
        citizen.contact_pref = "any"
