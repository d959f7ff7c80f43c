"""Builders of Telegram-shaped dicts (User, Chat, Message parts, ChatMember, WebhookInfo ...)."""

from __future__ import annotations

import hashlib
from typing import Any

from emulator.state import (
    BOT_FIRST_NAME,
    BOT_USERNAME,
    Chat,
    EmulatorState,
    EmuUser,
    StoredFile,
    TranscriptEntry,
)

_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
    "can_manage_topics",
    "can_send_welcome_messages",  # Bot API 10.3; aiogram 3.31 requires it
)
MEMBER_STATUSES = ("creator", "administrator", "member", "left", "kicked")


def bot_user(st: EmulatorState) -> dict[str, Any]:
    return {"id": st.bot_id, "is_bot": True, "first_name": BOT_FIRST_NAME, "username": BOT_USERNAME}


def get_me(st: EmulatorState) -> dict[str, Any]:
    return bot_user(st) | {
        "can_join_groups": True,
        "can_read_all_group_messages": not st.privacy_mode,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def user_dict(user: EmuUser) -> dict[str, Any]:
    out: dict[str, Any] = {"id": user.id, "is_bot": False, "first_name": user.first_name}
    for key in ("last_name", "username", "language_code"):
        value = getattr(user, key)
        if value is not None:
            out[key] = value
    return out


def chat_dict(chat: Chat) -> dict[str, Any]:
    out: dict[str, Any] = {"id": chat.id, "type": chat.type}
    if chat.user is not None:
        out["first_name"] = chat.user.first_name
        if chat.user.last_name:
            out["last_name"] = chat.user.last_name
        if chat.user.username:
            out["username"] = chat.user.username
    if chat.title is not None:
        out["title"] = chat.title
    if chat.is_forum:
        out["is_forum"] = True
    return out


def chat_full_info(chat: Chat) -> dict[str, Any]:
    gifts = (
        "unlimited_gifts",
        "limited_gifts",
        "unique_gifts",
        "premium_subscription",
        "gifts_from_channels",
    )
    return chat_dict(chat) | {
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": dict.fromkeys(gifts, False),
    }


def chat_instance(chat_id: int) -> str:
    return str(int(hashlib.sha256(str(chat_id).encode()).hexdigest()[:15], 16))


def message_base(chat: Chat, message_id: int, date: int, sender: dict[str, Any]) -> dict[str, Any]:
    return {"message_id": message_id, "from": sender, "chat": chat_dict(chat), "date": date}


def reply_snapshot(entry: TranscriptEntry) -> dict[str, Any]:
    """The replied-to message as Telegram embeds it: without its own reply_to_message."""
    return {key: value for key, value in entry.raw.items() if key != "reply_to_message"}


def chat_member(status: str, user: dict[str, Any]) -> dict[str, Any]:
    if status == "creator":
        return {"status": status, "user": user, "is_anonymous": False}
    if status == "administrator":
        member = {"status": status, "user": user, "can_be_edited": False, "is_anonymous": False}
        return member | dict.fromkeys(_ADMIN_RIGHTS, True)
    if status == "kicked":
        return {"status": status, "user": user, "until_date": 0}
    return {"status": status, "user": user}


def file_dict(stored: StoredFile, with_path: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
    }
    if with_path:
        out["file_path"] = stored.file_path
    return out


def document_dict(stored: StoredFile) -> dict[str, Any]:
    out = file_dict(stored)
    if stored.filename:
        out["file_name"] = stored.filename
    if stored.mime_type:
        out["mime_type"] = stored.mime_type
    return out


def photo_sizes(stored: StoredFile, width: int, height: int) -> list[dict[str, Any]]:
    """Telegram answers a photo with several sizes; the emulator gives a thumbnail and the original."""
    scale = min(1.0, 90 / max(width, height, 1))
    thumb = file_dict(stored) | {
        "file_unique_id": stored.file_unique_id + "-t",
        "width": max(1, round(width * scale)),
        "height": max(1, round(height * scale)),
    }
    return [thumb, file_dict(stored) | {"width": width, "height": height}]


def webhook_info(st: EmulatorState, pending: int, allowed: list[str] | None) -> dict[str, Any]:
    hook = st.webhook
    out: dict[str, Any] = {"url": hook.url, "has_custom_certificate": False, "pending_update_count": pending}
    if hook.url:
        out["max_connections"] = hook.max_connections
        out["ip_address"] = "127.0.0.1"
        if allowed:
            out["allowed_updates"] = list(allowed)
    if hook.last_error_date is not None:
        out["last_error_date"] = hook.last_error_date
        out["last_error_message"] = hook.last_error_message or ""
    return out
