"""Citizens' answers to a broadcast's buttons: one per citizen, a later press replacing it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.broadcasts.presets import option_label
from storage.models import Broadcast, BroadcastRecipient
from storage.repositories import citizen_by_user


@dataclass(frozen=True, slots=True)
class Recorded:
    language: str
    changed: bool  # they had answered otherwise before


async def record(
    session: AsyncSession, user_id: int, broadcast_id: int, option: str, now: datetime
) -> Recorded | None:
    """Keep the answer of a recipient; None when the press is not one (not a recipient, no such option)."""
    citizen = await citizen_by_user(session, user_id)
    if citizen is None:
        return None
    recipient = await session.get(BroadcastRecipient, (broadcast_id, citizen.id))
    broadcast = await session.get(Broadcast, broadcast_id)
    if recipient is None or broadcast is None or option_label(broadcast.buttons, option) is None:
        return None
    changed = recipient.answer is not None and recipient.answer != option
    if recipient.answer != option:
        recipient.answer, recipient.answered_at = option, now
    return Recorded(recipient.language, changed)


async def tally(session: AsyncSession, broadcast_id: int) -> dict[str, int]:
    """option -> how many answered it."""
    query = (
        select(BroadcastRecipient.answer, func.count())
        .where(BroadcastRecipient.broadcast_id == broadcast_id, BroadcastRecipient.answer.is_not(None))
        .group_by(BroadcastRecipient.answer)
    )
    return {str(answer): int(n) for answer, n in await session.execute(query)}
