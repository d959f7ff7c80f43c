"""Creating messages in chats (from the bot or from users), stored files and queued updates."""

from __future__ import annotations

import copy
import hashlib
import mimetypes
from dataclasses import dataclass, field
from typing import Any

from emulator import models
from emulator.markup import is_inline
from emulator.state import Chat, EmulatorState, EmuUser, StoredFile, TranscriptEntry


@dataclass(slots=True)
class Draft:
    """What a new message carries besides its chat and sender."""

    kind: str
    content: dict[str, Any] = field(default_factory=dict)  # the kind-specific fields of the message dict
    text: str | None = None
    caption: str | None = None
    reply_to: TranscriptEntry | None = None
    thread_id: int | None = None
    reply_markup: dict[str, Any] | None = None
    protect_content: bool = False
    parse_mode: str | None = None
    source_text: str | None = None
    stored_file: StoredFile | None = None
    live_period: int | None = None


def store(st: EmulatorState, chat: Chat, draft: Draft, sender: EmuUser | None) -> TranscriptEntry:
    """Adds a message to the chat; sender None means the bot."""
    message_id = chat.next_message_id
    chat.next_message_id += 1
    date = st.now()
    sender_dict = models.bot_user(st) if sender is None else models.user_dict(sender)
    raw = models.message_base(chat, message_id, date, sender_dict)
    thread_id = draft.thread_id if chat.is_forum else None
    if thread_id is not None:
        raw["message_thread_id"] = thread_id
        raw["is_topic_message"] = True
    if draft.reply_to is not None:
        raw["reply_to_message"] = models.reply_snapshot(draft.reply_to)
    raw.update(copy.deepcopy(draft.content))
    if draft.protect_content:
        raw["has_protected_content"] = True
    if is_inline(draft.reply_markup):
        raw["reply_markup"] = copy.deepcopy(draft.reply_markup)
    entry = TranscriptEntry(
        chat_id=chat.id,
        message_id=message_id,
        from_bot=sender is None,
        kind=draft.kind,
        date=date,
        raw=raw,
        sender_id=st.bot_id if sender is None else sender.id,
        text=draft.text,
        caption=draft.caption,
        reply_markup=copy.deepcopy(draft.reply_markup),
        protect_content=draft.protect_content,
        reply_to_message_id=draft.reply_to.message_id if draft.reply_to else None,
        thread_id=thread_id,
        parse_mode=draft.parse_mode,
        source_text=draft.source_text,
        live_period=draft.live_period,
    )
    location = draft.content.get("location")
    if location is not None:
        entry.latitude, entry.longitude = location["latitude"], location["longitude"]
    if draft.stored_file is not None:
        entry.file_id = draft.stored_file.file_id
        entry.document = draft.stored_file.content
        entry.filename = draft.stored_file.filename
    chat.messages[message_id] = entry
    return entry


def new_file(
    st: EmulatorState, content: bytes, folder: str, filename: str | None = None, mime_type: str | None = None
) -> StoredFile:
    serial = st.next_serial()
    digest = hashlib.sha256(content).hexdigest()
    if filename and mime_type is None:
        mime_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    extension = filename.rsplit(".", 1)[1] if filename and "." in filename else "bin"
    stored = StoredFile(
        file_id=f"BQACAgUAAxkBAAI{serial:06d}{digest[:24]}",
        file_unique_id=f"AgAD{digest[:12]}",
        content=content,
        file_path=f"{folder}/file_{serial}.{extension}",
        filename=filename,
        mime_type=mime_type,
    )
    st.files[stored.file_id] = stored
    return stored


def enqueue(st: EmulatorState, kind: str, payload: dict[str, Any], chat_id: int | None) -> None:
    st.updates.add(kind, payload, chat_id)


def mark_edited(st: EmulatorState, entry: TranscriptEntry) -> None:
    entry.edit_date = st.now()
    entry.raw["edit_date"] = entry.edit_date


def set_inline_markup(entry: TranscriptEntry, markup: dict[str, Any] | None) -> None:
    entry.reply_markup = copy.deepcopy(markup)
    if is_inline(markup):
        entry.raw["reply_markup"] = copy.deepcopy(markup)
    else:
        entry.raw.pop("reply_markup", None)
