"""Bot API methods about the bot, chats, members, commands and files."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from emulator import models
from emulator.context import CallContext
from emulator.errors import bad_request

_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE_RE = re.compile(r"[a-z]{2}")


async def get_me(ctx: CallContext) -> dict[str, Any]:
    return models.get_me(ctx.st)


async def get_chat(ctx: CallContext) -> dict[str, Any]:
    return models.chat_full_info(ctx.st.chat(ctx.params.chat_id()))


async def get_chat_member(ctx: CallContext) -> dict[str, Any]:
    st, params = ctx.st, ctx.params
    chat = st.chat(params.chat_id())
    user_id = params.get_int("user_id")
    if user_id == st.bot_id:
        status = chat.members.get(st.bot_id, "member")
        return models.chat_member(status, models.bot_user(st))
    user = st.users.get(user_id) if user_id is not None else None
    if user is None:
        raise bad_request("user not found")
    if chat.type == "private":
        status = "member" if chat.id == user.id else "left"
    else:
        status = chat.members.get(user.id, "left")
    return models.chat_member(status, models.user_dict(user))


def _language(ctx: CallContext) -> str:
    language = ctx.params.get_str("language_code") or ""
    if language and not _LANGUAGE_RE.fullmatch(language):
        raise bad_request("invalid language code specified")
    scope = ctx.params.get_json("scope")
    if scope is not None and not (isinstance(scope, dict) and isinstance(scope.get("type"), str)):
        raise bad_request("can't parse BotCommandScope JSON object")
    return language


async def set_my_commands(ctx: CallContext) -> bool:
    language = _language(ctx)
    commands = ctx.params.get_json("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    cleaned: list[dict[str, str]] = []
    for item in commands:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand JSON object")
        command, description = item.get("command"), item.get("description")
        if not isinstance(command, str) or not _COMMAND_RE.fullmatch(command.removeprefix("/")):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        cleaned.append({"command": command.removeprefix("/"), "description": description.strip()})
    if cleaned:
        ctx.st.commands[language] = cleaned
    else:
        ctx.st.commands.pop(language, None)
    return True


async def get_my_commands(ctx: CallContext) -> list[dict[str, str]]:
    return [dict(c) for c in ctx.st.commands.get(_language(ctx), [])]


async def delete_my_commands(ctx: CallContext) -> bool:
    ctx.st.commands.pop(_language(ctx), None)
    return True


def _menu_chat(ctx: CallContext) -> int | None:
    """The private chat a menu button call names; None: the bot's default button."""
    chat_id = ctx.params.get_int("chat_id")
    if chat_id is None:
        return None
    chat = ctx.st.chats.get(chat_id)
    if chat is None:
        raise bad_request("chat not found")
    if chat.type != "private":  # menu buttons belong to private chats only
        raise bad_request("invalid chat_id specified")
    return chat_id


def _menu_button(value: object) -> dict[str, Any]:
    """The button as Telegram keeps it; a web app must be an https address, as Telegram requires."""
    if value is None:
        return {"type": "default"}
    if not isinstance(value, dict):
        raise bad_request("can't parse menu button JSON object")
    kind = value.get("type")
    if kind in ("commands", "default"):
        return {"type": kind}
    if kind != "web_app":
        raise bad_request("unsupported menu button type")
    text = value.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad_request("menu button text is empty")
    app = value.get("web_app")
    url = app.get("url") if isinstance(app, dict) else None
    address = url if isinstance(url, str) else ""
    parts = urlsplit(address)
    if parts.scheme != "https" or not parts.hostname:
        raise bad_request(f"menu button Web App URL '{address}' is invalid: Only HTTPS links are allowed")
    return {"type": "web_app", "text": text, "web_app": {"url": address}}


async def set_chat_menu_button(ctx: CallContext) -> bool:
    chat_id = _menu_chat(ctx)
    button = _menu_button(ctx.params.values.get("menu_button"))
    st = ctx.st
    if chat_id is None:
        st.default_menu_button = {"type": "commands"} if button["type"] == "default" else button
    elif button["type"] == "default":  # the chat shows the bot's default button again
        st.menu_buttons.pop(chat_id, None)
    else:
        st.menu_buttons[chat_id] = button
    return True


async def get_chat_menu_button(ctx: CallContext) -> dict[str, Any]:
    """The button the chat shows: its own, else the bot's default."""
    chat_id = _menu_chat(ctx)
    own = ctx.st.menu_buttons.get(chat_id) if chat_id is not None else None
    return dict(own or ctx.st.default_menu_button)


async def get_file(ctx: CallContext) -> dict[str, Any]:
    stored = ctx.st.files.get(ctx.params.get_str("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return models.file_dict(stored, with_path=True)
