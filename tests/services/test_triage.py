"""Triage puts the people in danger first."""

from __future__ import annotations

import pytest

from bot.services.triage import priority

pytestmark = pytest.mark.no_database  # runs on the SQLite pass only (tests/conftest.py)


@pytest.mark.parametrize(
    ("sos", "safety", "passport", "expected"),
    [
        (True, None, None, "P1"),  # an SOS, nothing else known yet
        (True, "free", "with_me", "P1"),  # an SOS stays first whatever else is said
        (False, "threatened", None, "P1"),
        (False, "police", "with_me", "P1"),
        (False, "doctor", None, "P1"),
        (False, "not_free", "with_me", "P2"),
        (False, "free", "held", "P2"),  # the employer holds the passport
        (False, None, "held", "P2"),
        (False, "free", "with_me", "P3"),
        (False, "free", "lost", "P3"),
        (False, None, None, "P3"),  # everything skipped
    ],
)
def test_priority(sos: bool, safety: str | None, passport: str | None, expected: str) -> None:
    assert priority(sos, safety, passport) == expected


@pytest.mark.parametrize(
    ("safety", "passport", "medical", "expected"),
    [
        ("free", "with_me", "injury", "P1"),  # hurt: first, whatever else is said
        ("free", "with_me", "illness,medicine", "P2"),
        ("free", "with_me", "pregnant", "P2"),
        (None, None, "medicine", "P2"),
        ("free", "with_me", "none", "P3"),
        ("free", "with_me", None, "P3"),  # skipped
        ("threatened", None, "pregnant", "P1"),  # the most urgent counts
        ("not_free", "held", "illness,injury", "P1"),
    ],
)
def test_medical_needs_count(
    safety: str | None, passport: str | None, medical: str | None, expected: str
) -> None:
    assert priority(False, safety, passport, medical) == expected
