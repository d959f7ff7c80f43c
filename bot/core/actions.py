"""What the core asks a runtime to do. Texts are final (already translated); ids are Telegram's."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class InlineButton:
    text: str
    data: str = ""  # callback data (at most 64 bytes); routing uses this, never the label
    url: str | None = None


@dataclass(frozen=True, slots=True)
class InlineKeyboard:
    rows: tuple[tuple[InlineButton, ...], ...]


@dataclass(frozen=True, slots=True)
class ReplyButton:
    text: str
    request_location: bool = False
    request_contact: bool = False


@dataclass(frozen=True, slots=True)
class ReplyKeyboard:
    rows: tuple[tuple[ReplyButton, ...], ...]
    one_time: bool = True
    resize: bool = True
    placeholder: str | None = None


@dataclass(frozen=True, slots=True)
class RemoveKeyboard:
    pass


Markup = InlineKeyboard | ReplyKeyboard | RemoveKeyboard


@dataclass(frozen=True, slots=True)
class SendMessage:
    chat_id: int
    text: str
    markup: Markup | None = None
    protect_content: bool = False
    reply_to: int | None = None
    thread_id: int | None = None


@dataclass(frozen=True, slots=True)
class EditMessage:
    chat_id: int
    message_id: int
    text: str
    markup: InlineKeyboard | None = None


@dataclass(frozen=True, slots=True)
class EditMarkup:
    chat_id: int
    message_id: int
    markup: InlineKeyboard | None = None


@dataclass(frozen=True, slots=True)
class DeleteMessages:
    chat_id: int
    message_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class AnswerCallback:
    callback_id: str
    text: str | None = None
    alert: bool = False


@dataclass(frozen=True, slots=True)
class SendLocation:
    chat_id: int
    latitude: float
    longitude: float
    reply_to: int | None = None
    thread_id: int | None = None


@dataclass(frozen=True, slots=True)
class SendDocument:
    chat_id: int
    filename: str
    content: bytes = field(repr=False)
    caption: str | None = None
    protect_content: bool = False
    thread_id: int | None = None


@dataclass(frozen=True, slots=True)
class SendPhoto:
    """A picture (PNG or JPEG bytes): the situation report's chart, a passenger's check-in code."""

    chat_id: int
    filename: str
    content: bytes = field(repr=False)
    caption: str | None = None
    markup: Markup | None = None
    protect_content: bool = False
    thread_id: int | None = None


@dataclass(frozen=True, slots=True)
class SetMenuButton:
    """The menu button of one private chat: a Mini App (an https `url`) with its label, or, with no
    url, Telegram's default again. Per chat, so only the people it is set for ever see it."""

    chat_id: int
    text: str = ""
    url: str | None = None


Action = (
    SendMessage
    | EditMessage
    | EditMarkup
    | DeleteMessages
    | AnswerCallback
    | SendLocation
    | SendDocument
    | SendPhoto
    | SetMenuButton
)
