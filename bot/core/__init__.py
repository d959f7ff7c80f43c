"""The framework-free core: incoming values, outgoing actions and the port a runtime implements."""

from bot.core.actions import (
    Action,
    AnswerCallback,
    DeleteMessages,
    EditMarkup,
    EditMessage,
    InlineButton,
    InlineKeyboard,
    Markup,
    RemoveKeyboard,
    ReplyButton,
    ReplyKeyboard,
    SendDocument,
    SendLocation,
    SendMessage,
    SendPhoto,
    SetMenuButton,
)
from bot.core.incoming import Contact, Incoming, Kind, Location
from bot.core.port import BotPort, DeliveryError

__all__ = [
    "Action",
    "AnswerCallback",
    "BotPort",
    "Contact",
    "DeleteMessages",
    "DeliveryError",
    "EditMarkup",
    "EditMessage",
    "Incoming",
    "InlineButton",
    "InlineKeyboard",
    "Kind",
    "Location",
    "Markup",
    "RemoveKeyboard",
    "ReplyButton",
    "ReplyKeyboard",
    "SendDocument",
    "SendLocation",
    "SendMessage",
    "SendPhoto",
    "SetMenuButton",
]
