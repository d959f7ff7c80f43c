"""Who may use the web console, and their sessions.

The identity is Telegram's: `/console` in a private chat with the bot gives a one-time link (valid
LINK_MINUTES, used once) that opens a session. Only hashes are stored: the link and the session id
are secrets held by the person's chat and browser. A session ends on logout, after IDLE_MINUTES
without a request, or as soon as the person is no longer staff, a supervisor or in the officer group
(checked again every `recheck_seconds`); "log out everywhere" ends them all.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import ConsoleLink, ConsoleSession

LINK_MINUTES = 5
IDLE_MINUTES = 30
LANGUAGES = ("id", "en")


class Role(StrEnum):
    STAFF = "staff"  # staff and supervisors: everything, broadcasts included
    OFFICER = "officer"  # officer-group members: cases, not broadcasts


@dataclass(frozen=True, slots=True)
class Person:
    """The person behind a console session."""

    user_id: int
    name: str
    role: Role
    csrf: str  # the session's token that every form sends back
    language: str

    @property
    def is_staff(self) -> bool:
        return self.role is Role.STAFF


RoleOf = Callable[[int], Awaitable[Role | None]]


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ConsoleAccess:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        role_of: RoleOf,
        idle_minutes: float = IDLE_MINUTES,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.role_of = role_of  # asked on every request; Roles trusts Telegram's answer a little while
        self.idle = timedelta(minutes=idle_minutes)

    async def issue_link(self, user_id: int, name: str = "") -> str | None:
        """A new one-time login token for this person; None when they may not use the console."""
        if await self.role_of(user_id) is None:
            return None
        token = secrets.token_urlsafe(32)
        now = self.clock()
        async with self.sessions() as session, session.begin():
            expires = now + timedelta(minutes=LINK_MINUTES)
            link = ConsoleLink(
                token_hash=_hash(token), user_id=user_id, name=name[:128], created_at=now, expires_at=expires
            )
            session.add(link)
        return token

    async def redeem(self, token: str, language: str = "id") -> str | None:
        """A new session id for a valid, unused, unexpired link of someone still allowed; else None.
        The link is spent either way once it is found."""
        now = self.clock()
        async with self.sessions() as session, session.begin():
            link = await session.get(ConsoleLink, _hash(token), with_for_update=True)
            if link is None or link.used_at is not None:
                return None
            link.used_at = now
            user_id, name, expired = link.user_id, link.name, link.expires_at <= now
        if expired or await self.role_of(user_id) is None:
            return None
        session_id = secrets.token_urlsafe(32)
        async with self.sessions() as session, session.begin():
            opened = ConsoleSession(
                id_hash=_hash(session_id),
                user_id=user_id,
                name=name[:128],
                created_at=now,
                seen_at=now,
                csrf=secrets.token_urlsafe(24),
                language=language if language in LANGUAGES else "id",
            )
            session.add(opened)
        return session_id

    async def person(self, session_id: str) -> Person | None:
        """Who this session is, if it is still open (the request counts as activity); else None."""
        now = self.clock()
        async with self.sessions() as session, session.begin():
            row = await session.get(ConsoleSession, _hash(session_id))
            if row is None or row.ended_at is not None:
                return None
            if now - row.seen_at > self.idle:
                row.ended_at = now
                return None
            row.seen_at = now
            user_id, found = row.user_id, (row.name, row.csrf, row.language)
        role = await self.role_of(user_id)
        if role is None:  # no longer staff, a supervisor or an officer: every session ends
            await self.end_everywhere(user_id)
            return None
        return Person(user_id, found[0], role, found[1], found[2])

    async def set_language(self, session_id: str, language: str) -> None:
        if language not in LANGUAGES:
            return
        async with self.sessions() as session, session.begin():
            await session.execute(
                update(ConsoleSession)
                .where(ConsoleSession.id_hash == _hash(session_id))
                .values(language=language)
            )

    async def end(self, session_id: str) -> None:
        async with self.sessions() as session, session.begin():
            await session.execute(
                update(ConsoleSession)
                .where(ConsoleSession.id_hash == _hash(session_id), ConsoleSession.ended_at.is_(None))
                .values(ended_at=self.clock())
            )

    async def end_everywhere(self, user_id: int) -> int:
        """End every open session of this person; how many."""
        async with self.sessions() as session, session.begin():
            open_ = await session.scalars(
                select(ConsoleSession).where(
                    ConsoleSession.user_id == user_id, ConsoleSession.ended_at.is_(None)
                )
            )
            rows = list(open_)
            for row in rows:
                row.ended_at = self.clock()
        return len(rows)
