"""The partners' file (HOTLINE_PARTNERS_FILE): read at start, and a wrong one stops the start with
one sentence naming the setting and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings
from bot.core.partners import Partner, parse_partners
from tests.referrals.partners import IOM, PARTNERS_FILE

GOOD = """
[[partner]]
key = "iom"
name = "  IOM   Cambodia "
services = ["AdditionalServicesRequired", "AdditionalServicesRequired", "Other"]
contact = "Protection unit"
"""


def test_the_demo_file_and_a_good_file_are_read() -> None:
    settings = load_settings(partners_file=str(PARTNERS_FILE))
    assert [p.key for p in settings.partners] == ["iom", "ngo", "polri"]
    assert settings.partners[0].name == IOM
    assert parse_partners(GOOD) == (
        Partner("iom", "IOM Cambodia", ("AdditionalServicesRequired", "Other"), "Protection unit"),
    )
    assert load_settings().partners == ()  # not set: no partners, /refer says so


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("key = ", "is not a TOML file"),
        ('title = "partners"', "lists no partner: write each one as [[partner]]"),
        ('[[partner]]\nkey = "IOM"\nname = "x"\nservices = ["Other"]',
         "partner 1 needs a key of small letters"),
        ('[[partner]]\nkey = "iom"\nservices = ["Other"]', "partner 'iom' needs a name"),
        ('[[partner]]\nkey = "iom"\nname = "IOM"',
         "partner 'iom' needs services, some of AdditionalServices"),
        ('[[partner]]\nkey = "iom"\nname = "IOM"\nservices = ["Shelter"]',
         "partner 'iom' offers 'Shelter', which is not one of AdditionalServicesRequired"),
        ('[[partner]]\nkey = "iom"\nname = "IOM"\nservices = ["Other"]\ncontact = 5',
         "partner 'iom' has a contact that is not text"),
        ('[[partner]]\nkey = "iom"\nname = "A"\nservices = ["Other"]\n'
         '[[partner]]\nkey = "iom"\nname = "B"\nservices = ["Other"]', "names the partner key 'iom' twice"),
    ],
)  # fmt: skip
def test_a_wrong_file_stops_the_start_with_one_sentence(tmp_path: Path, text: str, said: str) -> None:
    path = tmp_path / "partners.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as stopped:
        load_settings(partners_file=str(path))
    message = str(stopped.value)
    assert message.startswith("HOTLINE_PARTNERS_FILE is wrong: ") and said in message
    assert message.endswith(".") and "\n" not in message


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(
        SettingsError, match=r"^HOTLINE_PARTNERS_FILE is wrong: names a file that cannot be read"
    ):
        load_settings(partners_file=str(tmp_path / "nowhere.toml"))
