"""What the hotline's log may hold: never a secret, never what a citizen gave, at any level.

The frameworks log whole updates (names, NIKs, passport numbers, texts) and request URLs (which hold
the bot token) at DEBUG: their loggers never go below INFO, whatever the hotline's own level. And
every record is checked as it is made: the bot token, the webhook secret and the data keys are
replaced by "[secret]" in its message and traceback, whichever logger wrote it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Settings

# The loggers of the frameworks and their HTTP clients, which write updates and URLs at DEBUG
FRAMEWORKS = ("telegram", "httpx", "httpcore", "aiogram", "aiohttp", "hpack", "h2", "asyncpg")
HIDDEN = "[secret]"

_secrets: set[str] = set()
_installed = False


def guard(secrets: Iterable[str | None], level: int | None = None) -> None:
    """Keep these secrets out of every log record from now on (added to any given before); frameworks
    no lower than INFO. `level`: the hotline's own level (the root logger's), if it is to change."""
    global _installed
    _secrets.update(s for s in secrets if s and len(s) >= 8)
    if level is not None:
        logging.getLogger().setLevel(level)
    for name in FRAMEWORKS:
        framework = logging.getLogger(name)
        if framework.getEffectiveLevel() < logging.INFO:
            framework.setLevel(logging.INFO)
    if not _installed:
        _installed = True
        make = logging.getLogRecordFactory()

        def redacted(*args: object, **kwargs: object) -> logging.LogRecord:
            record = make(*args, **kwargs)
            if _secrets:
                _redact(record)
            return record

        logging.setLogRecordFactory(redacted)


def _redact(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a record whose arguments do not fit its format: left to logging to report
        return
    clean = _clean(message)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and not record.exc_text:
        text = logging.Formatter().formatException(record.exc_info)
        record.exc_text = _clean(text)


def _clean(text: str) -> str:
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, HIDDEN)
    return text


def guard_settings(settings: Settings) -> None:
    """The secrets of these settings: the bot token, the webhook secret, the data keys."""
    token = settings.bot_token.get_secret_value() if settings.bot_token else None
    hook = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    keys = settings.data_key.get_secret_value().split(",") if settings.data_key else []
    guard([token, hook, *(k.strip() for k in keys)])
