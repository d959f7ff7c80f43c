"""Whether the embassy may write to a citizen first: the citizen's own answer, and the safe default.

Until a citizen says it is safe (and again after every SOS, until they answer), nothing is sent to
them unasked: what officers and staff send waits in the outbox and goes right after the citizen's
next message (bot.services.outbox: held rows).
"""

from __future__ import annotations

from enum import StrEnum


class ContactPref(StrEnum):
    ANY = "any"  # "it is safe": the embassy may write first
    ON_REPLY = "on_reply"  # "not safe: wait until I write"
    UNSET = "unset"  # not said yet, or not since an SOS: treated as ON_REPLY


def may_write_first(pref: str | None) -> bool:
    """Only an explicit "it is safe" lets the embassy write first; anything else waits for them."""
    return pref == ContactPref.ANY
