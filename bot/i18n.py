"""Gettext catalogs from locales/ (compiled with Babel) and the locale of each update."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

# Installed from a wheel, the compiled catalogues are bot/locales (setup.py); in the repository they
# are locales/ at its top, where `make compile` puts the .mo files beside the .po ones.
_SHIPPED = Path(__file__).resolve().parent / "locales"
LOCALES_DIR = _SHIPPED if _SHIPPED.is_dir() else Path(__file__).resolve().parent.parent / "locales"
LANGUAGES = ("id", "en")
DOMAIN = "messages"


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated later, where the locale is known."""
    return message


def pick_language(chosen: str | None, telegram_code: str | None) -> str:
    """The citizen's own choice, else Telegram's language_code: id* is Indonesian, anything else English."""
    if chosen in LANGUAGES:
        return chosen
    if telegram_code and telegram_code.lower().startswith("id"):
        return "id"
    return "en"


class Translator:
    """One language: gettext plus Babel's date and number formats in the mission's time zone."""

    def __init__(self, lang: str, translations: Translations, zone: ZoneInfo) -> None:
        self.lang = lang
        self._t = translations
        self.zone = zone

    def __call__(self, message: str, **params: object) -> str:
        text = self._t.gettext(message)
        return text.format(**params) if params else text

    def knows(self, message: str) -> bool:
        """Whether the catalog has this msgid (tests use it to catch a misspelt one)."""
        return message in getattr(self._t, "_catalog", {})

    def plural(self, singular: str, plural: str, n: int, **params: object) -> str:
        return self._t.ngettext(singular, plural, n).format(n=n, **params)

    def date(self, value: date) -> str:
        return format_date(value, format="long", locale=self.lang)

    def datetime(self, value: datetime) -> str:
        return format_datetime(value, format="d MMM y HH:mm", tzinfo=self.zone, locale=self.lang)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.lang)


class Problem(ValueError):
    """Something refused, said later in the reader's language: `message` (a msgid, English) with its
    `params` (services raise it; the chat and the console say it with `said`)."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message.format(**params) if params else message)
        self.message = message
        self.params = params

    def said(self, t: Translator) -> str:
        return t(self.message, **self.params)


def _load(lang: str, base: Path) -> Translations:
    folder = base / lang / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return Translations(fh, domain=DOMAIN)
    if not po.exists():
        raise FileNotFoundError(f"no catalog for {lang!r} in {folder}")
    # A fresh clone has no compiled catalog yet: compile the .po with Babel in memory.
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf, domain=DOMAIN)


class Catalogs:
    """Every language's translator, loaded once at start-up."""

    def __init__(self, zone: ZoneInfo, base: Path = LOCALES_DIR) -> None:
        self._by_lang: Mapping[str, Translator] = {
            lang: Translator(lang, _load(lang, base), zone) for lang in LANGUAGES
        }

    def __getitem__(self, lang: str) -> Translator:
        return self._by_lang[lang if lang in self._by_lang else "en"]
