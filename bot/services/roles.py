"""Who may act on cases: members of the officer group, staff and supervisors. Checked on every action."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from bot.core.port import BotPort, DeliveryError

log = logging.getLogger(__name__)
MEMBER = frozenset({"creator", "administrator", "member", "restricted"})


class Roles:
    """Membership answers from Telegram are trusted for `cache_seconds`, then asked again."""

    def __init__(
        self,
        officer_chat_id: int | None,
        staff: tuple[int, ...],
        supervisors: tuple[int, ...],
        cache_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.officer_chat_id = officer_chat_id
        self.staff = frozenset(staff)
        self.supervisors = frozenset(supervisors)
        self.cache_seconds = cache_seconds
        self.clock = clock
        self._members: dict[int, tuple[bool, float]] = {}

    def is_staff(self, user_id: int) -> bool:
        return user_id in self.staff or user_id in self.supervisors

    async def is_officer(self, user_id: int, port: BotPort) -> bool:
        """An officer-group member, a staff member or a supervisor."""
        if self.is_staff(user_id):
            return True
        if self.officer_chat_id is None:
            return False
        cached = self._members.get(user_id)
        if cached is not None and self.clock() - cached[1] < self.cache_seconds:
            return cached[0]
        try:
            status = await port.member_status(self.officer_chat_id, user_id)
        except DeliveryError as exc:
            log.warning("membership of %s could not be checked: %s", user_id, exc)
            return False
        member = status in MEMBER
        self._members[user_id] = (member, self.clock())
        return member
