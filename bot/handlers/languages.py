"""The language to answer a person in when their conversation is not the one answering."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.incoming import Incoming
from bot.i18n import pick_language
from storage.repositories import citizen_by_user


async def their_language(sessions: async_sessionmaker[AsyncSession], inp: Incoming) -> str:
    """The language they chose with the bot, else their Telegram app's (else the default)."""
    async with sessions() as session:
        citizen = await citizen_by_user(session, inp.user_id)
    return pick_language(citizen.language if citizen else None, inp.language_code)
