"""Bot API methods that create messages: sendMessage, sendLocation, sendDocument, sendPhoto."""

from __future__ import annotations

from typing import Any

from emulator import models
from emulator.context import CallContext
from emulator.errors import BLOCKED, CANT_INITIATE, ApiError, bad_request, forbidden
from emulator.formatting import render
from emulator.markup import check_markup
from emulator.media import image_size
from emulator.messages import Draft, new_file, store
from emulator.spec import Params, UploadedFile
from emulator.state import Chat, EmulatorState, StoredFile, TranscriptEntry

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_UPLOAD = 50 * 1024 * 1024
MAX_PHOTO = 10 * 1024 * 1024


def writable_chat(st: EmulatorState, params: Params) -> Chat:
    """The target chat, if the bot may write there (403 when blocked or never contacted)."""
    chat_id = params.chat_id()
    if chat_id not in st.chats and chat_id in st.users:
        raise forbidden(CANT_INITIATE)  # a known user who never wrote to the bot
    chat = st.chat(chat_id)
    bot_status = chat.members.get(st.bot_id)
    if chat.is_group and bot_status == "kicked":
        raise forbidden(f"Forbidden: bot was kicked from the {chat.type} chat")
    if chat.is_group and bot_status == "left":
        raise forbidden(f"Forbidden: bot is not a member of the {chat.type} chat")
    if chat.type == "private":
        if chat.blocked:
            raise forbidden(BLOCKED)
        if not chat.started:
            raise forbidden(CANT_INITIATE)
    return chat


def _reply_target(st: EmulatorState, chat: Chat, params: Params) -> TranscriptEntry | None:
    reply = params.get_json("reply_parameters")
    if isinstance(reply, dict):
        message_id, lenient = reply.get("message_id"), bool(reply.get("allow_sending_without_reply"))
        if reply.get("chat_id") not in (None, chat.id):
            chat = st.chat(reply["chat_id"]) if isinstance(reply["chat_id"], int) else chat
    else:
        message_id = params.get_int("reply_to_message_id")
        lenient = params.get_bool("allow_sending_without_reply")
    if message_id is None:
        return None
    target = st.message(chat, message_id) if isinstance(message_id, int) else None
    if target is None and not lenient:
        raise bad_request("message to be replied not found")
    return target


def _draft(st: EmulatorState, chat: Chat, params: Params, kind: str) -> Draft:
    markup = check_markup(params.get_json("reply_markup"))
    return Draft(
        kind=kind,
        reply_to=_reply_target(st, chat, params),
        thread_id=params.get_int("message_thread_id"),
        reply_markup=markup,
        protect_content=params.get_bool("protect_content"),
        parse_mode=params.get_str("parse_mode"),
    )


def _caption(draft: Draft, params: Params) -> None:
    source = params.get_str("caption")
    if not source:
        return
    caption, entities = render(source, params.get_str("parse_mode"))
    if len(caption) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    if caption:
        draft.caption = caption
        draft.content["caption"] = caption
    if entities:
        draft.content["caption_entities"] = entities


def _commit(st: EmulatorState, chat: Chat, draft: Draft) -> dict[str, Any]:
    st.limiter.check(chat.id, chat.is_group)
    markup = draft.reply_markup
    if markup is not None and "keyboard" in markup:
        chat.reply_keyboard = markup
    elif markup is not None and markup.get("remove_keyboard"):
        chat.reply_keyboard = None
    return store(st, chat, draft, sender=None).raw


async def send_message(ctx: CallContext) -> dict[str, Any]:
    st, params = ctx.st, ctx.params
    chat = writable_chat(st, params)
    source = params.get_str("text") or ""
    text, entities = render(source, params.get_str("parse_mode"))
    if not text:
        raise bad_request("message text is empty")
    if len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    draft = _draft(st, chat, params, "text")
    draft.text, draft.source_text = text, source
    draft.content["text"] = text
    if entities:
        draft.content["entities"] = entities
    return _commit(st, chat, draft)


async def send_location(ctx: CallContext) -> dict[str, Any]:
    st, params = ctx.st, ctx.params
    chat = writable_chat(st, params)
    latitude, longitude = params.get_float("latitude"), params.get_float("longitude")
    assert latitude is not None and longitude is not None  # required parameters
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise bad_request("wrong location specified")
    draft = _draft(st, chat, params, "location")
    location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
    live_period = params.get_int("live_period")
    if live_period is not None:
        if not (60 <= live_period <= 86400 or live_period == 0x7FFFFFFF):
            raise bad_request("wrong live period specified")
        location["live_period"] = draft.live_period = live_period
    draft.content["location"] = location
    return _commit(st, chat, draft)


def _upload(st: EmulatorState, params: Params, name: str, folder: str, limit: int) -> StoredFile:
    value = params.get_file(name)
    if isinstance(value, str):
        known = st.files.get(value)
        if known is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return known
    assert isinstance(value, UploadedFile)
    if not value.content:
        raise bad_request("file must be non-empty")
    if len(value.content) > limit:
        raise ApiError(413, "Request Entity Too Large")
    mime = value.content_type if value.content_type not in ("", "application/octet-stream") else None
    return new_file(st, value.content, folder, value.filename or name, mime)


async def send_document(ctx: CallContext) -> dict[str, Any]:
    st, params = ctx.st, ctx.params
    chat = writable_chat(st, params)
    draft = _draft(st, chat, params, "document")
    _caption(draft, params)
    stored = _upload(st, params, "document", "documents", MAX_UPLOAD)
    draft.stored_file = stored
    draft.content["document"] = models.document_dict(stored)
    return _commit(st, chat, draft)


async def send_photo(ctx: CallContext) -> dict[str, Any]:
    st, params = ctx.st, ctx.params
    chat = writable_chat(st, params)
    draft = _draft(st, chat, params, "photo")
    _caption(draft, params)
    stored = _upload(st, params, "photo", "photos", MAX_PHOTO)
    size = image_size(stored.content)
    if size is None:
        raise bad_request("IMAGE_PROCESS_FAILED")
    draft.stored_file = stored
    draft.content["photo"] = models.photo_sizes(stored, *size)
    return _commit(st, chat, draft)


_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


async def send_chat_action(ctx: CallContext) -> bool:
    writable_chat(ctx.st, ctx.params)
    if ctx.params.get_str("action") not in _ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True
