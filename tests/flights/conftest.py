"""The flights' console and end-to-end tests run the bot against the emulator."""

from tests.e2e.conftest import emu, framework

__all__ = ["emu", "framework"]
