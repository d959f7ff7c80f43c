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


def test_the_way_home_is_on_the_card_and_in_the_details() -> None:
    facts = {
        "going_home": "yes", "home_province": "35", "home_city": "Malang\nNIK: 1",
        "medical": "injury,medicine", "documents_held": "ktp,kk", "sex": "female", "companions": 3,
        "children": 2,
    }  # fmt: skip
    card = card_text(report(**facts), "any", T).splitlines()
    assert "🏠 Going home: yes — Jawa Timur, Malang ↵ NIK: 1" in card
    assert "🩺 Medical: injury, needs medicine" in card and "🪪 Documents: KTP, KK" in card
    assert "⚧ Sex: female" in card and "🧒 Children: 2" in card
    details = details_text(report(**facts), T).splitlines()
    assert "Medical: injury, needs medicine" in details and "Children: 2" in details
    # not going home yet: no city; nothing answered: no lines at all
    assert "🏠 Going home: not yet" in card_text(report(going_home="not_yet", home_city="Malang"), "any", T)
    bare = card_text(report(), "any", T)
    assert not any(mark in bare for mark in ("🏠", "🩺", "🪪", "⚧", "🧒"))


def test_a_card_with_every_answer_stays_within_telegrams_limit() -> None:
    long = "x" * 1000
    card = card_text(
        report(full_name=long, place=long, home_city=long, going_home="unsure",
               medical="injury,illness,medicine,pregnant", documents_held="ktp,kk,birth,passport_copy",
               sex="male", children=999,
               tags=[f"wave-{n}" for n in range(400)]),
        "any", T,
    )  # fmt: skip
    assert len(card) <= 4096
