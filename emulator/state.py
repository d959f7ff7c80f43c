"""Everything the emulator remembers: users, chats and their messages, calls, callbacks, files."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from emulator.errors import bad_request
from emulator.faults import FaultBook
from emulator.limits import Limits, RateLimiter
from emulator.updates import UpdateQueue

BOT_FIRST_NAME = "Hotline"
BOT_USERNAME = "hotline_test_bot"


@dataclass(frozen=True, slots=True)
class EmuUser:
    """A Telegram user the tests act as."""

    id: int
    first_name: str = "User"
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None


@dataclass(eq=False)
class TranscriptEntry:
    """One message of a chat as it stands now (edits and deletions are applied in place)."""

    chat_id: int
    message_id: int
    from_bot: bool
    kind: str  # text, location, document, photo, contact, sticker, voice
    date: int
    raw: dict[str, Any]  # the current Telegram message dict
    sender_id: int
    text: str | None = None
    caption: str | None = None
    reply_markup: dict[str, Any] | None = None  # as sent, any markup kind
    edits: list[str] = field(default_factory=list)  # previous texts, oldest first
    deleted: bool = False
    protect_content: bool = False
    reply_to_message_id: int | None = None
    thread_id: int | None = None
    parse_mode: str | None = None
    source_text: str | None = None  # the text as the bot sent it, before entity parsing
    document: bytes | None = None
    filename: str | None = None
    file_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    live_period: int | None = None
    edit_date: int | None = None


@dataclass(slots=True)
class Chat:
    id: int
    type: str  # private, group, supergroup
    title: str | None = None
    user: EmuUser | None = None  # the other side of a private chat
    is_forum: bool = False
    members: dict[int, str] = field(default_factory=dict)  # groups: user id -> status
    started: bool = False  # private: the user has written to the bot
    blocked: bool = False
    next_message_id: int = 1
    messages: dict[int, TranscriptEntry] = field(default_factory=dict)
    reply_keyboard: dict[str, Any] | None = None  # the reply keyboard the user sees now

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")


@dataclass(slots=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    content: bytes
    file_path: str
    filename: str | None = None
    mime_type: str | None = None


@dataclass(slots=True)
class CallbackRecord:
    id: str
    chat_id: int
    message_id: int
    user_id: int
    data: str
    answered: bool = False


PROCESSING = 102  # Call.status while the call is still being answered (a long poll, a hang)
NO_ANSWER = 0  # Call.status when no answer was given (a dropped connection, the client gave up)


class Call(NamedTuple):
    """One Bot API call, recorded when it arrives; status is the HTTP status answered."""

    method: str
    params: dict[str, Any]
    status: int


@dataclass(slots=True)
class WebhookConfig:
    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


class EmulatorState:
    def __init__(self, token: str, limits: Limits, privacy_mode: bool) -> None:
        head = token.split(":", 1)[0]
        if not head.isdigit():
            raise ValueError("a bot token looks like '123456:ABC-DEF...'")
        self.token = token
        self.bot_id = int(head)
        self.privacy_mode = privacy_mode
        self.clock_offset = 0.0
        self.limiter = RateLimiter(limits, self.monotonic)
        self.faults = FaultBook(self.monotonic)
        self.updates = UpdateQueue()
        self.closing = False
        self.poll_generation = 0  # bumped by each getUpdates; an older waiting one then ends
        self.listeners: list[Callable[[Call], None]] = []  # told of every call answered 200 (benchmarks)
        self.reset()

    def reset(self) -> None:
        self.users: dict[int, EmuUser] = {}
        self.chats: dict[int, Chat] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.callback_answers: list[dict[str, Any]] = []
        self.calls: list[Call] = []
        self.errors_sent: Counter[int] = Counter()
        self.commands: dict[str, list[dict[str, str]]] = {}
        self.menu_buttons: dict[int, dict[str, Any]] = {}  # private chat id -> its own menu button
        self.default_menu_button: dict[str, Any] = {"type": "commands"}  # the bot's, where none is set
        self.files: dict[str, StoredFile] = {}
        self.webhook = WebhookConfig()
        self.serial = 0
        self.faults.clear()
        self.limiter.reset()
        self.updates.reset()

    # -- time: the tests may move the emulator's clock forward (message ages, rate windows)
    def now(self) -> int:
        return int(time.time() + self.clock_offset)

    def monotonic(self) -> float:
        return time.monotonic() + self.clock_offset

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    def chat(self, chat_id: int) -> Chat:
        chat = self.chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def private_chat(self, user: EmuUser) -> Chat:
        chat = self.chats.get(user.id)
        if chat is None:
            chat = self.chats[user.id] = Chat(id=user.id, type="private", user=user)
        chat.user = user
        return chat

    def message(self, chat: Chat, message_id: int | None) -> TranscriptEntry | None:
        entry = chat.messages.get(message_id) if message_id is not None else None
        return None if entry is None or entry.deleted else entry
