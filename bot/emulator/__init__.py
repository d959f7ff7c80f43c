"""A local Telegram Bot API emulator for tests, demos and benchmarks (loopback only)."""

from bot.emulator.client import EmulatorClient
from bot.emulator.errors import ApiError
from bot.emulator.limits import Limits
from bot.emulator.server import DEFAULT_TOKEN, Emulator, serve
from bot.emulator.state import Call, EmuUser, TranscriptEntry

__all__ = [
    "DEFAULT_TOKEN",
    "ApiError",
    "Call",
    "EmuUser",
    "Emulator",
    "EmulatorClient",
    "Limits",
    "TranscriptEntry",
    "serve",
]
