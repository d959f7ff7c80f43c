"""The command menu Telegram shows beside the text field, one per language (setMyCommands)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import LANGUAGES, N_, Catalogs

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Start or continue your report")),
    ("status", N_("What is happening with your case")),
    ("update", N_("Tell us a new location, how you are, or about going home")),
    ("sos", N_("If you are in danger now")),
    ("language", N_("Bahasa Indonesia or English")),
    ("delete", N_("Delete your data")),
    ("hide", N_("Delete this chat from your phone")),
    ("find", N_("Look for a family member or friend")),
    ("verify", N_("Is this the real embassy? Report a scam")),
    ("help", N_("How the hotline works")),
    ("cancel", N_("Stop the report and delete your answers")),
)
DEFAULT_LANGUAGE = "en"  # users of any other language get English (as bot.i18n.pick_language does)


@dataclass(frozen=True, slots=True)
class Menu:
    language_code: str | None  # None: the default menu, for every other language
    commands: tuple[tuple[str, str], ...]  # (command, description)


def menus(catalogs: Catalogs) -> list[Menu]:
    """The default menu, then one per language of the catalogs."""
    found = [Menu(None, _translated(catalogs, DEFAULT_LANGUAGE))]
    found += [Menu(lang, _translated(catalogs, lang)) for lang in LANGUAGES]
    return found


def _translated(catalogs: Catalogs, lang: str) -> tuple[tuple[str, str], ...]:
    t = catalogs[lang]
    return tuple((name, t(description)[:256]) for name, description in COMMANDS)
