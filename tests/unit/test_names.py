"""Names compared as Indonesians write them (bot.services.names)."""

import pytest

from bot.services.names import keys, normal, similarity


@pytest.mark.parametrize(
    ("one", "other", "reason"),
    [
        ("Soeharto", "Suharto", "spelling"),
        ("Djoko Widodo", "Joko Widodo", "spelling"),
        ("Jusuf Kalla", "Yusuf Kalla", "spelling"),
        ("M. Rizki Pratama", "Muhammad Rizky Pratama", "spelling"),
        ("Achmad Fauzi", "Ahmad Fauzi", "spelling"),
        ("Budi Santoso, S.Kom", "Budi Santoso", "spelling"),
        ("Siti Aminah", "Aminah Siti", "order"),
        ("Nur Hidayat", "Nurhidayat", "spacing"),
        ("Siti", "Siti Aminah", "part"),
        ("Dewi Lestari", "Dewi Lestarii", "spelling"),
    ],
)
def test_one_person_written_two_ways_is_found_alike(one: str, other: str, reason: str) -> None:
    found = similarity(one, other)
    assert found.reason == reason
    assert found.score >= 70
    assert keys(one) & keys(other), "a like name must share a key, or it is never compared"


@pytest.mark.parametrize(
    ("one", "other"),
    [("Agus Salim", "Agus Setiawan"), ("Hendra", "Hendri Gunawan"), ("Fitri Handayani", "Fitriani Hidayat")],
)
def test_two_people_are_not_taken_for_one(one: str, other: str) -> None:
    assert similarity(one, other).score < 75


def test_nothing_to_compare() -> None:
    assert similarity("", "Budi").score == 0
    assert keys(None) == set()
    assert normal("  Hj. Siti   NURHALIZA ") == "siti nurhaliza"


def test_a_letter_apart_is_close_not_part_of_the_name() -> None:
    """Two names of as many words, a letter apart, are "close": "part" is for a word left out."""
    found = similarity("Siti Nurhalisa", "Siti Nurhaliza")
    assert found.reason == "close" and found.score >= 90
