"""The core's actions as Bot API calls, for both runtimes: the method and its parameters in the Bot
API's own JSON shape (the one https://core.telegram.org/bots/api documents), written once. Each
runtime's port only makes the call the framework's way (`bot.runtime.port.FrameworkPort`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core import actions as a

DELETE_BATCH = 100  # deleteMessages takes at most 100 ids


@dataclass(frozen=True, slots=True)
class Upload:
    """A file sent with the call (multipart), under the parameter `field`."""

    field: str
    filename: str
    content: bytes


@dataclass(frozen=True, slots=True)
class Call:
    method: str
    params: dict[str, Any]
    upload: Upload | None = None
    sends: bool = False  # the call makes a message: its result is the message (whose id is returned)


def inline(keyboard: a.InlineKeyboard | None) -> dict[str, Any] | None:
    if keyboard is None:
        return None
    rows = [
        [{"text": b.text, "url": b.url} if b.url else {"text": b.text, "callback_data": b.data} for b in row]
        for row in keyboard.rows
    ]
    return {"inline_keyboard": rows}


def markup(value: a.Markup | None) -> dict[str, Any] | None:
    if isinstance(value, a.ReplyKeyboard):
        rows = [[button(b) for b in row] for row in value.rows]
        shown: dict[str, Any] = {
            "keyboard": rows,
            "one_time_keyboard": value.one_time,
            "resize_keyboard": value.resize,
        }
        if value.placeholder:
            shown["input_field_placeholder"] = value.placeholder
        return shown
    if isinstance(value, a.RemoveKeyboard):
        return {"remove_keyboard": True}
    return inline(value)


def button(b: a.ReplyButton) -> dict[str, Any]:
    shown: dict[str, Any] = {"text": b.text}
    if b.request_location:
        shown["request_location"] = True
    if b.request_contact:
        shown["request_contact"] = True
    return shown


def _set(params: dict[str, Any], **optional: Any) -> dict[str, Any]:
    """`params` with the optional parameters that have a value (a None or False one is left out)."""
    params.update({k: v for k, v in optional.items() if v is not None and v is not False})
    return params


def reply_to(message_id: int | None) -> dict[str, Any] | None:
    return None if message_id is None else {"message_id": message_id, "allow_sending_without_reply": True}


def calls(action: a.Action) -> list[Call]:
    """The Bot API calls that carry out `action` (a large deletion takes several)."""
    if isinstance(action, a.SendMessage):
        params = _set(
            {"chat_id": action.chat_id, "text": action.text},
            message_thread_id=action.thread_id,
            protect_content=action.protect_content,
            reply_parameters=reply_to(action.reply_to),
            reply_markup=markup(action.markup),
        )
        return [Call("sendMessage", params, sends=True)]
    if isinstance(action, a.EditMessage):
        params = _set(
            {"chat_id": action.chat_id, "message_id": action.message_id, "text": action.text},
            reply_markup=inline(action.markup),
        )
        return [Call("editMessageText", params)]
    if isinstance(action, a.EditMarkup):
        params = _set(
            {"chat_id": action.chat_id, "message_id": action.message_id}, reply_markup=inline(action.markup)
        )
        return [Call("editMessageReplyMarkup", params)]
    if isinstance(action, a.DeleteMessages):
        ids = list(action.message_ids)
        if len(ids) == 1:
            return [Call("deleteMessage", {"chat_id": action.chat_id, "message_id": ids[0]})]
        return [
            Call(
                "deleteMessages",
                {"chat_id": action.chat_id, "message_ids": ids[start : start + DELETE_BATCH]},
            )
            for start in range(0, len(ids), DELETE_BATCH)
        ]
    if isinstance(action, a.AnswerCallback):
        params = _set({"callback_query_id": action.callback_id}, text=action.text, show_alert=action.alert)
        return [Call("answerCallbackQuery", params)]
    if isinstance(action, a.SendLocation):
        params = _set(
            {"chat_id": action.chat_id, "latitude": action.latitude, "longitude": action.longitude},
            message_thread_id=action.thread_id,
            reply_parameters=reply_to(action.reply_to),
        )
        return [Call("sendLocation", params, sends=True)]
    if isinstance(action, a.SendDocument):
        params = _set(
            {"chat_id": action.chat_id},
            message_thread_id=action.thread_id,
            caption=action.caption,
            protect_content=action.protect_content,
        )
        return [Call("sendDocument", params, Upload("document", action.filename, action.content), sends=True)]
    if isinstance(action, a.SendPhoto):
        params = _set(
            {"chat_id": action.chat_id},
            message_thread_id=action.thread_id,
            caption=action.caption,
            protect_content=action.protect_content,
            reply_markup=markup(action.markup),
        )
        return [Call("sendPhoto", params, Upload("photo", action.filename, action.content), sends=True)]
    if isinstance(action, a.SetMenuButton):
        button: dict[str, Any] = {"type": "default"}
        if action.url:
            button = {"type": "web_app", "text": action.text, "web_app": {"url": action.url}}
        return [Call("setChatMenuButton", {"chat_id": action.chat_id, "menu_button": button})]
    return []
