"""Checks and normalizes reply_markup the way Telegram does."""

from __future__ import annotations

from typing import Any

from emulator.errors import bad_request

_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "login_url",
    "web_app",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_URL_SCHEMES = ("http://", "https://", "tg://")
_MARKUP_ERROR = "can't parse reply keyboard markup JSON object"


def strip_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [strip_nulls(v) for v in value]
    return value


def _rows(markup: dict[str, Any], key: str) -> list[list[Any]]:
    rows = markup.get(key)
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'field "{key}" must be an Array of Arrays')
    return rows


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    if not isinstance(button.get("text"), str) or not button["text"]:
        raise bad_request("can't parse inline keyboard button: text is not specified")
    actions = [key for key in _INLINE_ACTIONS if key in button]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not url.startswith(_URL_SCHEMES) or len(url) <= 8:
            raise bad_request("BUTTON_URL_INVALID")


def _normalize_keyboard(markup: dict[str, Any]) -> dict[str, Any]:
    rows = []
    for row in _rows(markup, "keyboard"):
        buttons = []
        for button in row:
            if isinstance(button, str):
                button = {"text": button}
            if not isinstance(button, dict) or not isinstance(button.get("text"), str) or not button["text"]:
                raise bad_request("can't parse keyboard button: text is not specified")
            buttons.append(button)
        rows.append(buttons)
    return markup | {"keyboard": rows}


def check_markup(markup: Any) -> dict[str, Any] | None:
    """The markup as Telegram understands it; raises 400 for what Telegram refuses."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request(_MARKUP_ERROR)
    clean: dict[str, Any] = dict(strip_nulls(markup))
    if "inline_keyboard" in clean:
        for row in _rows(clean, "inline_keyboard"):
            for button in row:
                _check_inline_button(button)
        return {"inline_keyboard": clean["inline_keyboard"]}
    if "keyboard" in clean:
        return _normalize_keyboard(clean)
    if clean.get("remove_keyboard") is True or clean.get("force_reply") is True:
        return clean
    raise bad_request(_MARKUP_ERROR)


def is_inline(markup: dict[str, Any] | None) -> bool:
    return markup is not None and "inline_keyboard" in markup


def has_callback(markup: dict[str, Any] | None, data: str) -> bool:
    if not is_inline(markup):
        return False
    assert markup is not None
    return any(b.get("callback_data") == data for row in markup["inline_keyboard"] for b in row)
