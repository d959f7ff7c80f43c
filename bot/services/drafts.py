"""Drafts nobody touched for HOTLINE_DRAFT_DAYS are erased, without a word to the citizen.

A report begun and left (the phone taken, the person moved, or simply gone) keeps what was typed
only for so long. Nothing is sent when it goes: a message out of the blue after days of silence is
what a captor would notice (Polaris' rule: never text back after silence). The conversation starts
again at its next message; an SOS case linked to the draft stays a case, and stays linked.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.flow.model import Step
from storage.models import Conversation, Report

# steps with nothing kept, or a report already sent: not a draft
NOT_DRAFTS = (Step.NEW, Step.DECLINED, Step.DONE)
BATCH = 200


async def expire_drafts(sessions: async_sessionmaker[AsyncSession], now: datetime, days: int) -> int:
    """Erase the drafts untouched for `days` days, a batch per unit of work; returns how many."""
    erased = 0
    while True:
        async with sessions() as session, session.begin():
            stale = await _stale(session, now - timedelta(days=days))
            for conv in stale:
                conv.step, conv.data = Step.NEW, {}
        erased += len(stale)
        if len(stale) < BATCH:
            return erased


async def _stale(session: AsyncSession, before: datetime) -> list[Conversation]:
    query = (
        select(Conversation)
        .outerjoin(Report, Report.id == Conversation.report_id)
        .where(
            Conversation.step.not_in(NOT_DRAFTS),
            Conversation.updated_at < before,
            # a sent report being updated (/update) is not a draft: it stays as it is
            or_(Report.id.is_(None), Report.submitted.is_(False)),
        )
        .order_by(Conversation.chat_id)
        .limit(BATCH)
    )
    return list(await session.scalars(query))
