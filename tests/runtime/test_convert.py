"""Updates become the same Incoming values on both runtimes: each framework parses, then one converter."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.incoming import Contact, Incoming, Kind, Location
from bot.runtime import Runtime
from tests.runtime.conftest import Recorder

pytestmark = pytest.mark.no_database  # runs on the SQLite pass only (tests/conftest.py)

CHAT = 1001
GROUP = -1001234567890
SITI = {"id": CHAT, "is_bot": False, "first_name": "Siti", "last_name": "Aminah", "username": "siti",
        "language_code": "id"}  # fmt: skip
PRIVATE = {"id": CHAT, "type": "private", "first_name": "Siti"}


def message(**content: Any) -> dict[str, Any]:
    return {"message_id": 7, "date": 1_700_000_000, "chat": PRIVATE, "from": SITI, **content}


def update(kind: str = "message", **content: Any) -> dict[str, Any]:
    return {"update_id": 500, kind: message(**content)}


def seen(kind: Kind, **fields: Any) -> Incoming:
    base: dict[str, Any] = {
        "chat_id": CHAT, "user_id": CHAT, "update_id": 500, "message_id": 7, "user_name": "Siti Aminah",
        "username": "siti", "language_code": "id",
    }  # fmt: skip
    return Incoming(kind, **(base | fields))


PHOTO = [{"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90},
         {"file_id": "large", "file_unique_id": "l", "width": 800, "height": 800}]  # fmt: skip
DOCUMENT = {"file_id": "doc1", "file_unique_id": "d1", "file_name": "paspor.pdf"}
STICKER = {"file_id": "st1", "file_unique_id": "st", "type": "regular", "width": 512, "height": 512,
           "is_animated": False, "is_video": False}  # fmt: skip
CALLBACK = {
    "update_id": 500,
    "callback_query": {"id": "q1", "from": SITI, "chat_instance": "ci", "data": "f:welcome:agree",
                       "message": {"message_id": 3, "date": 1_700_000_000, "chat": PRIVATE, "text": "Welcome",
                                   "from": {"id": 42, "is_bot": True, "first_name": "Hotline"}}},
}  # fmt: skip
GROUP_REPLY = {
    "update_id": 500,
    "message": message(
        chat={"id": GROUP, "type": "supergroup", "title": "Duty officers", "is_forum": True},
        text="I take it",
        message_thread_id=12,
        is_topic_message=True,
        reply_to_message={"message_id": 5, "date": 1_700_000_000, "chat": {"id": GROUP, "type": "supergroup"},
                          "from": {"id": 42, "is_bot": True, "first_name": "Hotline"}, "text": "Case card"},
    ),
}  # fmt: skip

CASES: dict[str, tuple[dict[str, Any], Incoming | None]] = {
    "text": (update(text="halo"), seen(Kind.TEXT, text="halo")),
    "command": (
        update(text="/Start@hotline_test_bot  ref 12 "),
        seen(Kind.COMMAND, text="/Start@hotline_test_bot  ref 12 ", command="start", args="ref 12"),
    ),
    "command on two lines": (
        update(text="/status\nplease"),
        seen(Kind.COMMAND, text="/status\nplease", command="status", args="please"),
    ),
    "command for another bot": (
        update(text="/start@other_bot"),
        seen(Kind.TEXT, text="/start@other_bot"),
    ),
    "button": (
        CALLBACK,
        seen(Kind.BUTTON, message_id=3, callback_data="f:welcome:agree", callback_id="q1"),
    ),
    "location": (
        update(
            location={"latitude": 11.55, "longitude": 104.92, "live_period": 900, "horizontal_accuracy": 20}
        ),
        seen(Kind.LOCATION, location=Location(11.55, 104.92, 900, 20.0)),
    ),
    "live location": (
        update(
            "edited_message",
            location={"latitude": 11.6, "longitude": 104.9, "live_period": 900},
            edit_date=1_700_000_060,
        ),
        seen(Kind.LIVE_LOCATION, location=Location(11.6, 104.9, 900)),
    ),
    "edited text": (update("edited_message", text="halo!", edit_date=1_700_000_060), None),
    "contact": (
        update(contact={"phone_number": "+6281234567890", "first_name": "Siti", "user_id": CHAT}),
        seen(Kind.CONTACT, contact=Contact("+6281234567890", "Siti", CHAT)),
    ),
    "photo": (update(photo=PHOTO, caption="paspor"), seen(Kind.PHOTO, file_id="large", text="paspor")),
    "document": (update(document=DOCUMENT), seen(Kind.DOCUMENT, file_id="doc1")),
    "sticker": (update(sticker=STICKER), seen(Kind.UNSUPPORTED)),
    "voice": (update(voice={"file_id": "v", "file_unique_id": "v", "duration": 2}), seen(Kind.UNSUPPORTED)),
    "group reply in a topic": (
        GROUP_REPLY,
        seen(
            Kind.TEXT,
            chat_id=GROUP,
            chat_type="supergroup",
            text="I take it",
            reply_to_message_id=5,
            reply_to_bot=True,
            thread_id=12,
        ),
    ),
    "service message": (update(new_chat_members=[SITI]), None),
    "no sender": (
        {"update_id": 500, "message": {"message_id": 7, "date": 0, "chat": PRIVATE, "text": "hi"}},
        None,
    ),
    "no chat": (
        {"update_id": 500, "message": {"message_id": 7, "date": 0, "from": SITI, "text": "hi"}},
        None,
    ),
    "text of a wrong type": (update(text=5), None),
    "location of a wrong type": (update(location={"latitude": "north", "longitude": 1.0}), None),
    "unknown kind": ({"update_id": 500, "brand_new_kind": {"x": 1}}, None),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_an_update_becomes_the_same_incoming(runtime: Runtime, recorder: Recorder, case: str) -> None:
    raw, expected = CASES[case]
    await runtime.feed(raw)  # the webhook's way in: the framework parses the update first
    await runtime.dispatch.drain(2.0)
    assert recorder.seen == ([] if expected is None else [expected])


async def test_a_faulty_update_does_not_stop_the_next_one(runtime: Runtime, recorder: Recorder) -> None:
    await runtime.feed({"update_id": 1, "message": "garbage"})
    await runtime.feed({"update_id": 2, "callback_query": {"id": 5}})
    await runtime.feed(update(text="halo"))
    await runtime.dispatch.drain(2.0)
    assert [inp.text for inp in recorder.seen] == ["halo"]
