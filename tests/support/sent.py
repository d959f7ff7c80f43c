"""Citizens whose report is sent, written straight into the database: what they type now is a
message for the embassy (tests and benchmarks of what happens to those messages)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Citizen, Conversation, Report


async def sent_reports(sessions: async_sessionmaker[AsyncSession], users: Iterable[int], lang: str) -> None:
    """Each user a citizen who said it is safe, with a sent report PNH-00000n and a finished chat."""
    now = datetime.now(UTC)
    async with sessions() as session, session.begin():
        for n, user in enumerate(users, start=1):
            citizen = Citizen(telegram_user_id=user, chat_id=user, language=lang, consent_at=now,
                              contact_pref="any", created_at=now)  # fmt: skip
            session.add(citizen)
            await session.flush()
            report = Report(reference=f"PNH-{n:06d}", citizen_id=citizen.id, language=lang, submitted=True,
                            created_at=now, updated_at=now)  # fmt: skip
            session.add(report)
            await session.flush()
            session.add(Conversation(chat_id=user, step="done", data={}, report_id=report.id,
                                     message_ids={"ids": []}))  # fmt: skip
