"""The end-to-end fixtures (the emulator, the framework parameter) for the security tests too."""

from tests.e2e.conftest import emu, framework

__all__ = ["emu", "framework"]
