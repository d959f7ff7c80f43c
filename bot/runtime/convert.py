"""Telegram's update (as a plain dict, the Bot API's own JSON shape) -> the core's `Incoming` value.

Both runtimes hand the update their framework parsed back here as a dict, so the two behave the
same way. The fields the hotline reads are pydantic models in strict mode (nothing is coerced: "5"
is not a number, true is not an id); a malformed update raises `MalformedUpdate`: a field missing or
of the wrong type, or a value Telegram never sends (a text over 4,096 characters, callback data over
64 bytes, an id beyond 64 bits, a position off the globe, a replied-to message holding another one,
no kind of update the Bot API knows). An update the core does not take (an edited text, a service
message, a channel post, a member change) gives None.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

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
MAX_ID = 2**63  # ids are 64-bit integers (Telegram's fit in 52 bits)


class MalformedUpdate(ValueError):
    """A field the core needs is missing or of the wrong type."""


def _fits_a_button(data: str) -> str:
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError("callback data is longer than 64 bytes")
    return data


# Strict: a framework's str subclass (an enum) is taken, and read back as a plain str.
Id = Annotated[int, Field(strict=True, gt=-MAX_ID, lt=MAX_ID)]
Str = Annotated[str, Field(strict=True)]
Text = Annotated[str, Field(strict=True, max_length=MAX_TEXT)]
Caption = Annotated[str, Field(strict=True, max_length=MAX_CAPTION)]
ButtonData = Annotated[str, Field(strict=True), AfterValidator(_fits_a_button)]
Latitude = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=-90.0, le=90.0)]
Longitude = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=-180.0, le=180.0)]
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]


class _Part(BaseModel):
    """The fields the hotline reads; Telegram's others are left alone."""

    model_config = ConfigDict(extra="ignore", populate_by_name=False)


class User(_Part):
    id: Id
    is_bot: bool | None = Field(default=None, strict=True)
    first_name: Str | None = None
    last_name: Str | None = None
    username: Str | None = None
    language_code: Str | None = None


class Chat(_Part):
    id: Id
    type: Str | None = None


class Place(_Part):
    latitude: Latitude
    longitude: Longitude
    live_period: Id | None = None
    horizontal_accuracy: Number | None = None


class Card(_Part):
    phone_number: Str
    first_name: Str | None = None
    user_id: Id | None = None


class File(_Part):
    file_id: Str


class Replied(_Part):
    """The message replied to. Telegram never nests one in another: a nested one is forged."""

    message_id: Id | None = None
    from_: User | None = Field(default=None, alias="from")
    reply_to_message: None = None


class Message(_Part):
    message_id: Id | None = None
    chat: Chat
    from_: User | None = Field(default=None, alias="from")
    message_thread_id: Id | None = None
    reply_to_message: Replied | None = None
    text: Text | None = None
    caption: Caption | None = None
    location: Place | None = None
    contact: Card | None = None
    photo: Annotated[list[File], Field(min_length=1)] | None = None
    document: File | None = None


class ButtonMessage(_Part):
    message_id: Id | None = None
    chat: Chat
    message_thread_id: Id | None = None


class Press(_Part):
    id: Str
    from_: User = Field(alias="from")
    message: ButtonMessage | None = None
    data: ButtonData | None = None


class Update(_Part):
    update_id: Id | None = None
    message: Message | None = None
    edited_message: Message | None = None
    callback_query: Press | None = None


READER = TypeAdapter(Update)  # the adapter's call is a little quicker than Update.model_validate


def to_incoming(update: Mapping[str, Any], bot_username: str | None = None) -> Incoming | None:
    """The core's value for one update; `bot_username` tells apart "/start@otherbot" in groups."""
    found = _incoming(update, bot_username)
    return replace(found, bot_username=bot_username) if found is not None and bot_username else found


def _incoming(update: Mapping[str, Any], bot_username: str | None) -> Incoming | None:
    try:
        read = READER.validate_python(update)
    except ValidationError as exc:
        raise MalformedUpdate(_first_problem(exc)) from None
    if read.message is not None:
        return _message(read.message, read.update_id, bot_username, update["message"])
    if read.edited_message is not None:
        return _edited(read.edited_message, read.update_id)
    if read.callback_query is not None:
        return _callback(read.callback_query, read.update_id)
    if not UPDATE_KINDS.intersection(update):
        raise MalformedUpdate(f"no kind of update the Bot API knows: {sorted(update)[:5]}")
    return None


def _first_problem(exc: ValidationError) -> str:
    """One line for the log: where and what, never the value (it may be a citizen's words)."""
    error = exc.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in error["loc"])
    more = exc.error_count() - 1
    return f"{where}: {error['msg']}" + (f" (and {more} more)" if more else "")


def _message(
    msg: Message, update_id: int | None, bot_username: str | None, raw: Mapping[str, Any]
) -> Incoming | None:
    user = msg.from_
    if user is None:
        return None  # a message without a person (a channel's post)
    if msg.location is not None:
        return _said(Kind.LOCATION, msg, user, update_id, location=_location(msg.location))
    if msg.text is not None:
        parsed = parse_command(msg.text, bot_username)
        if parsed is not None:
            return _said(Kind.COMMAND, msg, user, update_id, text=msg.text, command=parsed[0], args=parsed[1])
        return _said(Kind.TEXT, msg, user, update_id, text=msg.text)
    if msg.contact is not None:
        card = Contact(msg.contact.phone_number, msg.contact.first_name or "", msg.contact.user_id)
        return _said(Kind.CONTACT, msg, user, update_id, contact=card)
    if msg.photo is not None:
        return _said(Kind.PHOTO, msg, user, update_id, text=msg.caption, file_id=msg.photo[-1].file_id)
    if msg.document is not None:
        return _said(Kind.DOCUMENT, msg, user, update_id, text=msg.caption, file_id=msg.document.file_id)
    if any(raw.get(key) for key in SERVICE_KEYS):
        return None
    return _said(Kind.UNSUPPORTED, msg, user, update_id, text=msg.caption)


def _edited(msg: Message, update_id: int | None) -> Incoming | None:
    """Only a moving live location matters; edited texts are ignored."""
    if msg.from_ is None or msg.location is None:
        return None
    return _said(Kind.LIVE_LOCATION, msg, msg.from_, update_id, location=_location(msg.location))


def _said(kind: Kind, msg: Message, user: User, update_id: int | None, **content: Any) -> Incoming:
    """A message from a person: the fields every one carries, and its `content`."""
    reply = msg.reply_to_message
    return Incoming(
        kind,
        chat_id=msg.chat.id,
        user_id=user.id,
        chat_type=msg.chat.type or "private",
        update_id=update_id,
        message_id=msg.message_id,
        reply_to_message_id=reply.message_id if reply is not None else None,
        reply_to_bot=bool(reply is not None and reply.from_ is not None and reply.from_.is_bot),
        thread_id=msg.message_thread_id,
        user_name=_name(user),
        username=user.username,
        language_code=user.language_code,
        **content,
    )


def _callback(press: Press, update_id: int | None) -> Incoming:
    user, msg = press.from_, press.message
    return Incoming(
        Kind.BUTTON,
        chat_id=msg.chat.id if msg is not None else user.id,
        user_id=user.id,
        chat_type=(msg.chat.type if msg is not None else None) or "private",
        update_id=update_id,
        message_id=msg.message_id if msg is not None else None,
        thread_id=msg.message_thread_id if msg is not None else None,
        callback_data=press.data,
        callback_id=press.id,
        user_name=_name(user),
        username=user.username,
        language_code=user.language_code,
    )


def _name(user: User) -> str:
    """The profile's display name, as Telegram shows it."""
    if user.last_name:
        return f"{user.first_name} {user.last_name}" if user.first_name else user.last_name
    return user.first_name or ""


def _location(place: Place) -> Location:
    return Location(place.latitude, place.longitude, place.live_period, place.horizontal_accuracy)


def parse_command(text: str, bot_username: str | None = None) -> tuple[str, str] | None:
    """("start", "args") for "/Start@HotlineBot args"; None when it is not a command for this bot."""
    match = COMMAND.match(text)
    if match is None:
        return None
    mention = match["bot"]
    if mention and bot_username and mention.lower() != bot_username.lower():
        return None
    return match["name"].lower(), match["args"].strip()
