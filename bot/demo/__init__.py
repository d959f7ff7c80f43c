"""`hotline demo`: the emulator, the bot and a terminal phone, all on this computer, nothing to set up."""

from bot.demo.run import demo

__all__ = ["demo"]
