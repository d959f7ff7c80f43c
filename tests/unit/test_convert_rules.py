"""The update reader's rules, straight on `to_incoming` (no framework repairing anything first):
every malformed body of the security suite is refused, and what a framework hands over in its own
types comes out as the core's plain values."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import pytest

from bot.core.incoming import Kind
from bot.runtime.convert import MalformedUpdate, to_incoming
from tests.security.test_malformed_updates import CHAT, MALFORMED, USER, message

pytestmark = pytest.mark.no_database


@pytest.mark.parametrize(("what", "body"), MALFORMED, ids=[what for what, _ in MALFORMED])
def test_every_malformed_update_is_refused(what: str, body: dict[str, Any]) -> None:
    with pytest.raises(MalformedUpdate):
        to_incoming({"update_id": 1, **body})


def test_the_refusal_names_the_field_and_never_repeats_the_citizens_words() -> None:
    secret = "Tolong, saya dikurung di lantai 3 " * 200
    with pytest.raises(MalformedUpdate) as refused:
        to_incoming({"update_id": 1, "message": message(text=secret)})
    assert "message.text" in str(refused.value)
    assert "dikurung" not in str(refused.value)


class ChatType(StrEnum):  # what aiogram's enums are: str subclasses
    PRIVATE = "private"


def test_a_frameworks_own_string_types_become_plain_strings() -> None:
    update = {"update_id": 9, "message": message(chat=CHAT | {"type": ChatType.PRIVATE}, text="halo")}
    incoming = to_incoming(update)
    assert incoming is not None and incoming.kind is Kind.TEXT
    assert type(incoming.chat_type) is str and incoming.chat_type == "private"


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ({"text": "A" * 4096}, Kind.TEXT),  # the longest text Telegram sends is taken whole
        # whole numbers are numbers, and the edges are on the globe
        ({"location": {"latitude": -90, "longitude": 180}}, Kind.LOCATION),
    ],
)
def test_values_at_telegrams_limits_are_taken(content: dict[str, Any], kind: Kind) -> None:
    incoming = to_incoming({"update_id": 2, "message": message(**content)})
    assert incoming is not None and incoming.kind is kind


def test_button_data_of_64_bytes_is_taken_and_65_refused() -> None:
    def press(data: str) -> dict[str, Any]:
        return {"update_id": 3, "callback_query": {"id": "q", "from": USER, "data": data}}

    incoming = to_incoming(press("é" * 32))  # 64 bytes in UTF-8
    assert incoming is not None and incoming.chat_id == USER["id"]  # no message: the presser's own chat
    with pytest.raises(MalformedUpdate):
        to_incoming(press("é" * 32 + "x"))


def test_kinds_the_hotline_does_not_take_are_ignored_not_refused() -> None:
    assert to_incoming({"update_id": 4, "my_chat_member": {"anything": True}}) is None
    assert to_incoming({"update_id": 5, "message": message(new_chat_members=[USER])}) is None
    assert to_incoming({"update_id": 6, "edited_message": message(text="halo!")}) is None
