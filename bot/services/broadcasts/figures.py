"""Where a broadcast stands: its recipients' outbox rows counted by what became of them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.broadcasts.states import STOPPED, STOPPED_ERROR
from bot.services.outbox import BLOCKED, DROPPED, FAILED, HELD, PENDING, SENDING, SENT
from storage.models import Broadcast, BroadcastRecipient, OutboxMessage


@dataclass(frozen=True, slots=True)
class Figures:
    total: int  # the audience
    sent: int = 0
    held: int = 0  # waiting for the citizen to write first
    blocked: int = 0  # blocked the bot: before (never queued) or during the broadcast (403)
    failed: int = 0  # refused by Telegram, or out of attempts
    withdrawn: int = 0  # deleted their data before their turn: not sent
    stopped: int = 0  # cancelled by a stop
    waiting: int = 0  # still to go: queued, being sent, or not yet queued

    @property
    def done(self) -> int:
        """Those the sending is over for (sent, or never going), held ones included."""
        return self.total - self.waiting


def _outcome() -> ColumnElement[str]:
    error = OutboxMessage.error
    return case(
        (OutboxMessage.status == SENT, "sent"),
        (OutboxMessage.status == HELD, "held"),
        (OutboxMessage.status.in_((PENDING, SENDING)), "waiting"),
        (error == STOPPED_ERROR, "stopped"),
        (error == DROPPED, "withdrawn"),
        (or_(error.like("403%"), error.like(f"{BLOCKED}%")), "blocked"),
        (OutboxMessage.status == FAILED, "failed"),
        else_="waiting",
    )


async def outcomes(session: AsyncSession, broadcast_id: int) -> dict[int, str]:
    """citizen id -> sent, held, waiting, stopped, withdrawn, blocked or failed."""
    outcome = _outcome()
    query = (
        select(BroadcastRecipient.citizen_id, outcome, BroadcastRecipient.skipped)
        .select_from(BroadcastRecipient)
        .outerjoin(OutboxMessage, OutboxMessage.id == BroadcastRecipient.outbox_id)
        .where(BroadcastRecipient.broadcast_id == broadcast_id)
    )
    return {cid: ("blocked" if skipped else str(o)) for cid, o, skipped in await session.execute(query)}


async def figures(session: AsyncSession, broadcast: Broadcast) -> Figures:
    outcome = _outcome()
    query = (
        select(outcome, func.count())
        .select_from(BroadcastRecipient)
        .join(OutboxMessage, OutboxMessage.id == BroadcastRecipient.outbox_id)
        .where(BroadcastRecipient.broadcast_id == broadcast.id)
        .group_by(outcome)
    )
    counted = {str(name): int(n) for name, n in await session.execute(query)}
    skipped = select(func.count()).where(
        BroadcastRecipient.broadcast_id == broadcast.id, BroadcastRecipient.outbox_id.is_(None)
    )
    counted["blocked"] = counted.get("blocked", 0) + int(await session.scalar(skipped) or 0)
    known = sum(counted.values())
    total = max(broadcast.total, known)
    unqueued = total - known  # not in the outbox yet, or never (a stop came first)
    if broadcast.status == STOPPED:
        counted["stopped"], unqueued = counted.get("stopped", 0) + unqueued, 0
    return Figures(
        total=total,
        sent=counted.get("sent", 0),
        held=counted.get("held", 0),
        blocked=counted.get("blocked", 0),
        failed=counted.get("failed", 0),
        withdrawn=counted.get("withdrawn", 0),
        stopped=counted.get("stopped", 0),
        waiting=counted.get("waiting", 0) + unqueued,
    )
