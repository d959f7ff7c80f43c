"""Telegram's update (as a plain dict, the Bot API's own JSON shape) -> the core's `Incoming` value.

Both runtimes hand the update their framework parsed back here as a dict, so the two behave the
same way. A malformed update raises `MalformedUpdate`: a field missing or of the wrong type, or a
value Telegram never sends (a text over 4,096 characters, callback data over 64 bytes, an id beyond
64 bits, a position off the globe, no kind of update the Bot API knows). An update the core does not
take (an edited text, a service message, a channel post, a member change) gives None.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, TypeVar

from bot.core.incoming import Contact, Incoming, Kind, Location

COMMAND = re.compile(r"/(?P<name>[A-Za-z0-9_]{1,32})(?:@(?P<bot>\w+))?(?=\s|\Z)(?P<args>.*)", re.DOTALL)
SERVICE_KEYS = (
    "new_chat_members", "left_chat_member", "new_chat_title", "new_chat_photo", "delete_chat_photo",
    "group_chat_created", "supergroup_chat_created", "channel_chat_created", "migrate_to_chat_id",
    "migrate_from_chat_id", "pinned_message", "message_auto_delete_timer_changed",
    "write_access_allowed", "forum_topic_created", "forum_topic_edited", "forum_topic_closed",
    "forum_topic_reopened", "video_chat_started", "video_chat_ended", "video_chat_scheduled",
    "video_chat_participants_invited", "users_shared", "chat_shared", "boost_added",
)  # fmt: skip


UPDATE_KINDS = frozenset({
    "message", "edited_message", "channel_post", "edited_channel_post", "business_connection",
    "business_message", "edited_business_message", "deleted_business_messages", "message_reaction",
    "message_reaction_count", "inline_query", "chosen_inline_result", "callback_query", "shipping_query",
    "pre_checkout_query", "purchased_paid_media", "poll", "poll_answer", "my_chat_member", "chat_member",
    "chat_join_request", "chat_boost", "removed_chat_boost",
})  # fmt: skip
MAX_TEXT = 4096  # Telegram's limit for a message text
MAX_CAPTION = 4096  # captions are shorter (1,024; 4,096 for premium users)
MAX_CALLBACK_BYTES = 64
T = TypeVar("T")
MAX_ID = 2**63  # ids are 64-bit integers (Telegram's fit in 52 bits)


class MalformedUpdate(ValueError):
    """A field the core needs is missing or of the wrong type."""


def to_incoming(update: Mapping[str, Any], bot_username: str | None = None) -> Incoming | None:
    """The core's value for one update; `bot_username` tells apart "/start@otherbot" in groups."""
    update_id = _opt_int(update, "update_id")
    message = _opt_map(update, "message")
    if message is not None:
        return _message(message, update_id, bot_username)
    edited = _opt_map(update, "edited_message")
    if edited is not None:
        return _edited(edited, update_id)
    callback = _opt_map(update, "callback_query")
    if callback is not None:
        return _callback(callback, update_id)
    if not UPDATE_KINDS.intersection(update):
        raise MalformedUpdate(f"no kind of update the Bot API knows: {sorted(update)[:5]}")
    return None


def _message(msg: Mapping[str, Any], update_id: int | None, bot_username: str | None) -> Incoming | None:
    base = _envelope(msg, update_id)
    if base is None:
        return None
    location = _location(msg)
    if location is not None:
        return Incoming(Kind.LOCATION, location=location, **base)
    text = _opt_str(msg, "text", MAX_TEXT)
    if text is not None:
        parsed = parse_command(text, bot_username)
        if parsed is not None:
            return Incoming(Kind.COMMAND, text=text, command=parsed[0], args=parsed[1], **base)
        return Incoming(Kind.TEXT, text=text, **base)
    caption = _opt_str(msg, "caption", MAX_CAPTION)
    contact = _opt_map(msg, "contact")
    if contact is not None:
        found = Contact(
            _req_str(contact, "phone_number"),
            _opt_str(contact, "first_name") or "",
            _opt_int(contact, "user_id"),
        )
        return Incoming(Kind.CONTACT, contact=found, **base)
    photo = msg.get("photo")
    if photo is not None:
        if not isinstance(photo, list) or not photo or not isinstance(photo[-1], Mapping):
            raise MalformedUpdate("photo is not a list of sizes")
        return Incoming(Kind.PHOTO, text=caption, file_id=_req_str(photo[-1], "file_id"), **base)
    document = _opt_map(msg, "document")
    if document is not None:
        return Incoming(Kind.DOCUMENT, text=caption, file_id=_req_str(document, "file_id"), **base)
    if any(msg.get(key) for key in SERVICE_KEYS):
        return None
    return Incoming(Kind.UNSUPPORTED, text=caption, **base)


def _edited(msg: Mapping[str, Any], update_id: int | None) -> Incoming | None:
    """Only a moving live location matters; edited texts are ignored."""
    base = _envelope(msg, update_id)
    location = _location(msg)
    if base is None or location is None:
        return None
    return Incoming(Kind.LIVE_LOCATION, location=location, **base)


def _callback(cb: Mapping[str, Any], update_id: int | None) -> Incoming:
    user = _req_map(cb, "from")
    user_id = _req_int(user, "id")
    msg = _opt_map(cb, "message")
    chat = _req_map(msg, "chat") if msg is not None else None
    data = _opt_str(cb, "data")
    if data is not None and len(data.encode()) > MAX_CALLBACK_BYTES:
        raise MalformedUpdate("callback data is longer than 64 bytes")
    return Incoming(
        Kind.BUTTON,
        chat_id=_req_int(chat, "id") if chat is not None else user_id,
        user_id=user_id,
        chat_type=(_opt_str(chat, "type") if chat is not None else None) or "private",
        update_id=update_id,
        message_id=_opt_int(msg, "message_id") if msg is not None else None,
        thread_id=_opt_int(msg, "message_thread_id") if msg is not None else None,
        callback_data=data,
        callback_id=_req_str(cb, "id"),
        **_person(user),
    )


def _envelope(msg: Mapping[str, Any], update_id: int | None) -> dict[str, Any] | None:
    """The fields every message carries; None for a message without a person (a channel post)."""
    chat = _req_map(msg, "chat")
    user = _opt_map(msg, "from")
    if user is None:
        return None
    reply = _opt_map(msg, "reply_to_message")
    if reply is not None and reply.get("reply_to_message") is not None:
        # Telegram never nests a replied-to message in another: a forged, deeply nested body
        raise MalformedUpdate("reply_to_message holds another reply_to_message")
    return {
        "chat_id": _req_int(chat, "id"),
        "user_id": _req_int(user, "id"),
        "chat_type": _opt_str(chat, "type") or "private",
        "update_id": update_id,
        "message_id": _opt_int(msg, "message_id"),
        "reply_to_message_id": _opt_int(reply, "message_id") if reply is not None else None,
        "reply_to_bot": _from_bot(reply),
        "thread_id": _opt_int(msg, "message_thread_id"),
        **_person(user),
    }


def _from_bot(message: Mapping[str, Any] | None) -> bool:
    author = _opt_map(message, "from") if message is not None else None
    return bool(author is not None and author.get("is_bot") is True)


def _person(user: Mapping[str, Any]) -> dict[str, Any]:
    names = (_opt_str(user, "first_name"), _opt_str(user, "last_name"))
    return {
        "user_name": " ".join(n for n in names if n),
        "username": _opt_str(user, "username"),
        "language_code": _opt_str(user, "language_code"),
    }


def _location(msg: Mapping[str, Any]) -> Location | None:
    loc = _opt_map(msg, "location")
    if loc is None:
        return None
    latitude, longitude = _req_float(loc, "latitude"), _req_float(loc, "longitude")
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
        raise MalformedUpdate("location is off the globe")
    return Location(latitude, longitude, _opt_int(loc, "live_period"), _opt_float(loc, "horizontal_accuracy"))


def parse_command(text: str, bot_username: str | None = None) -> tuple[str, str] | None:
    """("start", "args") for "/Start@HotlineBot args"; None when it is not a command for this bot."""
    match = COMMAND.match(text)
    if match is None:
        return None
    mention = match["bot"]
    if mention and bot_username and mention.lower() != bot_username.lower():
        return None
    return match["name"].lower(), match["args"].strip()


def _plain(value: str) -> str:
    return str.__str__(value)  # a str subclass (a framework's enum) as a plain str


def _present(value: T | None, key: str) -> T:
    if value is None:
        raise MalformedUpdate(f"{key} is missing")
    return value


def _opt_map(data: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
    value = data.get(key)
    if value is None or isinstance(value, Mapping):
        return value
    raise MalformedUpdate(f"{key} is not an object")


def _req_map(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    return _present(_opt_map(data, key), key)


def _opt_str(data: Mapping[str, Any], key: str, longest: int | None = None) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedUpdate(f"{key} is not a string")
    if longest is not None and len(value) > longest:
        raise MalformedUpdate(f"{key} is longer than Telegram allows ({len(value)} characters)")
    return _plain(value)


def _req_str(data: Mapping[str, Any], key: str) -> str:
    return _present(_opt_str(data, key), key)


def _opt_int(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise MalformedUpdate(f"{key} is not an integer")
    if not -MAX_ID < value < MAX_ID:
        raise MalformedUpdate(f"{key} is beyond 64 bits")
    return int(value)


def _req_int(data: Mapping[str, Any], key: str) -> int:
    return _present(_opt_int(data, key), key)


def _opt_float(data: Mapping[str, Any], key: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise MalformedUpdate(f"{key} is not a number")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise MalformedUpdate(f"{key} is not a finite number")
    return number


def _req_float(data: Mapping[str, Any], key: str) -> float:
    return _present(_opt_float(data, key), key)
