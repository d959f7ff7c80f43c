"""Actions survive the trip to a JSON column and back exactly."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.actions import (
    Action,
    AnswerCallback,
    DeleteMessages,
    EditMarkup,
    EditMessage,
    InlineButton,
    InlineKeyboard,
    RemoveKeyboard,
    ReplyButton,
    ReplyKeyboard,
    SendDocument,
    SendLocation,
    SendMessage,
)
from bot.core.serialize import from_payload, to_payload

INLINE = InlineKeyboard(
    (
        (InlineButton("Ambil kasus", "case:take:12"), InlineButton("Peta", url="https://maps.example/1")),
        (InlineButton("✅ Aman", "safe:yes"),),
    )
)
REPLY = ReplyKeyboard(
    ((ReplyButton("📍 Kirim lokasi", request_location=True),), (ReplyButton("📞", request_contact=True),)),
    one_time=False,
    resize=True,
    placeholder="Ketik di sini",
)

EXAMPLES: list[Action] = [
    SendMessage(1001, "Halo"),
    SendMessage(-100200, "🆘 SOS", INLINE, protect_content=True, reply_to=7, thread_id=3),
    SendMessage(1001, "Lokasi?", REPLY),
    SendMessage(1001, "Terima kasih", RemoveKeyboard()),
    SendMessage(1001, "Default reply keyboard", ReplyKeyboard(((ReplyButton("Ya"), ReplyButton("Tidak")),))),
    EditMessage(-100200, 55, "Kartu kasus (diambil)", INLINE),
    EditMessage(-100200, 55, "Tanpa tombol"),
    EditMarkup(-100200, 55, INLINE),
    EditMarkup(-100200, 55, None),
    DeleteMessages(1001, (4, 5, 6)),
    DeleteMessages(1001, ()),
    SendLocation(-100200, 11.5564, 104.9282, reply_to=9, thread_id=2),
    SendLocation(1001, -8.0, 115.0),
]


@pytest.mark.parametrize("action", EXAMPLES, ids=lambda a: type(a).__name__)
def test_round_trip_through_json(action: Action) -> None:
    payload = to_payload(action)
    assert isinstance(payload["type"], str)
    stored = json.loads(json.dumps(payload))  # what a JSON column hands back
    assert stored == payload
    assert from_payload(stored) == action


def test_location_given_as_integers_still_reads_as_floats() -> None:
    action = from_payload({"type": "send_location", "chat_id": 1, "latitude": 11, "longitude": 104})
    assert action == SendLocation(1, 11.0, 104.0)
    assert isinstance(action, SendLocation) and isinstance(action.latitude, float)


@pytest.mark.parametrize(
    "action",
    [AnswerCallback("q1", "ok"), SendDocument(1, "cases.csv", b"a,b")],
    ids=lambda a: type(a).__name__,
)
def test_actions_that_are_never_queued_are_refused(action: Action) -> None:
    with pytest.raises(ValueError, match="cannot be queued"):
        to_payload(action)


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"type": "send_sticker", "chat_id": 1},
        {"type": "send_message", "chat_id": "1", "text": "x"},
        {"type": "send_message", "chat_id": True, "text": "x"},
        {"type": "send_message", "chat_id": 1},
        {"type": "send_message", "chat_id": 1, "text": "x", "markup": {"type": "carousel"}},
        {"type": "send_message", "chat_id": 1, "text": "x", "markup": {"type": "inline", "rows": ["a"]}},
        {"type": "edit_message", "chat_id": 1, "message_id": 2, "text": "x", "markup": {"type": "remove"}},
        {"type": "delete_messages", "chat_id": 1, "message_ids": [1, "2"]},
        {"type": "send_location", "chat_id": 1, "latitude": "11", "longitude": 1.0},
    ],
)
def test_payloads_that_describe_no_action_are_refused(payload: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        from_payload(payload)


texts = st.text(max_size=40)
ids = st.integers(min_value=-(2**52), max_value=2**52)
maybe_ids = st.none() | ids
inline_buttons = st.builds(InlineButton, texts, texts, st.none() | texts)
inline = st.builds(
    InlineKeyboard, st.lists(st.lists(inline_buttons, max_size=3).map(tuple), max_size=3).map(tuple)
)
reply_buttons = st.builds(ReplyButton, texts, st.booleans(), st.booleans())
reply = st.builds(
    ReplyKeyboard,
    st.lists(st.lists(reply_buttons, max_size=3).map(tuple), max_size=3).map(tuple),
    st.booleans(),
    st.booleans(),
    st.none() | texts,
)
markups = st.none() | inline | reply | st.just(RemoveKeyboard())
coordinates = st.floats(allow_nan=False, allow_infinity=False)
actions = st.one_of(
    st.builds(SendMessage, ids, texts, markups, st.booleans(), maybe_ids, maybe_ids),
    st.builds(EditMessage, ids, ids, texts, st.none() | inline),
    st.builds(EditMarkup, ids, ids, st.none() | inline),
    st.builds(DeleteMessages, ids, st.lists(ids, max_size=5).map(tuple)),
    st.builds(SendLocation, ids, coordinates, coordinates, maybe_ids, maybe_ids),
)


@given(actions)
def test_any_queueable_action_round_trips(action: Action) -> None:
    assert from_payload(json.loads(json.dumps(to_payload(action)))) == action
