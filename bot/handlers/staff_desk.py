"""What every staff action needs, built once in the Hotline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import Catalogs, Translator
from bot.services.broadcasts.drafting import Broadcasting
from bot.services.people import People
from bot.services.roles import Roles


@dataclass(frozen=True, slots=True)
class StaffDesk:
    broadcasting: Broadcasting
    people: People
    catalogs: Catalogs
    roles: Roles
    language: str  # the officer language: staff read what the officers read
    mission: str
    zone: ZoneInfo
    clock: Callable[[], datetime]

    @property
    def t(self) -> Translator:
        return self.catalogs[self.language]
