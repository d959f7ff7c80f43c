"""Typed settings, read once in main() from the environment or `.env` (prefix HOTLINE_)."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.core.partners import Partner, load_partners
from storage.crypto import parse_keys

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///var/hotline.db"
_POSTGRES_EXAMPLE = "postgresql+asyncpg://hotline@localhost/hotline"
_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}
TELEGRAM_API = "https://api.telegram.org"
_TOKEN = re.compile(r"^\d{3,15}:[A-Za-z0-9_-]{20,}$")

IdList = Annotated[tuple[int, ...], NoDecode]


def database_url(value: str) -> str:
    """The URL with its driver named: sqlite:// and postgresql:// (or postgres://) get the async ones."""
    try:
        url = make_url(value)
    except ArgumentError:
        url = None
    driver = _DRIVERS.get(url.drivername) if url is not None else None
    if url is None or driver is None:
        raise ValueError(f"is not a database URL such as {DEFAULT_DATABASE_URL} or {_POSTGRES_EXAMPLE}")
    if not url.database:
        raise ValueError(f"names no database, as in {DEFAULT_DATABASE_URL} or {_POSTGRES_EXAMPLE}")
    return driver + value[len(url.drivername) :]


class SettingsError(Exception):
    """A setting is missing or wrong; the message is one sentence naming it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="HOTLINE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    bot_token: SecretStr | None = None
    telegram_api: str = TELEGRAM_API
    database_url: str = DEFAULT_DATABASE_URL
    officer_chat_id: int | None = None
    staff_ids: IdList = ()
    supervisor_ids: IdList = ()
    framework: Literal["aiogram", "ptb"] = "aiogram"

    mission_name: str = "KBRI Phnom Penh"
    reference_prefix: str = "PNH"
    hotline_phone: str | None = None
    website: str | None = None  # the official website that links to the bot (shown by /verify)
    fees: str | None = None  # the official fees, in the mission's words (shown by /verify)
    scam_reports_per_day: int = Field(default=3, ge=1, le=100)  # one account's scam reports in 24 hours
    timezone: str = "Asia/Phnom_Penh"
    retention_days: int = Field(default=180, ge=1, le=3650)
    draft_days: int = Field(default=7, ge=1, le=365)  # a report begun and left this long is erased
    officer_language: Literal["id", "en"] = "id"  # the language of cards and answers in the officer group
    sos_repeat_seconds: float = Field(default=300, gt=0)  # an unacknowledged SOS is posted again this often
    sos_escalate_seconds: float = Field(default=900, gt=0)  # then it goes to each supervisor privately
    member_cache_seconds: float = Field(default=60, ge=0)  # how long an officer-group membership is trusted
    send_rate: float = Field(default=30, gt=0)  # messages a second, all chats together (Telegram's limit)
    group_rate_per_minute: int = Field(default=20, gt=0)  # messages a minute to one group
    flood_limit: int = Field(default=8, ge=1)  # a citizen sending more than this many messages…
    flood_window_seconds: float = Field(default=10, gt=0)  # …in this many seconds is slowed (never dropped)
    concurrent_updates: int = Field(default=8, ge=1)  # handled at once in a process; the rest wait in turn
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"  # the hotline's own; frameworks: INFO

    # Personal data is encrypted at rest with this key (several, comma-separated: the first encrypts,
    # the others only decrypt, during a rotation). Not set: a key file beside the database.
    data_key: SecretStr | None = None

    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    health_port: int | None = Field(
        default=None, ge=1, le=65535
    )  # GET /health when polling (webhook: its port)
    console_host: str = "127.0.0.1"
    console_port: int = Field(default=8090, ge=0, le=65535)  # the web console; 0: none
    console_url: str | None = None  # how staff reach it (behind nginx: https://…); else host and port
    map_tiles: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"  # the console's map; "": none
    sitrep_time: str = "07:00"  # the daily situation report, mission time (HH:MM); "": none
    partners_file: str | None = None  # the partners cases are referred to (TOML, bot.core.partners)

    @property
    def console_base(self) -> str:
        """The console's address as the login links name it."""
        return (self.console_url or f"http://{self.console_host}:{self.console_port}").rstrip("/")

    @field_validator("staff_ids", "supervisor_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            return tuple(int(p) for p in parts)
        return value

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        return database_url(value)

    @field_validator("reference_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Z]{2,5}", value):
            raise ValueError("must be 2 to 5 capital letters, such as PNH")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("is not a known time zone, such as Asia/Phnom_Penh") from exc
        return value

    @field_validator("sitrep_time")
    @classmethod
    def _sitrep_time(cls, value: str) -> str:
        value = value.strip()
        if value and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            raise ValueError("must be a time of day as HH:MM, such as 07:00 (empty: no daily report)")
        return value

    @property
    def sitrep_at(self) -> time | None:
        """When the daily situation report is posted (the mission's time); None: never."""
        return time.fromisoformat(self.sitrep_time) if self.sitrep_time else None

    @field_validator("partners_file")
    @classmethod
    def _partners_file(cls, value: str | None) -> str | None:
        if value is not None and value.strip():
            load_partners(value.strip())
            return value.strip()
        return None

    @property
    def partners(self) -> tuple[Partner, ...]:
        """The configured partners (none when HOTLINE_PARTNERS_FILE is not set)."""
        return load_partners(self.partners_file) if self.partners_file else ()

    @field_validator("bot_token")
    @classmethod
    def _token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TOKEN.match(value.get_secret_value()):
            raise ValueError("does not look like a bot token from @BotFather (digits, a colon, then letters)")
        return value

    @field_validator("data_key")
    @classmethod
    def _data_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            parse_keys(value.get_secret_value())
        return value

    @property
    def data_keys(self) -> list[bytes] | None:
        """The keys of HOTLINE_DATA_KEY, first the one that encrypts; None when it is not set."""
        return parse_keys(self.data_key.get_secret_value()) if self.data_key is not None else None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def sqlite_path(self) -> Path | None:
        """The file of a SQLite database URL, else None."""
        prefix = "sqlite+aiosqlite:///"
        if self.database_url.startswith(prefix):
            return Path(self.database_url[len(prefix) :])
        return None

    def require_token(self) -> str:
        if self.bot_token is None:
            raise SettingsError(
                "HOTLINE_BOT_TOKEN is not set: put the token from @BotFather in it, "
                "or run `hotline demo` to try the hotline locally without Telegram."
            )
        return self.bot_token.get_secret_value()


def load_settings(**overrides: object) -> Settings:
    """Read the settings; a wrong value becomes one SettingsError sentence naming the setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        name = "HOTLINE_" + str(err["loc"][0]).upper() if err["loc"] else "a HOTLINE_ setting"
        reason = str(err["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{name} is wrong: {reason}.") from None
