"""A local Telegram Bot API emulator for tests, demos and benchmarks (loopback only)."""

from emulator.client import EmulatorClient
from emulator.errors import ApiError
from emulator.limits import Limits
from emulator.server import DEFAULT_TOKEN, Emulator, serve
from emulator.state import Call, EmuUser, TranscriptEntry

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
