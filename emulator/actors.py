"""Acting as users: messages and button presses that become updates for the bot."""

from __future__ import annotations

import copy
import re
from typing import Any

from emulator import models
from emulator.groups import set_blocked
from emulator.markup import has_callback
from emulator.media import TINY_PNG, image_size
from emulator.messages import Draft, enqueue, mark_edited, new_file, store
from emulator.state import BOT_USERNAME, CallbackRecord, Chat, EmulatorState, EmuUser, TranscriptEntry

_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?")
_ADMINS = ("administrator", "creator")


class UserActions:
    """Mixin of Emulator: everything a test does as a Telegram user."""

    _st: EmulatorState

    def user(
        self,
        user_id: int,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> EmuUser:
        """A user value (remembered by the emulator; calling again updates the profile)."""
        user = EmuUser(user_id, first_name or f"User {user_id}", last_name, username, language_code)
        self._st.users[user_id] = user
        if user_id in self._st.chats and self._st.chats[user_id].type == "private":
            self._st.chats[user_id].user = user
        return user

    def _chat_of(self, user: EmuUser, chat_id: int | None) -> Chat:
        st = self._st
        st.users.setdefault(user.id, user)
        if chat_id is None or chat_id == user.id:
            chat = st.private_chat(user)
            if chat.blocked:
                set_blocked(st, chat, user, False)  # writing to a blocked bot means unblocking it first
            chat.started = True
            return chat
        group = st.chats.get(chat_id)
        if group is None:
            raise ValueError(f"chat {chat_id} does not exist: create it with create_group() first")
        if group.is_group and group.members.get(user.id, "left") in ("left", "kicked"):
            raise ValueError(f"user {user.id} is not a member of chat {chat_id}")
        return group

    def _bot_sees(self, chat: Chat, entry: TranscriptEntry, reply_to: TranscriptEntry | None) -> bool:
        """Privacy mode: in groups the bot only gets commands, replies to it and mentions of it."""
        bot_status = chat.members.get(self._st.bot_id)
        if chat.is_group and bot_status in ("left", "kicked"):
            return False
        if not chat.is_group or not self._st.privacy_mode or bot_status in _ADMINS:
            return True
        text = entry.text or entry.caption or ""
        return text.startswith("/") or f"@{BOT_USERNAME}" in text or bool(reply_to and reply_to.from_bot)

    def _post(self, user: EmuUser, chat_id: int | None, draft: Draft) -> dict[str, Any]:
        chat = self._chat_of(user, chat_id)
        entry = store(self._st, chat, draft, sender=user)
        if chat.reply_keyboard and chat.reply_keyboard.get("one_time_keyboard"):
            chat.reply_keyboard = None
        if self._bot_sees(chat, entry, draft.reply_to):
            enqueue(self._st, "message", entry.raw, chat.id)
        return copy.deepcopy(entry.raw)

    async def send_text(
        self, user: EmuUser, text: str, chat_id: int | None = None, thread_id: int | None = None
    ) -> dict[str, Any]:
        return self._post(user, chat_id, _text_draft(text, None, thread_id))

    async def send_command(
        self, user: EmuUser, command: str, args: str = "", chat_id: int | None = None
    ) -> dict[str, Any]:
        text = f"/{command.removeprefix('/')}" + (f" {args}" if args else "")
        return await self.send_text(user, text, chat_id=chat_id)

    async def reply_to(
        self, user: EmuUser, chat_id: int, reply_to_message_id: int, text: str, thread_id: int | None = None
    ) -> dict[str, Any]:
        target = self._st.message(self._st.chat(chat_id), reply_to_message_id)
        if target is None:
            raise ValueError(f"no message {reply_to_message_id} in chat {chat_id}")
        return self._post(user, chat_id, _text_draft(text, target, thread_id or target.thread_id))

    async def send_location(
        self,
        user: EmuUser,
        latitude: float,
        longitude: float,
        live_period: int | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        location: dict[str, Any] = {"latitude": float(latitude), "longitude": float(longitude)}
        if live_period is not None:
            location["live_period"] = live_period
        draft = Draft(kind="location", content={"location": location}, live_period=live_period)
        return self._post(user, chat_id, draft)

    async def update_live_location(
        self, user: EmuUser, message_id: int, latitude: float, longitude: float, chat_id: int | None = None
    ) -> dict[str, Any]:
        """The user's live location moved: an edited_message update of the location message."""
        st = self._st
        chat = st.chat(user.id if chat_id is None else chat_id)
        entry = st.message(chat, message_id)
        if entry is None or entry.sender_id != user.id or entry.live_period is None:
            raise ValueError(f"message {message_id} is not a live location shared by user {user.id}")
        if st.now() > entry.date + entry.live_period:
            raise ValueError(f"the live location {message_id} has expired")
        entry.latitude, entry.longitude = float(latitude), float(longitude)
        entry.raw["location"] = entry.raw["location"] | {
            "latitude": entry.latitude,
            "longitude": entry.longitude,
        }
        mark_edited(st, entry)
        enqueue(st, "edited_message", entry.raw, chat.id)
        return copy.deepcopy(entry.raw)

    async def send_contact(
        self,
        user: EmuUser,
        phone_number: str,
        first_name: str,
        user_id: int | None = None,
        last_name: str | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        contact: dict[str, Any] = {"phone_number": phone_number, "first_name": first_name}
        if last_name:
            contact["last_name"] = last_name
        if user_id is not None:
            contact["user_id"] = user_id
        return self._post(user, chat_id, Draft(kind="contact", content={"contact": contact}))

    async def send_photo(
        self,
        user: EmuUser,
        caption: str | None = None,
        content: bytes | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        data = content if content is not None else TINY_PNG
        stored = new_file(self._st, data, "photos", "photo.png", "image/png")
        width, height = image_size(data) or (800, 600)
        draft = Draft(kind="photo", content={"photo": models.photo_sizes(stored, width, height)})
        draft.stored_file, draft.caption = stored, caption
        if caption:
            draft.content["caption"] = caption
        return self._post(user, chat_id, draft)

    async def send_document(
        self,
        user: EmuUser,
        filename: str,
        content: bytes,
        caption: str | None = None,
        mime_type: str | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        stored = new_file(self._st, content, "documents", filename, mime_type)
        draft = Draft(kind="document", content={"document": models.document_dict(stored)})
        draft.stored_file, draft.caption = stored, caption
        if caption:
            draft.content["caption"] = caption
        return self._post(user, chat_id, draft)

    async def send_sticker(
        self, user: EmuUser, emoji: str = "🙂", chat_id: int | None = None
    ) -> dict[str, Any]:
        stored = new_file(
            self._st, b"RIFF\x00\x00\x00\x00WEBPVP8 sticker", "stickers", "sticker.webp", "image/webp"
        )
        sticker = models.file_dict(stored) | {
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._post(
            user, chat_id, Draft(kind="sticker", content={"sticker": sticker}, stored_file=stored)
        )

    async def send_voice(
        self, user: EmuUser, duration: int = 2, chat_id: int | None = None
    ) -> dict[str, Any]:
        stored = new_file(self._st, b"OggS\x00voice" * 8, "voice", "voice.ogg", "audio/ogg")
        voice = models.file_dict(stored) | {"duration": duration, "mime_type": "audio/ogg"}
        return self._post(user, chat_id, Draft(kind="voice", content={"voice": voice}, stored_file=stored))

    async def press(
        self, user: EmuUser, chat_id: int, message_id: int, data: str, force: bool = False
    ) -> dict[str, Any]:
        """Presses an inline button of a bot message; force=True skips checking the button exists."""
        st = self._st
        chat = self._chat_of(user, chat_id)
        entry = st.message(chat, message_id)
        if entry is None or not entry.from_bot:
            raise ValueError(f"no bot message {message_id} in chat {chat_id}")
        if not force and not has_callback(entry.reply_markup, data):
            raise ValueError(f"message {message_id} has no inline button with callback_data {data!r}")
        query_id = str(4_611_686_018_427_387_904 + st.next_serial())
        st.callbacks[query_id] = CallbackRecord(query_id, chat.id, message_id, user.id, data)
        query = {
            "id": query_id,
            "from": models.user_dict(user),
            "message": copy.deepcopy(entry.raw),
            "chat_instance": models.chat_instance(chat.id),
            "data": data,
        }
        enqueue(st, "callback_query", query, chat.id)
        return copy.deepcopy(query)


def _text_draft(text: str, reply_to: TranscriptEntry | None, thread_id: int | None) -> Draft:
    content: dict[str, Any] = {"text": text}
    command = _COMMAND_RE.match(text)
    if command:
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command.group(0))}]
    return Draft(kind="text", content=content, text=text, reply_to=reply_to, thread_id=thread_id)
