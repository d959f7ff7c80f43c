"""A citizen's phone for end-to-end tests: acts through the emulator, waits for what the bot says."""

from __future__ import annotations

from functools import partial
from typing import Any

from bot.i18n import Catalogs
from emulator import Emulator, TranscriptEntry

WAIT = 10.0
# the questions of the way home that a report without companions asks (each skippable)
WAY_HOME = ("going_home", "medical", "documents_held", "sex")
SAFETY_QUESTION = "How are you now? Choose all that fit, then tap «Done»."
PHONE_QUESTION = "Which HP or WA number can we reach you on? Tap «📞 Send my number» or type it."
FAMILY_QUESTION = (
    "Is there a family member in Indonesia we may contact? Type their name, who they are to you "
    "(for example ibu, suami, kakak) and their phone number."
)


class Phone:
    def __init__(
        self, emu: Emulator, user_id: int, lang: str, catalogs: Catalogs, name: str = "Siti"
    ) -> None:
        self.emu = emu
        self.chat_id = user_id
        self.user = emu.user(user_id, first_name=name, language_code=lang)
        self.lang = lang
        self.catalogs = catalogs

    def t(self, msgid: str, **params: object) -> str:
        """The text in my language; a msgid missing from the catalog is a mistake in the test."""
        translator = self.catalogs[self.lang]
        assert translator.knows(msgid), f"not a msgid of the catalogs: {msgid!r}"
        return translator(msgid, **params)

    def last_id(self) -> int:
        entries = self.emu.transcript(self.chat_id)
        return max((e.message_id for e in entries), default=0)

    async def expect(self, msgid: str | None, after: int, **params: object) -> TranscriptEntry:
        """Wait for a bot message, sent after message `after`, with this text in my language (None: any)."""
        wanted = self.t(msgid, **params) if msgid is not None else None
        return await self.emu.wait_for_bot_message(self.chat_id, contains=wanted, timeout=WAIT, after=after)

    async def say(self, text: str, expect: str | None, **params: object) -> TranscriptEntry:
        after = self.last_id()
        await self.emu.send_text(self.user, text)
        return await self.expect(expect, after, **params)

    async def command(self, name: str, expect: str | None, **params: object) -> TranscriptEntry:
        after = self.last_id()
        await self.emu.send_command(self.user, name)
        return await self.expect(expect, after, **params)

    async def tap(self, data: str, expect: str | None, **params: object) -> TranscriptEntry:
        """Press the newest button with this callback data."""
        await self.emu.wait_for(lambda: self.button_message(data, missing_ok=True) is not None, timeout=WAIT)
        message_id = self.button_message(data)
        assert message_id is not None
        after = self.last_id()
        await self.emu.press(self.user, self.chat_id, message_id, data)
        return await self.expect(expect, after, **params)

    async def pick(
        self, step: str, values: tuple[str, ...], expect: str | None, done: bool = True, **params: object
    ) -> TranscriptEntry | None:
        """Toggle these answers of a question that takes several (each shows ☑️), then tap Done."""
        for value in values:
            data = f"f:{step}:{value}"
            await self.emu.wait_for(partial(self.shows_button, data), timeout=WAIT)
            message_id = self.button_message(data)
            assert message_id is not None
            await self.emu.press(self.user, self.chat_id, message_id, data)
            await self.emu.wait_for(partial(self.ticked, data), timeout=WAIT, what=f"{data} ticked")
        if not done:
            return None
        return await self.tap(f"f:{step}:done", expect, **params)

    def ticked(self, data: str) -> bool:
        for entry in reversed(self.emu.bot_messages(self.chat_id)):
            for row in (entry.reply_markup or {}).get("inline_keyboard", []):
                for button in row:
                    if button.get("callback_data") == data:
                        return str(button.get("text", "")).startswith("☑️")
        return False

    async def locate(self, lat: float, lon: float, expect: str, live: bool = False, **params: object) -> Any:
        after = self.last_id()
        message = await self.emu.send_location(self.user, lat, lon, live_period=900 if live else None)
        await self.expect(expect, after, **params)
        return message

    async def share_contact(self, phone: str, expect: str) -> TranscriptEntry:
        after = self.last_id()
        await self.emu.send_contact(self.user, phone, self.user.first_name, user_id=self.chat_id)
        return await self.expect(expect, after)

    async def sticker(self, expect: str) -> TranscriptEntry:
        after = self.last_id()
        await self.emu.send_sticker(self.user)
        return await self.expect(expect, after)

    def shows_button(self, data: str) -> bool:
        return self.button_message(data, missing_ok=True) is not None

    def button_message(self, data: str, missing_ok: bool = False) -> int | None:
        for entry in reversed(self.emu.bot_messages(self.chat_id)):
            for row in (entry.reply_markup or {}).get("inline_keyboard", []):
                if any(b.get("callback_data") == data for b in row):
                    return entry.message_id
        if missing_ok:
            return None
        raise AssertionError(f"no button {data!r} on screen in chat {self.chat_id}")

    async def skip_the_way_home(self, expect: str, children: bool = False) -> TranscriptEntry:
        """Skip the questions of the way home (asked after "how many are with you"): children only
        when someone is with them. Their msgids are new: the catalogs may not know them yet."""
        steps = (*WAY_HOME, *(("children",) if children else ()))
        for step in steps[:-1]:
            await self.tap(f"f:{step}:-", None)
        return await self.tap(f"f:{steps[-1]}:-", expect)

    async def skipping_report(self, safe: str, sent: str) -> None:
        """The shortest report: consent, safety `safe`, a pin, every other question skipped, sent."""
        await self.command("start", "Do you agree to continue?")
        await self.tap("f:welcome:agree", "Is it safe for you to talk now?")
        await self.tap(f"f:safe:{safe}", "Or choose the city:")
        await self.locate(11.5564, 104.9282, "Where is your passport?")
        if safe == "on_reply":  # the short report: where, passport, how they are
            await self.tap("f:passport:-", None)
            await self.tap("f:safety:-", "Please check your report:")
            await self.tap("sum:send", sent)
            return
        for skip in ("passport", "safety", "full_name", "birth_date", "nik", "home_province", "phone"):
            await self.tap(f"f:{skip}:-", None)
        for skip in ("family_contact", "companions", *WAY_HOME, "notes"):
            await self.tap(f"f:{skip}:-", None)
        await self.tap("sum:send", sent)
