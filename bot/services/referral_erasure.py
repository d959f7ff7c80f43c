"""A referral's words are erased with the case (services.reports.wipe: /delete and retention): the
officer's details go, a question not answered yet is withdrawn and, if it waits in the outbox, not
sent. Who referred to whom and when stays, as the rest of the trail does. Apart from
services.referrals so that the erasure imports no export (the exports import services.reports)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.outbox import DROPPED, FAILED, HELD, PENDING
from storage.models import OutboxMessage, Referral

ASKING, WITHDRAWN = "asking", "withdrawn"


def question_key(referral_id: int) -> str:
    """The outbox dedupe key of a referral's question to the citizen (one question per referral)."""
    return f"referral:{referral_id}"


async def drop_question(session: AsyncSession, referral_id: int) -> bool:
    """The question not sent yet (held for the citizen's next message, or pending) is not sent;
    True when it had not gone."""
    row = await session.scalar(
        select(OutboxMessage).where(OutboxMessage.dedupe_key == question_key(referral_id))
    )
    if row is None or row.status not in (HELD, PENDING):
        return False
    row.status, row.error = FAILED, DROPPED
    return True


async def erase_referrals(session: AsyncSession, report_id: int, now: datetime) -> None:
    for referral in await session.scalars(select(Referral).where(Referral.report_id == report_id)):
        referral.details = None
        if referral.status == ASKING:
            referral.status, referral.answered_at = WITHDRAWN, now
            await drop_question(session, referral.id)
