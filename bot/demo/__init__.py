"""`hotline demo`: the emulator, the bot and a terminal phone, all on this computer, nothing to set up.

You start as a citizen writing to the embassy's bot: type a message and press Enter, press a button by
typing its number. `/as officer` and `/as staff` make you the duty officer in the officer group or a
staff member in a private chat with the bot; every chat's new messages show on the one screen.
"""

from bot.demo.run import demo

__all__ = ["demo"]
