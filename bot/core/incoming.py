"""What the core receives: one small value per Telegram update, built by a runtime adapter."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"
    COMMAND = "command"
    BUTTON = "button"  # an inline button press (callback query)
    LOCATION = "location"
    LIVE_LOCATION = "live_location"  # an edit of a live location already shared
    CONTACT = "contact"
    PHOTO = "photo"
    DOCUMENT = "document"
    UNSUPPORTED = "unsupported"  # stickers, voice notes, anything else


@dataclass(frozen=True, slots=True)
class Location:
    latitude: float
    longitude: float
    live_period: int | None = None
    accuracy: float | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    phone_number: str
    first_name: str = ""
    user_id: int | None = None


@dataclass(frozen=True, slots=True)
class Incoming:
    """One update as the core sees it. Only the fields of its kind are set."""

    kind: Kind
    chat_id: int
    user_id: int
    chat_type: str = "private"  # private, group, supergroup
    update_id: int | None = None
    message_id: int | None = None
    user_name: str = ""  # the Telegram profile's display name
    username: str | None = None
    language_code: str | None = None
    text: str | None = None  # message text or a media caption
    command: str | None = None  # lower case, without "/" and without "@botname"
    args: str = ""  # what follows the command
    callback_data: str | None = None
    callback_id: str | None = None
    location: Location | None = None
    contact: Contact | None = None
    reply_to_message_id: int | None = None
    reply_to_bot: bool = False  # the message replied to is the bot's own
    thread_id: int | None = None
    file_id: str | None = None
    # the bot's own @username (getMe), to say which bot is the real one (/verify); not the update's content
    bot_username: str | None = field(default=None, compare=False)

    @property
    def is_private(self) -> bool:
        return self.chat_type == "private"
