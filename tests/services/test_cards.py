"""What citizens type reaches officers as plain single lines: no fake lines on a card, no text
reordered by bidirectional marks; and a card stays within Telegram's 4,096 characters."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.i18n import Catalogs
from bot.services.cards import card_text, details_text, typed
from storage.models import Report

T = Catalogs(ZoneInfo("Asia/Phnom_Penh"))["en"]


def report(**fields: object) -> Report:
    base: dict[str, object] = {
        "id": 1, "reference": "PNH-000001", "priority": "P3", "status": "new", "language": "id",
        "created_at": datetime(2026, 1, 20, tzinfo=UTC), "tags": [],
    }  # fmt: skip
    return Report(**(base | fields))


def test_line_breaks_and_bidirectional_marks_are_taken_out() -> None:
    assert typed("Gedung A\n🛂 Passport: with me\r\n\u2028x") == "Gedung A ↵ 🛂 Passport: with me ↵ x"
    assert typed("\u202eevil\u202c name\u2066") == "evil name"
    assert typed(None) == "" and typed("Siti 👩‍👧") == "Siti 👩‍👧"  # an emoji's joiner stays


def test_a_place_with_line_breaks_draws_no_fake_lines_on_the_card() -> None:
    forged = "Kompleks\n🛂 Passport: I have it with me\n🛡 Safety: Safe, I can leave on my own"
    card = card_text(report(place=forged, full_name="Siti\n📌 Status: closed"), "any", T)
    lines = card.splitlines()
    assert sum(line.startswith("🛂") for line in lines) == 1
    assert sum(line.startswith("📌") for line in lines) == 1
    details = details_text(report(notes="line one\nNIK: 3201015708950001", full_name="\u202eSiti"), T)
    assert not any(line.startswith("NIK: 32") for line in details.splitlines())
    assert "\u202e" not in details


def test_a_card_with_hundreds_of_tags_stays_within_telegrams_limit() -> None:
    card = card_text(report(tags=[f"wave-{n}-phnom-penh-shelter" for n in range(400)]), "any", T)
    assert len(card) <= 4096 and "PNH-000001" in card.splitlines()[0]
    assert "more" in card.splitlines()[-1]
