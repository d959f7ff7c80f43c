"""Settings: a wrong or missing value stops start-up with one sentence naming it."""

from __future__ import annotations

import pytest

from bot.config import SettingsError, load_settings


def test_defaults_run_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOTLINE_BOT_TOKEN", "HOTLINE_DATABASE_URL", "HOTLINE_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.timezone == "Asia/Phnom_Penh"
    assert settings.reference_prefix == "PNH"


def test_id_lists_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTLINE_STAFF_IDS", "101, 202,303")
    assert load_settings().staff_ids == (101, 202, 303)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HOTLINE_TIMEZONE", "Mars/Olympus"),
        ("HOTLINE_REFERENCE_PREFIX", "pnh-1"),
        ("HOTLINE_BOT_TOKEN", "not a token"),
        ("HOTLINE_OFFICER_CHAT_ID", "the group"),
        ("HOTLINE_STAFF_IDS", "1,two"),
        ("HOTLINE_FRAMEWORK", "telethon"),
        ("HOTLINE_DATABASE_URL", "mysql://hotline@localhost/hotline"),
        ("HOTLINE_DATABASE_URL", "postgresql://hotline@localhost"),
    ],
)
def test_a_wrong_setting_is_named_in_one_sentence(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    message = str(err.value)
    assert message.startswith(name)
    assert message.count("\n") == 0


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("sqlite:///var/hotline.db", "sqlite+aiosqlite:///var/hotline.db"),
        (
            "postgres://hotline:s%40cret@db:5432/hotline",
            "postgresql+asyncpg://hotline:s%40cret@db:5432/hotline",
        ),
        ("postgresql://hotline@db/hotline", "postgresql+asyncpg://hotline@db/hotline"),
        ("postgresql+asyncpg://hotline@db/hotline", "postgresql+asyncpg://hotline@db/hotline"),
    ],
)
def test_a_database_url_gets_the_async_driver(monkeypatch: pytest.MonkeyPatch, given: str, used: str) -> None:
    monkeypatch.setenv("HOTLINE_DATABASE_URL", given)
    assert load_settings().database_url == used


def test_missing_token_points_to_the_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOTLINE_BOT_TOKEN", raising=False)
    with pytest.raises(SettingsError, match=r"HOTLINE_BOT_TOKEN.*hotline demo"):
        load_settings().require_token()
