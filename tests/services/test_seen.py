"""The updates a chat has handled: a retry is seen, an older update that comes late is not lost."""

from __future__ import annotations

import pytest

from bot.services.seen import KEEP, seen_before
from storage.models import Conversation

pytestmark = pytest.mark.no_database  # runs on the SQLite pass only (tests/conftest.py)


def fresh(message_ids: dict[str, object] | None = None) -> Conversation:
    return Conversation(chat_id=1, step="new", data={}, message_ids=message_ids or {"ids": []})


def test_a_retry_is_seen_and_a_late_older_update_is_handled() -> None:
    conv = fresh()
    assert not seen_before(conv, 10)
    assert seen_before(conv, 10)  # the webhook retry
    assert not seen_before(conv, 12)  # an SOS that went ahead of a slowed message …
    assert not seen_before(conv, 11)  # … which still comes after it, and is not taken for a retry
    assert seen_before(conv, 11) and seen_before(conv, 12)
    assert not seen_before(conv, None) and not seen_before(conv, None)  # no id: nothing to compare


def test_memory_is_bounded_and_what_fell_out_is_too_old_to_come_again() -> None:
    conv = fresh()
    for update_id in range(1000, 1000 + 3 * KEEP):
        assert not seen_before(conv, update_id)
    assert len(conv.handled_updates) == KEEP
    assert seen_before(conv, 1000)  # older than everything remembered: handled long ago
