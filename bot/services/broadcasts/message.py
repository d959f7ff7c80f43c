"""The message a citizen gets: the text in their language (or the other one, when it was not given),
under the embassy's name, with the answer buttons. The preview shows exactly this."""

from __future__ import annotations

from bot.core.actions import SendMessage
from bot.i18n import N_, Catalogs
from bot.services.broadcasts.presets import keyboard

MAX_TEXT = 3800  # Telegram takes 4096 characters; the heading takes the rest


def text_for(lang: str, text_id: str | None, text_en: str | None) -> str:
    """The text in this language, else the one that was given."""
    own = text_en if lang == "en" else text_id
    return own or text_id or text_en or ""


def citizen_message(
    chat_id: int,
    lang: str,
    texts: tuple[str | None, str | None],
    buttons: str,
    broadcast_id: int | None,
    catalogs: Catalogs,
    mission: str,
) -> SendMessage:
    """`texts` is (Indonesian, English); broadcast_id None: a preview, whose buttons record nothing."""
    t = catalogs[lang]
    head = t(N_("🏛 Message from {mission}:"), mission=mission)
    body = text_for(lang, *texts)
    return SendMessage(chat_id, f"{head}\n\n{body}", keyboard(buttons, broadcast_id, t))
