"""The case card in the officer group: the facts on one card, priority first, edited as the case moves."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.actions import InlineButton, InlineKeyboard
from bot.flow.steps import BY_ID, option_label
from bot.i18n import N_, Translator
from bot.validators import province_by_code
from storage.models import Report, ReportEvent

MARKERS = {"P1": "🔴", "P2": "🟠", "P3": "🟢"}
STATUSES = {
    "new": N_("new"),
    "acknowledged": N_("acknowledged"),
    "in_progress": N_("in progress"),
    "awaiting_documents": N_("awaiting documents"),
    "scheduled": N_("scheduled for repatriation"),
    "repatriated": N_("repatriated"),
    "closed": N_("closed"),
    "referred": N_("referred"),
}
OPEN_STATUSES = ("new", "acknowledged", "in_progress", "awaiting_documents", "scheduled")
LANGUAGE_NAMES = {"id": N_("Indonesian"), "en": N_("English")}


def answer(question: str, value: str | None, t: Translator) -> str:
    label = option_label(BY_ID[question], value)
    return t(label) if label else "—"


def map_link(report: Report) -> str | None:
    if report.latitude is None or report.longitude is None:
        return None
    return f"https://www.openstreetmap.org/?mlat={report.latitude:.5f}&mlon={report.longitude:.5f}#map=17"


def where(report: Report, t: Translator) -> str:
    parts = []
    if report.city:
        parts.append(answer("location", report.city, t))
    if report.place:
        parts.append(report.place)
    if report.latitude is not None and report.longitude is not None:
        parts.append(f"{report.latitude:.5f}, {report.longitude:.5f}")
    return " — ".join(parts) or t(N_("not known yet"))


def card_text(report: Report, contact_pref: str, t: Translator) -> str:
    head = f"{MARKERS.get(report.priority, '')} {report.priority}"
    if report.sos:
        head += " · 🆘 SOS"
    head += f" · {report.reference}"
    lines = [head]
    if report.sos and not report.submitted:
        lines.append(t(N_("Emergency: the form is not finished yet.")))
    name = report.full_name or t(N_("name not given"))
    if report.profile_name:
        name += f" (Telegram: {report.profile_name})"
    lines.append(f"👤 {name}")
    lines.append(f"📍 {where(report, t)}")
    link = map_link(report)
    if link:
        lines.append(f"🗺 {link}")
    passport, safety, with_them = t(N_("Passport")), t(N_("Safety")), t(N_("With them"))
    lines.append(f"🛂 {passport}: {answer('passport', report.passport_status, t)}")
    lines.append(f"🛡 {safety}: {answer('safety', report.safety, t)}")
    if report.companions is not None:
        lines.append(f"👥 {with_them}: {t.number(report.companions)}")
    language = t(LANGUAGE_NAMES.get(report.language, report.language))
    contact = (
        t(N_("only write after they write")) if contact_pref == "on_reply" else t(N_("may be written to"))
    )
    lines.append(f"🗣 {language} · ✉️ {contact}")
    lines.append(f"🕒 {t.datetime(report.created_at)}")
    status, status_label = t(STATUSES.get(report.status, report.status)), t(N_("Status"))
    lines.append(f"📌 {status_label}: {status}")
    if report.acknowledged_at is not None:
        lines.append(t(N_("✋ Acknowledged {when}"), when=t.datetime(report.acknowledged_at)))
    if report.assigned_name:
        lines.append(t(N_("📥 Taken by {officer}"), officer=report.assigned_name))
    if report.tags:
        lines.append("🏷 " + ", ".join(report.tags))
    if report.erased_at is not None:
        lines.append(t(N_("🗑 Personal data erased {when}"), when=t.datetime(report.erased_at)))
    return "\n".join(lines)


def card_keyboard(report: Report, t: Translator) -> InlineKeyboard:
    row = []
    if report.acknowledged_at is None:
        row.append(InlineButton(t(N_("✋ Acknowledge")), f"o:ack:{report.id}"))
    if report.assigned_to is None:
        row.append(InlineButton(t(N_("📥 Take")), f"o:take:{report.id}"))
    row.append(InlineButton(t(N_("📄 Details")), f"o:det:{report.id}"))
    return InlineKeyboard((tuple(row),))


def details_text(report: Report, t: Translator, alike: Sequence[Report] = ()) -> str:
    """Everything the citizen gave, for the officer who follows the case up (sent protected), and the
    other cases with the same NIK, passport or phone number (found by their lookup hashes)."""
    province = province_by_code(report.home_province or "")
    rows = [
        (N_("Name"), report.full_name),
        (N_("Date of birth"), t.date(report.birth_date) if report.birth_date else None),
        (N_("NIK"), report.nik),
        (N_("Passport number"), report.passport_number),
        (N_("Home province"), province.name if province else None),
        (N_("Phone or WhatsApp"), report.phone),
        (N_("Family contact"), report.family_contact),
        (N_("Anything else"), report.notes),
    ]
    lines = [f"📄 {report.reference}"]
    lines += [f"{t(label)}: {value if value not in (None, '') else '—'}" for label, value in rows]
    if alike:
        references = ", ".join(r.reference or "" for r in alike)
        lines.append(t(N_("🔁 Same NIK, passport or phone number as: {references}"), references=references))
    return "\n".join(lines)


def trail_text(events: list[ReportEvent], t: Translator) -> str:
    lines = [t(N_("History:"))]
    for event in events[-15:]:
        who = event.actor
        extra = event.detail.get("text") or event.detail.get("status") or event.detail.get("tag") or ""
        lines.append(f"• {t.datetime(event.at)} · {who} · {event.kind}" + (f" · {extra}" if extra else ""))
    return "\n".join(lines)
