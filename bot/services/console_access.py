"""Who may use the web console, and their sessions.

The identity is Telegram's: `/console` in a private chat with the bot gives a one-time link (valid
LINK_MINUTES, used once) that opens a session. Only hashes are stored: the link and the session id
are secrets held by the person's chat and browser. A session ends on logout, after IDLE_MINUTES
without a request, or as soon as the person is no longer staff, a supervisor or in the officer group
(checked again every `recheck_seconds`); "log out everywhere" ends them all.

Inside Telegram the console is a Mini App: the init data Telegram signed (bot.services.webapp_auth)
opens the same kind of session as a link, for the same people.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.webapp_auth import (
    InitDataRefused,
    Refusal,
    check_init_data,
    claimed_language,
    console_language,
)
from storage.models import ConsoleLink, ConsoleSession

log = logging.getLogger(__name__)
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


@dataclass(frozen=True, slots=True)
class WebAppLogin:
    """What the Mini App's init data opened: a session id, or the reason it opened none."""

    session_id: str | None
    language: str  # the console's language for this person (for a refusal: as the data claims)
    refusal: Refusal | None = None


RoleOf = Callable[[int], Awaitable[Role | None]]
RoleLost = Callable[[int], Awaitable[None]]


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ConsoleAccess:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        role_of: RoleOf,
        idle_minutes: float = IDLE_MINUTES,
        webapp_key: bytes | None = None,
        on_role_lost: RoleLost | None = None,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.role_of = role_of  # asked on every request; Roles trusts Telegram's answer a little while
        self.idle = timedelta(minutes=idle_minutes)
        self.webapp_key = webapp_key  # None: no Mini App login (webapp_auth.webapp_key of the token)
        self.on_role_lost = on_role_lost  # e.g. take the console's menu button away from their chat

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
        return await self._open(user_id, name, language, now)

    async def open_webapp(self, init_data: str) -> WebAppLogin:
        """A new session for the person Telegram signed this Mini App init data for, if they may use
        the console; refusals are logged with their reason (never the data)."""
        if self.webapp_key is None:
            return self._refused(Refusal.OFF, claimed_language(init_data))
        now = self.clock()
        try:
            user = check_init_data(init_data, self.webapp_key, now)
        except InitDataRefused as refused:
            return self._refused(refused.reason, claimed_language(init_data))
        language = console_language(user.language_code)
        if await self.role_of(user.user_id) is None:
            if self.on_role_lost is not None:  # a menu button left from a role they had
                await self.on_role_lost(user.user_id)
            return self._refused(Refusal.NOT_ALLOWED, language, user.user_id)
        session_id = await self._open(user.user_id, user.name, language, now)
        log.info("console: user %s opened the console in Telegram", user.user_id)
        return WebAppLogin(session_id, language)

    def _refused(self, reason: Refusal, language: str, user_id: int | None = None) -> WebAppLogin:
        who = f"user {user_id}" if user_id is not None else "an unchecked user"  # a forged id is no one's
        log.warning("console: Mini App login of %s refused (%s)", who, reason)
        return WebAppLogin(None, language, reason)

    async def _open(self, user_id: int, name: str, language: str, now: datetime) -> str:
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
            if self.on_role_lost is not None:
                await self.on_role_lost(user_id)
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
