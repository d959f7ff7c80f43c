"""Who a broadcast is for: filters by category, kept as JSON in a draft and on the broadcast.

Within a category the values are alternatives (status new OR in progress); categories narrow each
other (and priority P1). No filter at all: everyone who consented. The case-based categories look at
each citizen's newest report; language is the citizen's own (see `audience.language_of`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.core.case import Priority
from bot.flow.steps import CITIES, PASSPORT
from bot.i18n import N_, Translator
from bot.services.cards import LANGUAGE_NAMES, STATUSES
from bot.services.cases import TAG


@dataclass(frozen=True, slots=True)
class Category:
    code: str  # in callback data: keep it short
    name: str  # a msgid
    values: tuple[tuple[str, str], ...]  # (value, msgid of its label); empty: read from the data (tags)


CATEGORIES: tuple[Category, ...] = (
    Category("status", N_("Status"), tuple(STATUSES.items())),
    Category("priority", N_("Priority"), tuple((p.value, p.value) for p in Priority)),
    Category("city", N_("City"), tuple((o.value, o.label) for o in CITIES)),
    Category("passport", N_("Passport"), tuple((o.value, o.label) for o in PASSPORT)),
    Category("tag", N_("Tag"), ()),
    Category("lang", N_("Language"), tuple(LANGUAGE_NAMES.items())),
)
BY_CODE: dict[str, Category] = {c.code: c for c in CATEGORIES}


@dataclass(frozen=True, slots=True)
class Filters:
    chosen: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Filters:
        chosen: dict[str, tuple[str, ...]] = {}
        for code, values in (data or {}).items():
            if code in BY_CODE and isinstance(values, list) and values:
                chosen[code] = tuple(str(v) for v in values)
        return cls(chosen)

    def to_json(self) -> dict[str, Any]:
        return {code: list(values) for code, values in self.chosen.items() if values}

    def get(self, code: str) -> tuple[str, ...]:
        return self.chosen.get(code, ())

    def toggle(self, code: str, value: str) -> Filters:
        """The filters with this value added, or taken away if it was there (an unknown one: unchanged)."""
        if not allowed(code, value):
            return self
        now = self.get(code)
        values = tuple(v for v in now if v != value) if value in now else (*now, value)
        return Filters({**self.chosen, code: values} if values else _without(self.chosen, code))

    @property
    def empty(self) -> bool:
        return not any(self.chosen.values())


def allowed(code: str, value: str) -> bool:
    """A value of the category (a tag: one written as /tag writes them)."""
    category = BY_CODE.get(code)
    if category is None:
        return False
    if code == "tag":
        return bool(TAG.match(value))
    return value in dict(category.values)


def _without(chosen: Mapping[str, tuple[str, ...]], code: str) -> dict[str, tuple[str, ...]]:
    return {k: v for k, v in chosen.items() if k != code}


def value_label(code: str, value: str) -> str:
    """The msgid naming a value (a tag is its own name)."""
    category = BY_CODE.get(code)
    labels = dict(category.values) if category else {}
    return labels.get(value, value)


def shown(code: str, value: str, t: Translator) -> str:
    """A value as the staff member reads it (a tag as it is written, never taken for a msgid)."""
    return value if code == "tag" else t(value_label(code, value))


def describe(filters: Filters, t: Translator) -> str:
    """The audience in words, in the staff member's language."""
    if filters.empty:
        return t(N_("everyone who agreed to be contacted"))
    parts = []
    for category in CATEGORIES:
        values = filters.get(category.code)
        if values:
            names = ", ".join(shown(category.code, v, t) for v in values)
            parts.append(f"{t(category.name)}: {names}")
    return " · ".join(parts)
