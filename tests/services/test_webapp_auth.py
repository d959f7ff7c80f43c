"""The Mini App's init data is checked the way Telegram documents it: only data Telegram signed for
this bot, unchanged, fresh and naming a user opens the console."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote, urlencode

import pytest

from bot.services.webapp_auth import (
    InitDataRefused,
    Refusal,
    check_init_data,
    claimed_language,
    console_language,
    webapp_key,
)
from tests.support.webapp import person, signed

pytestmark = pytest.mark.no_database  # runs on the SQLite pass only (tests/conftest.py)

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
OTHER = "987654321:ZZHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
NOW = datetime(2026, 1, 20, 3, 0, tzinfo=UTC)
KEY = webapp_key(TOKEN)
DEWI = person(9172, "Dewi", "id") | {"last_name": "Lestari", "username": "dewi_l"}


def data(token: str = TOKEN, user: dict[str, object] | None = DEWI, at: datetime = NOW, **more: str) -> str:
    return signed(token, user, at.timestamp(), **more)


def refusal(init_data: str, now: datetime = NOW) -> Refusal:
    with pytest.raises(InitDataRefused) as refused:
        check_init_data(init_data, KEY, now)
    return refused.value.reason


def changed(init_data: str, name: str, value: str) -> str:
    fields = dict(parse_qsl(init_data))
    fields[name] = value
    return urlencode(fields, quote_via=quote)


def test_data_telegram_signed_names_its_user() -> None:
    user = check_init_data(data(query_id="AAHdF6IQAAAAAN0XohDhr8c", chat_type="sender"), KEY, NOW)
    assert (user.user_id, user.name, user.language_code) == (9172, "Dewi Lestari", "id")
    # a few minutes later it still counts; a little of Telegram's clock ahead of ours too
    assert check_init_data(data(), KEY, NOW + timedelta(minutes=4, seconds=59)).user_id == 9172
    assert check_init_data(data(at=NOW + timedelta(seconds=20)), KEY, NOW).user_id == 9172


def test_a_name_with_any_characters_is_checked_as_signed() -> None:
    odd = person(9172, "Dewi + Sari & co = 100% / ✓")
    assert check_init_data(data(user=odd), KEY, NOW).name == "Dewi + Sari & co = 100% / ✓"


def test_forged_changed_or_another_bots_data_is_refused() -> None:
    genuine = data()
    assert refusal(data(token=OTHER)) is Refusal.FORGED
    assert refusal(changed(genuine, "user", '{"id":9999,"first_name":"Dewi"}')) is Refusal.FORGED
    assert refusal(changed(genuine, "auth_date", str(int(NOW.timestamp()) + 60))) is Refusal.FORGED
    assert refusal(changed(genuine, "hash", "0" * 64)) is Refusal.FORGED
    assert refusal(genuine + "&start_param=x") is Refusal.FORGED  # a field added after signing
    assert refusal(changed(genuine, "hash", "not-a-hash")) is Refusal.MALFORMED
    no_hash = "&".join(p for p in genuine.split("&") if not p.startswith("hash="))
    assert refusal(no_hash) is Refusal.MALFORMED


def test_old_or_future_data_is_refused() -> None:
    assert refusal(data(), NOW + timedelta(minutes=5, seconds=1)) is Refusal.STALE
    assert refusal(data(at=NOW - timedelta(days=1))) is Refusal.STALE
    assert refusal(data(at=NOW + timedelta(minutes=10))) is Refusal.FUTURE


def test_data_without_a_proper_user_is_refused() -> None:
    assert refusal(data(user=None)) is Refusal.NO_USER
    assert refusal(data(user={"first_name": "Dewi"})) is Refusal.NO_USER
    assert refusal(data(user={"id": "9172", "first_name": "Dewi"})) is Refusal.NO_USER
    assert refusal(data(user={"id": True, "first_name": "Dewi"})) is Refusal.NO_USER
    assert refusal(signed(TOKEN, None, NOW.timestamp(), user="not json")) is Refusal.NO_USER


def test_a_key_twice_or_no_query_string_is_refused() -> None:
    genuine = data()
    user = next(p for p in genuine.split("&") if p.startswith("user="))
    assert refusal(f"{user}&{genuine}") is Refusal.MALFORMED  # which user did Telegram sign?
    assert refusal(genuine + "&hash=" + "0" * 64) is Refusal.MALFORMED
    for nonsense in ("", "hash", "a=1&&b=2", "x" * 10_000, "user=%ff%fe&hash=" + "0" * 64):
        assert refusal(nonsense) is Refusal.MALFORMED, nonsense
    assert refusal(signed(TOKEN, DEWI, None, auth_date="soon")) is Refusal.MALFORMED  # signed, but no date


def test_the_language_follows_telegrams_language_code() -> None:
    assert [console_language(c) for c in ("en", "en-GB", "id", "ms", None)] == ["en", "en", "id", "id", "id"]
    assert claimed_language(data(user=person(1, "A", "en"))) == "en"
    assert claimed_language("not init data") == "id"
