"""The console's tests run the bot against the emulator, as the end-to-end tests do."""

from tests.e2e.conftest import emu, framework

__all__ = ["emu", "framework"]
