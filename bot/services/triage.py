"""Triage: which reports the duty officers must look at first."""

from __future__ import annotations

from bot.core.case import Priority

P1_SAFETY = frozenset({"threatened", "police", "doctor"})


def priority(sos: bool, safety: str | None, passport_status: str | None) -> Priority:
    """P1 for SOS, threatened or hurt, held by police, needing a doctor; P2 for not free to leave or a
    passport held by others; P3 otherwise. `safety` may hold several answers (comma-separated): the
    most urgent counts."""
    answers = set((safety or "").split(","))
    if sos or answers & P1_SAFETY:
        return Priority.P1
    if "not_free" in answers or passport_status == "held":
        return Priority.P2
    return Priority.P3
