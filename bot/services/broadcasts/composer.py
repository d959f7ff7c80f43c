"""The outbox rows of broadcasts, composed at send time: a citizen's message, and a progress edit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actions import Action, EditMessage
from bot.i18n import Catalogs
from bot.services.broadcasts.figures import figures
from bot.services.broadcasts.message import citizen_message
from bot.services.broadcasts.progress import progress_keyboard, progress_text
from bot.services.broadcasts.states import KIND, PROGRESS_KIND
from storage.models import Broadcast, Citizen, OutboxMessage

log = logging.getLogger(__name__)
KINDS = (KIND, PROGRESS_KIND)
CACHE = 64  # broadcasts whose texts are kept in memory (they never change once confirmed)

Texts = tuple[str | None, str | None, str]  # Indonesian, English, answer buttons


class BroadcastComposer:
    def __init__(
        self, catalogs: Catalogs, staff_language: str, mission: str, rate: float,
        clock: Callable[[], datetime],
    ) -> None:  # fmt: skip
        self.catalogs = catalogs
        self.staff_language = staff_language
        self.mission = mission
        self.rate = rate
        self.clock = clock
        self._texts: dict[int, Texts] = {}

    async def compose(self, session: AsyncSession, row: OutboxMessage) -> Action | None:
        if row.kind == KIND:
            return await self._message(session, row)
        if row.kind == PROGRESS_KIND:
            return await self._progress(session, row)
        log.warning("no broadcast composer for outbox kind %s", row.kind)
        return None

    async def _message(self, session: AsyncSession, row: OutboxMessage) -> Action | None:
        broadcast_id, citizen_id = int(row.payload["b"]), int(row.payload["c"])
        citizen = await session.get(Citizen, citizen_id)
        if citizen is None or citizen.consent_at is None:
            return None  # they deleted their data meanwhile: nothing goes to them
        texts = self._texts.get(broadcast_id)
        if texts is None:
            broadcast = await session.get(Broadcast, broadcast_id)
            if broadcast is None:
                return None
            texts = (broadcast.text_id, broadcast.text_en, broadcast.buttons)
            if len(self._texts) >= CACHE:
                self._texts.clear()
            self._texts[broadcast_id] = texts
        text_id, text_en, buttons = texts
        lang = str(row.payload.get("l", "id"))
        return citizen_message(
            row.chat_id, lang, (text_id, text_en), buttons, broadcast_id, self.catalogs, self.mission
        )

    async def _progress(self, session: AsyncSession, row: OutboxMessage) -> Action | None:
        broadcast = await session.get(Broadcast, int(row.payload["b"]), populate_existing=True)
        if broadcast is None or broadcast.progress_message_id is None:
            return None
        t = self.catalogs[self.staff_language]
        found = await figures(session, broadcast)
        text = progress_text(broadcast, found, t, self.rate, self.clock())
        return EditMessage(
            broadcast.chat_id, broadcast.progress_message_id, text, progress_keyboard(broadcast, t)
        )
