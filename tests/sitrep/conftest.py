"""The situation report's end-to-end tests run the bot against the emulator, on both runtimes."""

from tests.e2e.conftest import emu, framework

__all__ = ["emu", "framework"]
