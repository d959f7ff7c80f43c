"""The time, as the hotline reads it: always aware and in UTC. Everything that needs the time takes
a clock (a function like this one) so that tests can drive it; storage keeps its own default for
rows written without one (storage.models.utcnow), since storage imports nothing of the bot."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)
