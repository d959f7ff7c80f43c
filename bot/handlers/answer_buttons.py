"""What a citizen's press of an answer button (a broadcast's, a flight notice's) is told in its
pop-up: thanks when it was recorded, a polite "no longer active" when it was refused."""

from __future__ import annotations

from typing import Protocol

from bot.core.incoming import Incoming
from bot.i18n import N_, Catalogs, Translator
from bot.services.people import People


class Recorded(Protocol):
    @property
    def language(self) -> str: ...

    @property
    def changed(self) -> bool: ...


async def thanks(
    recorded: Recorded | None, inp: Incoming, catalogs: Catalogs, people: People
) -> tuple[Translator, str]:
    """The citizen's translator and the pop-up's words."""
    if recorded is None:
        t = catalogs[await people.language(inp.user_id, inp.language_code)]
        return t, t(N_("This button is no longer active."))
    t = catalogs[recorded.language]
    if recorded.changed:
        return t, t(N_("Thank you, we changed your answer."))
    return t, t(N_("Thank you, we have your answer."))
