"""Answer buttons under a broadcast: a few preset sets, labelled in the citizen's language.

A press sends `ba:<broadcast id>:<option>`; the option codes are stable, the labels are translated.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.actions import InlineButton, InlineKeyboard
from bot.core.callbacks import Callback, Scope, callback
from bot.i18n import N_, Translator

PREVIEW_DATA = callback(
    Scope.STAFF, "pv"
)  # a preview's buttons look the same, and only say that it is a preview


@dataclass(frozen=True, slots=True)
class Preset:
    code: str
    name: str  # a msgid: the set as the staff member picks it
    options: tuple[tuple[str, str], ...]  # (option code, msgid of its label)


PRESETS: tuple[Preset, ...] = (
    Preset("none", N_("No buttons"), ()),
    Preset("ack", N_("“I understand”"), (("ok", N_("✅ I understand")),)),
    Preset(
        "attend",
        N_("“I will come” / “I cannot come”"),
        (("yes", N_("✅ I will come")), ("no", N_("❌ I cannot come"))),
    ),
    Preset(
        "docs",
        N_("“I have my documents” / “I do not”"),
        (("yes", N_("✅ I have my documents")), ("no", N_("❌ I do not have them"))),
    ),
    Preset("yesno", N_("“Yes” / “No”"), (("yes", N_("Yes")), ("no", N_("No")))),
)
BY_CODE: dict[str, Preset] = {p.code: p for p in PRESETS}


def preset(code: str) -> Preset:
    return BY_CODE.get(code, PRESETS[0])


def option_label(code: str, option: str) -> str | None:
    """The msgid of an option of a preset, or None when the preset has no such option."""
    return dict(preset(code).options).get(option)


def keyboard(code: str, broadcast_id: int | None, t: Translator) -> InlineKeyboard | None:
    """The buttons a citizen sees (broadcast_id None: a preview's, which record nothing)."""
    options = preset(code).options
    if not options:
        return None
    buttons = tuple(
        InlineButton(t(label), callback(Scope.ANSWER, broadcast_id, option) if broadcast_id else PREVIEW_DATA)
        for option, label in options
    )
    return InlineKeyboard(tuple((b,) for b in buttons))


def parse_answer(data: str) -> tuple[int, str] | None:
    """(broadcast id, option) of a citizen's press, or None when the data is not one."""
    pressed = Callback.parse(data)
    if pressed is None or pressed.scope is not Scope.ANSWER or len(pressed.fields) != 2:
        return None
    number = pressed.number(0)
    return (number, pressed.fields[1]) if number is not None and pressed.fields[1] else None
