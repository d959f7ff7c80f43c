"""Bot API methods that change existing messages or answer button presses."""

from __future__ import annotations

from typing import Any

from emulator.context import CallContext
from emulator.errors import BLOCKED, NOT_MODIFIED, QUERY_TOO_OLD, ApiError, bad_request, forbidden
from emulator.formatting import render
from emulator.markup import check_markup, is_inline
from emulator.messages import mark_edited, set_inline_markup
from emulator.methods_send import MAX_TEXT
from emulator.spec import Params
from emulator.state import Chat, EmulatorState, TranscriptEntry

DELETE_WINDOW = 48 * 3600


def _message_to_edit(st: EmulatorState, params: Params) -> tuple[Chat, TranscriptEntry]:
    if "inline_message_id" in params:
        raise bad_request("MESSAGE_ID_INVALID")
    chat = st.chat(params.chat_id())
    if chat.type == "private" and chat.blocked:
        raise forbidden(BLOCKED)
    message_id = params.get_int("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    entry = st.message(chat, message_id)
    if entry is None:
        raise bad_request("message to edit not found")
    if not entry.from_bot:
        raise bad_request("message can't be edited")
    return chat, entry


def _inline_markup(params: Params) -> dict[str, Any] | None:
    markup = check_markup(params.get_json("reply_markup"))
    if markup is not None and not is_inline(markup):
        raise bad_request("inline keyboard expected")
    return markup


def _current_inline(entry: TranscriptEntry) -> dict[str, Any] | None:
    return entry.reply_markup if is_inline(entry.reply_markup) else None


async def edit_message_text(ctx: CallContext) -> dict[str, Any]:
    st, params = ctx.st, ctx.params
    _, entry = _message_to_edit(st, params)
    if entry.kind != "text":
        raise bad_request("there is no text in the message to edit")
    source = params.get_str("text") or ""
    text, entities = render(source, params.get_str("parse_mode"))
    if not text:
        raise bad_request("message text is empty")
    if len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    markup = _inline_markup(params)
    same_text = text == entry.text and entities == entry.raw.get("entities", [])
    if same_text and markup == _current_inline(entry):
        raise bad_request(NOT_MODIFIED)
    if entry.text is not None:
        entry.edits.append(entry.text)
    entry.text, entry.source_text, entry.parse_mode = text, source, params.get_str("parse_mode")
    entry.raw["text"] = text
    if entities:
        entry.raw["entities"] = entities
    else:
        entry.raw.pop("entities", None)
    set_inline_markup(entry, markup)
    mark_edited(st, entry)
    return entry.raw


async def edit_message_reply_markup(ctx: CallContext) -> dict[str, Any]:
    st, params = ctx.st, ctx.params
    _, entry = _message_to_edit(st, params)
    markup = _inline_markup(params)
    if markup == _current_inline(entry):
        raise bad_request(NOT_MODIFIED)
    set_inline_markup(entry, markup)
    mark_edited(st, entry)
    return entry.raw


def _check_deletable(st: EmulatorState, chat: Chat, entry: TranscriptEntry) -> None:
    if (
        chat.is_group
        and not entry.from_bot
        and chat.members.get(st.bot_id) not in ("administrator", "creator")
    ):
        raise bad_request("message can't be deleted")
    if st.now() - entry.date > DELETE_WINDOW:
        raise bad_request("message can't be deleted for everyone")


async def delete_message(ctx: CallContext) -> bool:
    st, params = ctx.st, ctx.params
    chat = st.chat(params.chat_id())
    entry = st.message(chat, params.get_int("message_id"))
    if entry is None:
        raise bad_request("message to delete not found")
    _check_deletable(st, chat, entry)
    entry.deleted = True
    return True


async def delete_messages(ctx: CallContext) -> bool:
    """Messages that cannot be found or deleted are skipped, as Telegram documents."""
    st, params = ctx.st, ctx.params
    chat = st.chat(params.chat_id())
    ids = params.get_json("message_ids")
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise bad_request("message_ids must be an Array of Integer")
    if not 1 <= len(ids) <= 100:
        raise bad_request("too many messages to delete" if ids else "message identifiers are not specified")
    for message_id in ids:
        entry = st.message(chat, message_id)
        if entry is None:
            continue
        try:
            _check_deletable(st, chat, entry)
        except ApiError:  # skipped, as Telegram skips them
            continue
        entry.deleted = True
    return True


async def answer_callback_query(ctx: CallContext) -> bool:
    st, params = ctx.st, ctx.params
    query_id = params.get_str("callback_query_id") or ""
    record = st.callbacks.get(query_id)
    if record is None or record.answered:
        raise bad_request(QUERY_TOO_OLD)
    record.answered = True
    st.callback_answers.append(
        {
            "callback_query_id": query_id,
            "text": params.get_str("text"),
            "show_alert": params.get_bool("show_alert"),
            "url": params.get_str("url"),
            "cache_time": params.get_int("cache_time", 0),
        }
    )
    return True
