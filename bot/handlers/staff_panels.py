"""What a staff member reads while composing a broadcast: one panel per step, with its buttons.

Pure functions of the draft's data and the audience's counts; the staff member's language is the
officer language (settings.officer_language), like everything else the embassy's side reads.
"""

from __future__ import annotations

from typing import Any

from bot.core.actions import InlineButton, InlineKeyboard
from bot.core.callbacks import Scope, callback
from bot.i18n import N_, Translator
from bot.services.broadcasts import CATEGORIES, PRESETS, Counts, Filters, describe
from bot.services.broadcasts.filters import BY_CODE, shown
from bot.services.broadcasts.presets import preset

Panel = tuple[str, InlineKeyboard]


def _b(text: str, *fields: object) -> InlineButton:
    """A staff button: its data is bc:<fields>."""
    return InlineButton(text, callback(Scope.STAFF, *fields))


Rows = list[tuple[InlineButton, ...]]


def _rows(buttons: list[InlineButton], width: int) -> Rows:
    return [tuple(buttons[i : i + width]) for i in range(0, len(buttons), width)]


def cancel_row(t: Translator) -> tuple[InlineButton, ...]:
    return (_b(t(N_("✖️ Cancel")), "c"),)


def counts_lines(counts: Counts, t: Translator) -> list[str]:
    n, held, blocked = counts.total, counts.held, counts.blocked
    in_id, in_en = counts.language("id"), counts.language("en")
    return [
        t(N_("👥 {n} citizens: {id} in Indonesian, {en} in English"), n=n, id=in_id, en=in_en),
        t(N_("⏸ {held} only when they write · ⛔ {blocked} blocked the bot"), held=held, blocked=blocked),
    ]


def audience_panel(filters: Filters, counts: Counts, t: Translator) -> Panel:
    lines = [t(N_("📣 New broadcast · step 1 of 5: who should get it?"))]
    lines.append(t(N_("To: {audience}"), audience=describe(filters, t)))
    lines += counts_lines(counts, t)
    lines.append(t(N_("Tap a category to narrow the audience, then Next.")))
    buttons = []
    for category in CATEGORIES:
        chosen = len(filters.get(category.code))
        label = t(category.name) + (f" ({chosen})" if chosen else "")
        buttons.append(_b(label, "f", category.code))
    rows = _rows(buttons, 3)
    rows.append((_b(t(N_("🧹 Everyone")), "x"), _b(t(N_("Next ➡️")), "n")))
    rows.append(cancel_row(t))
    return "\n".join(lines), InlineKeyboard(tuple(rows))


def category_panel(code: str, filters: Filters, counts: Counts, values: list[str], t: Translator) -> Panel:
    category = BY_CODE[code]
    lines = [t(N_("📣 New broadcast · step 1 of 5: who should get it?"))]
    lines.append(t(N_("To: {audience}"), audience=describe(filters, t)))
    lines += counts_lines(counts, t)
    if values:
        lines.append(t(N_("{category}: tap to choose, tap again to leave out."), category=t(category.name)))
    else:
        lines.append(t(N_("No case has a tag yet. Officers add one with /tag PNH-000123 wave-3.")))
    chosen = filters.get(code)
    buttons = [_b(("✓ " if v in chosen else "") + shown(code, v, t), "t", code, v) for v in values]
    rows = _rows(buttons, 2)
    rows.append((_b(t(N_("◀️ Back")), "f", "-"),))
    rows.append(cancel_row(t))
    return "\n".join(lines), InlineKeyboard(tuple(rows))


def text_panel(lang: str, t: Translator) -> Panel:
    if lang == "id":
        text = t(N_("📣 Step 2 of 5: write the message in Indonesian, as citizens should read it."))
    else:
        text = t(N_("📣 Step 3 of 5: now write the same message in English."))
    hint = t(N_("Skip it if you write in one language only: those citizens then get the other text."))
    keyboard = InlineKeyboard(((_b(t(N_("Skip ➡️")), "s"),), cancel_row(t)))
    return f"{text}\n{hint}", keyboard


def buttons_panel(t: Translator) -> Panel:
    text = t(N_("📣 Step 4 of 5: which answer buttons go under the message?"))
    rows: Rows = [(_b(t(p.name), "b", p.code),) for p in PRESETS]
    rows.append(cancel_row(t))
    return text, InlineKeyboard(tuple(rows))


def when_panel(zone: str, t: Translator) -> Panel:
    text = t(
        N_(
            "📣 Step 5 of 5: when should it go? Tap Now, or type a time in {zone} "
            "such as 18:30 or 25-01 08:00."
        ),
        zone=zone,
    )
    return text, InlineKeyboard(((_b(t(N_("🚀 Now")), "w"),), cancel_row(t)))


def confirm_panel(
    data: dict[str, Any], filters: Filters, counts: Counts, when: str | None, t: Translator
) -> Panel:
    lines = [t(N_("📣 Ready. This is the broadcast:"))]
    lines.append(t(N_("To: {audience}"), audience=describe(filters, t)))
    lines += counts_lines(counts, t)
    if counts.held:
        lines.append(t(N_("⏸ Those {n} get it right after their next message to us."), n=counts.held))
    for lang, name in (("id", N_("Indonesian")), ("en", N_("English"))):
        if not data.get(f"text_{lang}") and counts.language(lang):
            lines.append(
                t(
                    N_("⚠️ No {language} text: {n} citizens who read {language} will get the other text."),
                    language=t(name),
                    n=counts.language(lang),
                )
            )
    lines.append(t(N_("Answer buttons: {buttons}"), buttons=t(preset(str(data.get("buttons"))).name)))
    lines.append(t(N_("🕒 Goes out: {when}"), when=when) if when else t(N_("🕒 Goes out: now")))
    rows: list[tuple[InlineButton, ...]] = []
    if counts.total - counts.blocked > 0:
        rows.append((_b(t(N_("✅ Send to {n} citizens"), n=counts.total), "go"),))
    else:
        lines.append(t(N_("No one can get it: change the audience.")))
    rows.append((_b(t(N_("✏️ Start again")), "re"),))
    rows.append(cancel_row(t))
    return "\n".join(lines), InlineKeyboard(tuple(rows))
