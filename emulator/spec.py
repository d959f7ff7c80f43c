"""The parameters of the Bot API methods the emulator serves, and their decoding.

The table is taken from the machine-readable Bot API 10.1 description (a test keeps it in step);
`name:kind` with `!` for required. Kinds: int, float, bool, str, chat (Integer or String),
json (objects and arrays, JSON-serialized in form bodies), file (InputFile or String).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from emulator.errors import ApiError, bad_request, missing_parameter

_TABLE = """
getMe
getUpdates offset:int limit:int timeout:int allowed_updates:json
setWebhook url:str! certificate:file ip_address:str max_connections:int allowed_updates:json
    drop_pending_updates:bool secret_token:str
deleteWebhook drop_pending_updates:bool
getWebhookInfo
sendMessage business_connection_id:str chat_id:chat! message_thread_id:int
    direct_messages_topic_id:int text:str! parse_mode:str entities:json link_preview_options:json
    disable_notification:bool protect_content:bool allow_paid_broadcast:bool message_effect_id:str
    suggested_post_parameters:json reply_parameters:json reply_markup:json
editMessageText business_connection_id:str chat_id:chat message_id:int inline_message_id:str
    text:str parse_mode:str entities:json link_preview_options:json rich_message:json
    reply_markup:json
editMessageReplyMarkup business_connection_id:str chat_id:chat message_id:int inline_message_id:str
    reply_markup:json
deleteMessage chat_id:chat! message_id:int!
deleteMessages chat_id:chat! message_ids:json!
answerCallbackQuery callback_query_id:str! text:str show_alert:bool url:str cache_time:int
sendLocation business_connection_id:str chat_id:chat! message_thread_id:int
    direct_messages_topic_id:int latitude:float! longitude:float! horizontal_accuracy:float
    live_period:int heading:int proximity_alert_radius:int disable_notification:bool
    protect_content:bool allow_paid_broadcast:bool message_effect_id:str
    suggested_post_parameters:json reply_parameters:json reply_markup:json
sendDocument business_connection_id:str chat_id:chat! message_thread_id:int
    direct_messages_topic_id:int document:file! thumbnail:file caption:str parse_mode:str
    caption_entities:json disable_content_type_detection:bool disable_notification:bool
    protect_content:bool allow_paid_broadcast:bool message_effect_id:str
    suggested_post_parameters:json reply_parameters:json reply_markup:json
sendPhoto business_connection_id:str chat_id:chat! message_thread_id:int
    direct_messages_topic_id:int photo:file! caption:str parse_mode:str caption_entities:json
    show_caption_above_media:bool has_spoiler:bool disable_notification:bool protect_content:bool
    allow_paid_broadcast:bool message_effect_id:str suggested_post_parameters:json
    reply_parameters:json reply_markup:json
setMyCommands commands:json! scope:json language_code:str
getMyCommands scope:json language_code:str
deleteMyCommands scope:json language_code:str
setChatMenuButton chat_id:int menu_button:json
getChatMenuButton chat_id:int
getChatMember chat_id:chat! user_id:int!
getChat chat_id:chat!
sendChatAction business_connection_id:str chat_id:chat! message_thread_id:int action:str!
getFile file_id:str!
"""

# Parameters Telegram still accepts though the documentation no longer lists them.
_LEGACY = "reply_to_message_id:int allow_sending_without_reply:bool disable_web_page_preview:bool"
_LEGACY_METHODS = ("sendMessage", "sendLocation", "sendDocument", "sendPhoto")
# An empty url in setWebhook removes the webhook instead of failing.
_NOT_ENFORCED = {("setWebhook", "url")}
_INT_RE = re.compile(r"-?\d+")


@dataclass(frozen=True, slots=True)
class ParamSpec:
    name: str
    kind: str
    required: bool


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file sent in a multipart body."""

    filename: str
    content: bytes
    content_type: str


def _parse_table() -> dict[str, dict[str, ParamSpec]]:
    methods: dict[str, dict[str, ParamSpec]] = {}
    for block in re.split(r"\n(?=\S)", _TABLE.strip()):
        name, *fields = block.split()
        params: dict[str, ParamSpec] = {}
        for field in fields:
            pname, kind = field.split(":")
            params[pname] = ParamSpec(pname, kind.rstrip("!"), kind.endswith("!"))
        methods[name] = params
    for name in _LEGACY_METHODS:
        for field in _LEGACY.split():
            pname, kind = field.split(":")
            methods[name][pname] = ParamSpec(pname, kind, False)
    return methods


METHODS: dict[str, dict[str, ParamSpec]] = _parse_table()
_CANONICAL = {name.lower(): name for name in METHODS}


def canonical_name(method: str) -> str | None:
    """Bot API method names are case-insensitive."""
    return _CANONICAL.get(method.lower())


def _is_empty(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, list | dict) and not value)


def _coerce(spec: ParamSpec, value: object) -> object:
    kind = spec.kind
    if kind in ("str", "file"):
        if isinstance(value, UploadedFile | str):
            return value
        return json.dumps(value) if isinstance(value, dict | list) else str(value)
    if isinstance(value, str):
        text = value.strip()
        if kind == "chat":
            return int(text) if _INT_RE.fullmatch(text) else text
        if kind == "bool":
            return text.lower() in ("true", "1", "yes", "on")
        try:
            if kind == "int":
                return int(text)
            if kind == "float":
                return float(text)
            return json.loads(text)
        except ValueError:
            if kind == "json":
                raise bad_request(f"can't parse {spec.name} JSON object") from None
            raise bad_request(f'invalid parameter "{spec.name}"') from None
    if kind == "bool":
        return bool(value)
    if kind in ("int", "chat") and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def decode(method: str, raw: dict[str, object], files: dict[str, UploadedFile]) -> dict[str, object]:
    """Types every known parameter, resolves attach:// uploads, enforces required parameters."""
    specs = METHODS.get(method, {})
    values: dict[str, object] = {}
    for name, value in raw.items():
        spec = specs.get(name)
        if isinstance(value, str) and value.startswith("attach://") and spec and spec.kind == "file":
            value = files.get(value.removeprefix("attach://"), value)
        values[name] = value if spec is None or value is None else _coerce(spec, value)
    for name, spec in specs.items():
        if spec.kind == "file" and name not in values and name in files:
            values[name] = files[name]
        if spec.required and (method, name) not in _NOT_ENFORCED and _is_empty(values.get(name)):
            raise missing_parameter(name)
    return values


class Params:
    """Typed access to the decoded parameters of one call."""

    def __init__(self, values: dict[str, object]) -> None:
        self.values = values

    def __contains__(self, name: str) -> bool:
        return self.values.get(name) is not None

    def _typed(self, name: str, kinds: type | tuple[type, ...]) -> Any:
        value = self.values.get(name)
        if value is None or isinstance(value, kinds):
            return value
        raise bad_request(f'invalid parameter "{name}"')

    def get_int(self, name: str, default: int | None = None) -> int | None:
        value = self._typed(name, int)
        return default if value is None else int(value)

    def get_float(self, name: str) -> float | None:
        value = self._typed(name, (int, float))
        return None if value is None else float(value)

    def get_bool(self, name: str) -> bool:
        return bool(self._typed(name, (bool, int)))

    def get_str(self, name: str) -> str | None:
        value: str | None = self._typed(name, str)
        return value

    def get_json(self, name: str) -> Any:
        return self._typed(name, (dict, list))

    def get_file(self, name: str) -> UploadedFile | str | None:
        value: UploadedFile | str | None = self._typed(name, (UploadedFile, str))
        return value

    def chat_id(self) -> int:
        value = self.values.get("chat_id")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if _is_empty(value):
            raise missing_parameter("chat_id")
        raise bad_request("chat not found")


def require(condition: bool, error: ApiError) -> None:
    if not condition:
        raise error
