"""A scam report's answers as stored (`scam_reports.channel`, `.asked_for`) and the words for them,
shared by the conversation (bot.flow.verify), the officers' card and the daily report."""

from __future__ import annotations

from bot.i18n import N_

# how the impostor reached them; the order of the buttons
CHANNELS: dict[str, str] = {
    "telegram": "Telegram",
    "whatsapp": "WhatsApp",
    "phone": N_("Phone call"),
    "facebook": "Facebook",
    "other": N_("Other"),
}
# what the impostor asked for (several may be true); the order of the buttons
ASKED: dict[str, str] = {
    "money": N_("Money or a transfer"),
    "documents": N_("Documents or passport"),
    "data": N_("Personal data or codes"),
    "other": N_("Something else"),
}
WHO_LIMIT = 200  # characters kept of who contacted them (a name, a number, an account)
DETAIL_LIMIT = 1000  # characters kept of anything else they tell


def asked_values(stored: str | None) -> list[str]:
    """The stored comma-separated answers, those still known, in the buttons' order."""
    given = set((stored or "").split(","))
    return [value for value in ASKED if value in given]
