"""One row, start to end: claim and compose, the request to Telegram, what its answer makes of the row."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.actions import Action
from bot.core.port import BotPort, DeliveryError
from bot.services.outbox import store
from bot.services.outbox.compose import Composer, OnFailed, OnSent
from bot.services.outbox.queue import DROPPED
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

MAX_BACKOFF = 60.0  # seconds between two tries of a row that met a network or server error
PERSISTENT_BACKOFF = 5.0  # the same for a row never given up (an alert to officers): back within seconds


def backoff(attempts: int, most: float = MAX_BACKOFF) -> float:
    """1, 2, 4 … seconds after the 1st, 2nd, 3rd … failed attempt, at most `most`."""
    return min(most, 2.0 ** max(0, min(attempts, 64) - 1))


def retryable(code: int) -> bool:
    """Network errors (0), Telegram's server errors and a wrong token (an operator fixes it) may pass."""
    return code == 0 or code >= 500 or code == 401


@dataclass(frozen=True, slots=True)
class Tried:
    """One try at a row: whether it cost a request, and how long Telegram asked to wait."""

    requested: bool  # a request went to Telegram (it counts against the limits)
    retry_after: float | None = None  # Telegram answered 429: wait this long


class Delivery:
    """Carries one row through; every change of the row is committed in a unit of work of its own."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        port: BotPort,
        composers: Mapping[str, Composer],
        default: Composer,
        on_sent: OnSent | None,
        clock: Callable[[], datetime],
        max_attempts: int,
        stats: Counter[str],
        persistent: Collection[str] = (),
        on_failed: OnFailed | None = None,
    ) -> None:
        self._sessions = sessions
        self._port = port
        self._composers = composers
        self._default = default
        self._on_sent = on_sent
        self._clock = clock
        self._max_attempts = max_attempts
        self._stats = stats
        self._persistent = frozenset(persistent)
        self._on_failed = on_failed

    async def send(self, row_id: int, chat_id: int) -> Tried:
        try:
            prepared = await self._prepare(row_id)
        except Exception:
            log.exception("Outbox row %d could not be claimed; it stays as it was", row_id)
            return Tried(requested=False)
        if prepared is None:
            return Tried(requested=False)
        row, action = prepared
        try:
            return await self._perform(row, chat_id, action)
        except Exception:
            log.exception(
                "Outbox row %d: its outcome was not recorded (it goes again at the next start)", row_id
            )
            return Tried(requested=True)

    async def _prepare(self, row_id: int) -> tuple[OutboxMessage, Action] | None:
        """Claim the row and compose its action, in one committed unit of work; the row as claimed
        (detached: its columns stay loaded) and the action."""
        async with self._sessions() as session, session.begin():
            row = await store.claim(session, row_id)
            if row is None:
                return None  # taken or changed meanwhile
            composer = self._composers.get(row.kind, self._default)
            try:
                action = await composer.compose(session, row)
            except Exception as exc:
                log.exception("Outbox row %d (%s) could not be composed", row_id, row.kind)
                store.mark_failed(row, f"compose: {type(exc).__name__}: {exc}")
                self._stats["failed"] += 1
                return None
            if action is None:
                store.mark_failed(row, DROPPED)
                self._stats["dropped"] += 1
                return None
            return row, action

    async def _perform(self, row: OutboxMessage, chat_id: int, action: Action) -> Tried:
        row_id = row.id
        try:
            message_id = await self._port.perform(action)
        except DeliveryError as exc:
            return await self._refused(row_id, chat_id, exc)
        except Exception as exc:  # a port raises DeliveryError only: anything else counts as a network error
            log.exception("Outbox row %d: the port raised %s", row_id, type(exc).__name__)
            return await self._refused(row_id, chat_id, DeliveryError(0, f"{type(exc).__name__}: {exc}"))
        await self._sent(row, message_id)
        return Tried(requested=True)

    async def _sent(self, claimed: OutboxMessage, message_id: int | None) -> None:
        """Mark the row sent by one UPDATE (no read: every message pays this), and tell on_sent, which
        gets the row as claimed, marked sent the same way."""
        now = self._clock()
        row_id = claimed.id
        try:
            async with self._sessions() as session, session.begin():
                await store.sent(session, row_id, message_id, now)
                store.mark_sent(claimed, message_id, now)
                if self._on_sent is not None:
                    await self._on_sent(session, claimed, message_id)
        except Exception as exc:
            if self._on_sent is None:
                raise
            log.exception("Outbox row %d was sent but on_sent failed; the row is marked sent", row_id)
            async with self._sessions() as session, session.begin():
                row = await _row(session, row_id)
                store.mark_sent(row, message_id, now)
                row.error = store.clip(f"on_sent: {type(exc).__name__}: {exc}")
        self._stats["sent"] += 1

    async def _refused(self, row_id: int, chat_id: int, exc: DeliveryError) -> Tried:
        now = self._clock()
        error = f"{exc.code}: {exc.description}"
        async with self._sessions() as session, session.begin():
            row = await _row(session, row_id)
            if exc.code == 429:
                wait = exc.retry_after if exc.retry_after and exc.retry_after > 0 else 1.0
                store.retry_later(row, now + timedelta(seconds=wait), error)
                self._stats["rate_limited"] += 1
                log.warning("Outbox row %d: Telegram asked to wait %.0f s (chat %d)", row_id, wait, chat_id)
                return Tried(requested=True, retry_after=wait)
            persistent = row.kind in self._persistent
            if retryable(exc.code) and (persistent or row.attempts < self._max_attempts):
                delay = backoff(row.attempts, PERSISTENT_BACKOFF if persistent else MAX_BACKOFF)
                store.retry_later(row, now + timedelta(seconds=delay), error)
                self._stats["retried"] += 1
                log.info("Outbox row %d: %s; trying again in %.0f s", row_id, error, delay)
                return Tried(requested=True)
            if retryable(exc.code):
                error = f"{error} (gave up after {row.attempts} attempts)"
            store.mark_failed(row, error)
            self._stats["failed"] += 1
            log.warning("Outbox row %d to chat %d failed: %s", row_id, chat_id, error)
            if exc.is_blocked and chat_id > 0:
                self._stats["failed"] += await store.citizen_blocked(session, row, now, exc.description)
            if self._on_failed is not None:
                try:
                    async with session.begin_nested():
                        await self._on_failed(session, row, error, now)
                except Exception:
                    log.exception("Outbox row %d failed, and telling of it failed too", row_id)
        return Tried(requested=True)


async def _row(session: AsyncSession, row_id: int) -> OutboxMessage:
    row = await session.get(OutboxMessage, row_id, populate_existing=True)
    if row is None:
        raise LookupError(f"outbox row {row_id} is gone")
    return row
