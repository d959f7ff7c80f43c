"""The case card in the officer group: the facts on one card, priority first, edited as the case moves."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.actions import InlineButton, InlineKeyboard
from bot.core.callbacks import Scope, callback
from bot.core.case import Priority, Status
from bot.core.contact import ContactPref
from bot.core.stage import Stage
from bot.flow.steps import BY_ID, option_label, safety_values
from bot.i18n import N_, Translator
from bot.services import screening
from bot.services.sos import NO_SOS, SosState
from bot.services.stages import event_summary, summary
from bot.validators import province_by_code
from storage.models import Report, ReportEvent, SosAlert

MARKERS: dict[str, str] = {Priority.P1: "🔴", Priority.P2: "🟠", Priority.P3: "🟢"}
# Marks that reorder text on the reader's screen (a name could flip the line it is on) and line
# breaks (a place could draw fake "Passport:" lines on the card): what citizens type loses both
# wherever an officer reads it.
_BIDI = dict.fromkeys(map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")
STATUSES: dict[str, str] = {
    Status.NEW: N_("new"),
    Status.ACKNOWLEDGED: N_("acknowledged"),
    Status.IN_PROGRESS: N_("in progress"),
    Status.AWAITING_DOCUMENTS: N_("awaiting documents"),
    Status.SCHEDULED: N_("scheduled for repatriation"),
    Status.REPATRIATED: N_("repatriated"),
    Status.CLOSED: N_("closed"),
    Status.REFERRED: N_("referred"),
}
LANGUAGE_NAMES = {"id": N_("Indonesian"), "en": N_("English")}
# The answers of the way home as officers read them (the citizen's buttons say "I am ill" …)
GOING_HOME: dict[str, str] = {"yes": N_("yes"), "not_yet": N_("not yet"), "unsure": N_("not sure")}
MEDICAL: dict[str, str] = {
    "injury": N_("injury"),
    "illness": N_("illness"),
    "medicine": N_("needs medicine"),
    "pregnant": N_("pregnant"),
    "none": N_("none"),
}
DOCUMENTS: dict[str, str] = {
    "ktp": N_("KTP"),
    "kk": N_("KK"),
    "birth": N_("birth certificate"),
    "passport_copy": N_("passport copy"),
    "none": N_("none"),
}
SEXES: dict[str, str] = {"female": N_("female"), "male": N_("male")}


def typed(text: str | None) -> str:
    """What a citizen typed, as one line an officer can trust: no bidirectional marks, each run of
    line breaks shown as " ↵ "."""
    if not text:
        return ""
    return _BREAKS.sub(" ↵ ", text.translate(_BIDI)).strip()


def answer(question: str, value: str | None, t: Translator) -> str:
    if question == "safety":  # several answers at once
        labels = [option_label(BY_ID[question], v) for v in safety_values(value)]
        return ", ".join(t(label) for label in labels if label) or "—"
    label = option_label(BY_ID[question], value)
    return t(label) if label else "—"


def listed(labels: dict[str, str], value: str | None, t: Translator) -> str:
    """A comma list of answers (medical needs, documents held) in the officers' words."""
    return ", ".join(t(labels[v]) for v in safety_values(value) if v in labels)


def going_home(report: Report, t: Translator) -> str:
    """ "yes — Jawa Timur, Malang": the answer, and where home is (the province asked before, the city)."""
    said = t(GOING_HOME.get(report.going_home or "", "—"))
    if report.going_home == "not_yet":
        return said
    province = province_by_code(report.home_province or "")
    where = ", ".join(p for p in (province.name if province else "", typed(report.home_city)) if p)
    return f"{said} — {where}" if where else said


def way_home(report: Report, t: Translator) -> list[tuple[str, str, str]]:
    """The answers that plan the way home, each (mark, label msgid, value), only those given: the
    card, the details and the console's case page show them."""
    facts: list[tuple[str, str, str]] = []
    if report.going_home:
        facts.append(("🏠", N_("Going home"), going_home(report, t)))
    if report.medical:
        facts.append(("🩺", N_("Medical"), listed(MEDICAL, report.medical, t)))
    if report.documents_held:
        facts.append(("🪪", N_("Documents"), listed(DOCUMENTS, report.documents_held, t)))
    if report.sex:
        facts.append(("⚧", N_("Sex"), t(SEXES.get(report.sex, report.sex))))
    if report.children is not None:
        facts.append(("🧒", N_("Children"), t.number(report.children)))
    return facts


def contact_line(contact_pref: str, t: Translator) -> str:
    if contact_pref == ContactPref.ANY:
        return t(N_("may be written to"))
    if contact_pref == ContactPref.ON_REPLY:
        return t(N_("only write after they write"))
    return t(N_("not said yet: only write after they write"))


def map_link(report: Report) -> str | None:
    if report.latitude is None or report.longitude is None:
        return None
    return f"https://www.openstreetmap.org/?mlat={report.latitude:.5f}&mlon={report.longitude:.5f}#map=17"


def where(report: Report, t: Translator) -> str:
    parts = []
    if report.city:
        parts.append(answer("location", report.city, t))
    if report.place:
        parts.append(typed(report.place))
    if report.latitude is not None and report.longitude is not None:
        parts.append(f"{report.latitude:.5f}, {report.longitude:.5f}")
    return " — ".join(parts) or t(N_("not known yet"))


def sos_line(sos: SosState, t: Translator) -> str | None:
    latest = sos.latest
    if latest is None:
        return None
    when = t.datetime(latest.raised_at)
    count = f" ({t.number(sos.count)}×)" if sos.count > 1 else ""
    if sos.waiting:
        return t(N_("🆘 SOS {when}{count}: waiting for an officer to acknowledge"), when=when, count=count)
    acknowledged = t.datetime(latest.acknowledged_at or latest.raised_at)
    return t(N_("🆘 Last SOS {when}{count}, acknowledged {acknowledged}"), when=when, count=count,
             acknowledged=acknowledged)  # fmt: skip


# Why two cases may be one person, as the card says it (the strongest reason of a pair comes first)
ALIKE_REASONS: dict[str, str] = {
    "nik": N_("same NIK"),
    "passport": N_("same passport"),
    "phone": N_("same phone number"),
    "name_birth": N_("like name, same date of birth"),
}
ALIKE_SHOWN = 3  # references a card names; the console's Duplicates page lists them all


@dataclass(frozen=True, slots=True)
class Alike:
    """Who this case may be or has become: open pairs (reference, reasons), the case it was merged
    into, the cases merged into it."""

    pairs: Sequence[tuple[str, Sequence[str]]] = ()
    merged_into: str | None = None
    merged_in: Sequence[str] = ()


NO_ALIKE = Alike()


def alike_lines(alike: Alike, t: Translator) -> list[str]:
    lines = []
    if alike.merged_into:
        lines.append(t(N_("🔁 Merged into {reference}"), reference=alike.merged_into))
    if alike.merged_in:
        lines.append(t(N_("🔁 Also reported as {references}"), references=", ".join(alike.merged_in)))
    named = []
    for reference, reasons in alike.pairs[:ALIKE_SHOWN]:
        why = next((t(ALIKE_REASONS[r]) for r in reasons if r in ALIKE_REASONS), "")
        named.append(f"{reference} ({why})" if why else reference)
    if named:
        more = len(alike.pairs) - ALIKE_SHOWN
        listed_refs = ", ".join(named) + (" " + t(N_("and {n} more"), n=t.number(more)) if more > 0 else "")
        lines.append(t(N_("⚠️ Maybe the same person as {references}"), references=listed_refs))
    return lines


def card_text(
    report: Report, contact_pref: str, t: Translator, sos: SosState = NO_SOS, alike: Alike = NO_ALIKE
) -> str:
    head = f"{MARKERS.get(report.priority, '')} {report.priority}"
    if report.sos:
        head += " · 🆘 SOS"
    head += f" · {report.reference}"
    lines = [head, *alike_lines(alike, t)]
    if report.sos and not report.submitted:
        lines.append(t(N_("Emergency: the form is not finished yet.")))
    name = typed(report.full_name) or t(N_("name not given"))
    if report.profile_name:
        name += f" (Telegram: {typed(report.profile_name)})"
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
    lines += [f"{mark} {t(label)}: {value}" for mark, label, value in way_home(report, t)]
    language = t(LANGUAGE_NAMES.get(report.language, report.language))
    lines.append(f"🗣 {language} · ✉️ {contact_line(contact_pref, t)}")
    lines.append(f"🕒 {t.datetime(report.created_at)}")
    alarm = sos_line(sos, t)
    if alarm:
        lines.append(alarm)
    status, status_label = t(STATUSES.get(report.status, report.status)), t(N_("Status"))
    lines.append(f"📌 {status_label}: {status}")
    if report.stage and report.stage != Stage.REPORTED:
        lines.append(t(N_("🧭 Stage: {stage}"), stage=typed(summary(report.stage, report.journey, t))))
    if report.acknowledged_at is not None:
        lines.append(t(N_("✋ Acknowledged {when}"), when=t.datetime(report.acknowledged_at)))
    if report.assigned_name:
        lines.append(t(N_("📥 Taken by {officer}"), officer=report.assigned_name))
    if report.tags:
        lines.append("🏷 " + tag_list(report.tags, t))
    lines += screening.card_lines(report, t)  # for an interview in person, never a verdict
    if report.erased_at is not None:
        lines.append(t(N_("🗑 Personal data erased {when}"), when=t.datetime(report.erased_at)))
    return within_limit("\n".join(lines))


TAGS_SHOWN = 12  # a card shows this many of a case's tags, then how many more (/case shows them all)
MESSAGE_LIMIT = 4096  # Telegram's, in characters


def tag_list(tags: Sequence[str], t: Translator) -> str:
    shown = ", ".join(tags[:TAGS_SHOWN])
    if len(tags) > TAGS_SHOWN:
        shown += " " + t(N_("and {n} more"), n=t.number(len(tags) - TAGS_SHOWN))
    return shown


def within_limit(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """A message Telegram takes: cut at the limit, with "…" (an edit past it fails, and the card
    would freeze as it was)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def card_keyboard(report: Report, t: Translator, sos: SosState = NO_SOS) -> InlineKeyboard:
    row = []
    if report.acknowledged_at is None or sos.waiting:
        row.append(InlineButton(t(N_("✋ Acknowledge")), callback(Scope.CASE, "ack", report.id)))
    if report.assigned_to is None:
        row.append(InlineButton(t(N_("📥 Take")), callback(Scope.CASE, "take", report.id)))
    row.append(InlineButton(t(N_("📄 Details")), callback(Scope.CASE, "det", report.id)))
    return InlineKeyboard((tuple(row),))


def sos_text(report: Report, alert: SosAlert, contact_pref: str, t: Translator, nth: int) -> str:
    """A new SOS of a case that has a card: a message of its own in the group (a notification), in
    reply to the card, with what officers need to act on it now."""
    head = t(N_("🆘 SOS from {reference}"), reference=report.reference)
    if nth > 1:
        head += " · " + t(N_("SOS number {n} of this case"), n=t.number(nth))
    name = typed(report.full_name or report.profile_name) or t(N_("name not given"))
    lines = [head, f"👤 {name}", f"📍 {where(report, t)}"]
    link = map_link(report)
    if link:
        located = t.datetime(report.location_at) if report.location_at else "—"
        sent_at = t(N_("location of {when}"), when=located)
        lines.append(f"🗺 {link} ({sent_at})")
    safety = t(N_("Safety"))
    lines.append(f"🛡 {safety}: {answer('safety', report.safety, t)}")
    lines.append(f"✉️ {contact_line(contact_pref, t)}")
    lines.append(t(N_("🕒 SOS pressed {when}"), when=t.datetime(alert.raised_at)))
    if alert.acknowledged_at is not None:
        lines.append(t(N_("✋ Acknowledged {when}"), when=t.datetime(alert.acknowledged_at)))
    if report.erased_at is not None:
        lines.append(t(N_("🗑 Personal data erased {when}"), when=t.datetime(report.erased_at)))
    return within_limit("\n".join(lines))


def sos_keyboard(report: Report, alert: SosAlert, t: Translator) -> InlineKeyboard:
    row = []
    if alert.acknowledged_at is None:
        row.append(InlineButton(t(N_("✋ Acknowledge SOS")), callback(Scope.CASE, "ack", report.id)))
    if report.assigned_to is None:
        row.append(InlineButton(t(N_("📥 Take")), callback(Scope.CASE, "take", report.id)))
    row.append(InlineButton(t(N_("📄 Details")), callback(Scope.CASE, "det", report.id)))
    return InlineKeyboard((tuple(row),))


def details_text(report: Report, t: Translator, alike: Sequence[Report] = ()) -> str:
    """Everything the citizen gave, for the officer who follows the case up (sent protected), and the
    other cases with the same NIK, passport or phone number (found by their lookup hashes)."""
    province = province_by_code(report.home_province or "")
    rows = [
        (N_("Name"), typed(report.full_name)),
        (N_("Date of birth"), t.date(report.birth_date) if report.birth_date else None),
        (N_("NIK"), report.nik),
        (N_("Passport number"), report.passport_number),
        (N_("Home province"), province.name if province else None),
        (N_("HP/WA number"), report.phone),
        (N_("Family contact"), typed(report.family_contact)),
        (N_("Anything else"), typed(report.notes)),
    ]
    lines = [f"📄 {report.reference}"]
    lines += [f"{t(label)}: {value if value not in (None, '') else '—'}" for label, value in rows]
    lines += [f"{t(label)}: {value}" for _, label, value in way_home(report, t)]
    if alike:
        references = ", ".join(r.reference or "" for r in alike)
        lines.append(t(N_("🔁 Same NIK, passport or phone number as: {references}"), references=references))
    return "\n".join(lines)


def trail_text(events: list[ReportEvent], t: Translator) -> str:
    lines = [t(N_("History:"))]
    for event in events[-15:]:
        who = event.actor
        if event.kind == "stage":
            extra = typed(event_summary(event.detail, t))
        else:
            extra = (
                typed(event.detail.get("text")) or event.detail.get("status") or event.detail.get("tag") or ""
            )
        lines.append(f"• {t.datetime(event.at)} · {who} · {event.kind}" + (f" · {extra}" if extra else ""))
    return "\n".join(lines)


def case_line(report: Report, t: Translator) -> str:
    """A case in one line, for lists (/open, /mine)."""
    sos = " 🆘" if report.sos else ""
    name = typed(report.full_name or report.profile_name) or "—"
    taken = f" · 📥 {report.assigned_name}" if report.assigned_name else ""
    status = t(STATUSES.get(report.status, report.status))
    marker = MARKERS.get(report.priority, "")
    return f"{marker}{sos} {report.reference} · {name} · {where(report, t)} · {status}{taken}"
