"""Bot API methods about the bot, chats, members, commands and files."""

from __future__ import annotations

import re
from typing import Any

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


async def get_file(ctx: CallContext) -> dict[str, Any]:
    stored = ctx.st.files.get(ctx.params.get_str("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return models.file_dict(stored, with_path=True)
