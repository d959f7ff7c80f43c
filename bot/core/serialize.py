"""Actions as JSON-safe dicts and back, for the outbox: `from_payload(to_payload(a)) == a`.

Only what the outbox can carry: SendMessage (inline, reply and remove keyboards), EditMessage,
EditMarkup, DeleteMessages and SendLocation. Answering a button press is never queued (it must come
within seconds, in the handler), and a document's bytes do not belong in a JSON column.
Every dict has a "type" key; a payload that does not fit raises ValueError.
"""

from __future__ import annotations

from typing import Any

from bot.core.actions import (
    Action,
    DeleteMessages,
    EditMarkup,
    EditMessage,
    InlineButton,
    InlineKeyboard,
    Markup,
    RemoveKeyboard,
    ReplyButton,
    ReplyKeyboard,
    SendLocation,
    SendMessage,
)

Payload = dict[str, Any]


# -- to JSON


def _inline(keyboard: InlineKeyboard) -> Payload:
    rows = [[{"text": b.text, "data": b.data, "url": b.url} for b in row] for row in keyboard.rows]
    return {"type": "inline", "rows": rows}


def _markup(markup: Markup | None) -> Payload | None:
    if markup is None:
        return None
    if isinstance(markup, InlineKeyboard):
        return _inline(markup)
    if isinstance(markup, ReplyKeyboard):
        rows = [
            [
                {"text": b.text, "request_location": b.request_location, "request_contact": b.request_contact}
                for b in row
            ]
            for row in markup.rows
        ]
        return {
            "type": "reply",
            "rows": rows,
            "one_time": markup.one_time,
            "resize": markup.resize,
            "placeholder": markup.placeholder,
        }
    return {"type": "remove"}


def to_payload(action: Action) -> Payload:
    """The action as a dict of JSON values (str, int, float, bool, None, lists, dicts)."""
    if isinstance(action, SendMessage):
        return {
            "type": "send_message",
            "chat_id": action.chat_id,
            "text": action.text,
            "markup": _markup(action.markup),
            "protect_content": action.protect_content,
            "reply_to": action.reply_to,
            "thread_id": action.thread_id,
        }
    if isinstance(action, EditMessage):
        return {
            "type": "edit_message",
            "chat_id": action.chat_id,
            "message_id": action.message_id,
            "text": action.text,
            "markup": _markup(action.markup),
        }
    if isinstance(action, EditMarkup):
        return {
            "type": "edit_markup",
            "chat_id": action.chat_id,
            "message_id": action.message_id,
            "markup": _markup(action.markup),
        }
    if isinstance(action, DeleteMessages):
        return {"type": "delete_messages", "chat_id": action.chat_id, "message_ids": list(action.message_ids)}
    if isinstance(action, SendLocation):
        return {
            "type": "send_location",
            "chat_id": action.chat_id,
            "latitude": action.latitude,
            "longitude": action.longitude,
            "reply_to": action.reply_to,
            "thread_id": action.thread_id,
        }
    raise ValueError(f"{type(action).__name__} cannot be queued in the outbox")


# -- from JSON, checking every value's type


def _get(data: Payload, key: str, kind: type | tuple[type, ...], optional: bool = False) -> Any:
    if not isinstance(data, dict):
        raise ValueError(f"expected an object, got {type(data).__name__}")
    value = data.get(key)
    if value is None and optional:
        return None
    # bool is an int in Python: never take one for the other
    if isinstance(value, bool) != (kind is bool) or not isinstance(value, kind):
        raise ValueError(f"payload field {key!r} is {value!r}, not a {kind}")
    return value


def _int(data: Payload, key: str) -> int:
    value: int = _get(data, key, int)
    return value


def _opt_int(data: Payload, key: str) -> int | None:
    value: int | None = _get(data, key, int, optional=True)
    return value


def _str(data: Payload, key: str) -> str:
    value: str = _get(data, key, str)
    return value


def _opt_str(data: Payload, key: str) -> str | None:
    value: str | None = _get(data, key, str, optional=True)
    return value


def _bool(data: Payload, key: str, default: bool) -> bool:
    if data.get(key) is None:
        return default
    value: bool = _get(data, key, bool)
    return value


def _float(data: Payload, key: str) -> float:
    return float(_get(data, key, (int, float)))


def _rows(data: Payload) -> list[list[Payload]]:
    rows: list[list[Payload]] = _get(data, "rows", list)
    if not all(isinstance(row, list) for row in rows):
        raise ValueError("keyboard rows must be lists")
    return rows


def _read_inline(data: Payload) -> InlineKeyboard:
    return InlineKeyboard(
        tuple(
            tuple(InlineButton(_str(b, "text"), _str(b, "data"), _opt_str(b, "url")) for b in row)
            for row in _rows(data)
        )
    )


def _read_markup(data: Payload | None) -> Markup | None:
    if data is None:
        return None
    kind = _str(data, "type")
    if kind == "inline":
        return _read_inline(data)
    if kind == "reply":
        rows = tuple(
            tuple(
                ReplyButton(
                    _str(b, "text"),
                    _bool(b, "request_location", False),
                    _bool(b, "request_contact", False),
                )
                for b in row
            )
            for row in _rows(data)
        )
        return ReplyKeyboard(
            rows, _bool(data, "one_time", True), _bool(data, "resize", True), _opt_str(data, "placeholder")
        )
    if kind == "remove":
        return RemoveKeyboard()
    raise ValueError(f"unknown markup type {kind!r}")


def _read_inline_only(data: Payload | None) -> InlineKeyboard | None:
    markup = _read_markup(data)
    if markup is not None and not isinstance(markup, InlineKeyboard):
        raise ValueError("an edit takes an inline keyboard only")
    return markup


def from_payload(payload: Payload) -> Action:
    """The action a `to_payload` dict describes; ValueError when it describes none."""
    kind = _str(payload, "type")
    chat_id = _int(payload, "chat_id")
    markup = payload.get("markup")
    if kind == "send_message":
        return SendMessage(
            chat_id,
            _str(payload, "text"),
            _read_markup(markup),
            _bool(payload, "protect_content", False),
            _opt_int(payload, "reply_to"),
            _opt_int(payload, "thread_id"),
        )
    if kind == "edit_message":
        return EditMessage(
            chat_id, _int(payload, "message_id"), _str(payload, "text"), _read_inline_only(markup)
        )
    if kind == "edit_markup":
        return EditMarkup(chat_id, _int(payload, "message_id"), _read_inline_only(markup))
    if kind == "delete_messages":
        ids: list[Any] = _get(payload, "message_ids", list)
        if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            raise ValueError("message_ids must be integers")
        return DeleteMessages(chat_id, tuple(ids))
    if kind == "send_location":
        return SendLocation(
            chat_id,
            _float(payload, "latitude"),
            _float(payload, "longitude"),
            _opt_int(payload, "reply_to"),
            _opt_int(payload, "thread_id"),
        )
    raise ValueError(f"unknown action type {kind!r}")
