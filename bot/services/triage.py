"""Triage: which reports the duty officers must look at first."""

from __future__ import annotations

from bot.core.case import Priority

P1_SAFETY = frozenset({"threatened", "police", "doctor"})
P1_MEDICAL = frozenset({"injury"})
P2_MEDICAL = frozenset({"illness", "medicine", "pregnant"})


def priority(
    sos: bool, safety: str | None, passport_status: str | None, medical: str | None = None
) -> Priority:
    """P1 for SOS, threatened or hurt, held by police, needing a doctor, injured; P2 for not free to
    leave, a passport held by others, ill, needing medicine or pregnant; P3 otherwise. `safety` and
    `medical` may hold several answers (comma-separated): the most urgent counts."""
    answers = set((safety or "").split(","))
    needs = set((medical or "").split(","))
    if sos or answers & P1_SAFETY or needs & P1_MEDICAL:
        return Priority.P1
    if "not_free" in answers or passport_status == "held" or needs & P2_MEDICAL:
        return Priority.P2
    return Priority.P3
