"""Turning a row into the action to perform, at send time, and the hook told when a row was sent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actions import Action
from bot.core.serialize import from_payload
from storage.models import OutboxMessage


class Composer(Protocol):
    async def compose(self, session: AsyncSession, row: OutboxMessage) -> Action | None:
        """The action to perform for this row now, or None when there is nothing to send any more.

        Runs in the unit of work that claims the row, right before the request to Telegram, so it
        may read the current state (a case card rendered as it is now, not as it was when queued).
        It must not commit. None ends the row as failed with the error "dropped" (never tried at
        Telegram). An exception ends the row as failed with the exception as its error.
        """
        ...


class PayloadComposer:
    """The default: the row's payload is a `to_payload` action, performed as it is."""

    async def compose(self, session: AsyncSession, row: OutboxMessage) -> Action | None:
        return from_payload(row.payload)


OnSent = Callable[[AsyncSession, OutboxMessage, int | None], Awaitable[None]]
"""Called with (session, row, message_id) in the unit of work that marks the row sent, e.g. to keep a
card's message id on its report. `row` is the row as it was claimed, not attached to the session
(status "sent", sent_at and message_id set on it to match what is stored): read it, do not change
it, since changes to it are not stored. It must not commit. If it raises, the row is still marked sent
(in a unit of work of its own) and the error logged."""


OnFailed = Callable[[AsyncSession, OutboxMessage, str, datetime], Awaitable[None]]
"""Called with (session, row, error, now) in the unit of work that marks a row failed for good (refused,
blocked, out of attempts), e.g. to tell officers that their answer did not arrive. It may enqueue
rows; it must not commit. If it raises, the row is still marked failed and the error logged."""
