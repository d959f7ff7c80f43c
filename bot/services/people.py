"""What the hotline knows of a person before any conversation is the one answering them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import pick_language
from storage.repositories import citizen_by_user


class People:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def language(self, user_id: int, app_language: str | None) -> str:
        """The language they chose with the bot, else their Telegram app's (else the default)."""
        async with self.sessions() as session:
            citizen = await citizen_by_user(session, user_id)
        return pick_language(citizen.language if citizen else None, app_language)
