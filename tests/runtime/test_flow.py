"""The first steps of a report through each runtime, by long polling, against the emulator."""

from __future__ import annotations

from emulator import Emulator, EmuUser
from tests.runtime.conftest import Serve

CHAT = 1001


async def begin(emu: Emulator, user: EmuUser) -> int:
    """/start; returns the welcome message's id."""
    await emu.send_command(user, "start")
    welcome = await emu.wait_for_bot_message(CHAT, contains="Do you agree to continue?")
    return welcome.message_id


async def test_start_sends_the_welcome_with_its_four_buttons(serve: Serve) -> None:
    served = await serve()
    emu = served.emu
    siti = emu.user(CHAT, first_name="Siti", language_code="en")
    await emu.send_command(siti, "start")
    welcome = await emu.wait_for_bot_message(CHAT, contains="Do you agree to continue?")
    rows = (welcome.reply_markup or {})["inline_keyboard"]
    assert [button["callback_data"] for row in rows for button in row] == [
        "f:welcome:agree",
        "f:welcome:find",
        "f:welcome:not_now",
        "f:welcome:sos",
    ]


async def test_agreeing_edits_the_welcome_and_asks_if_it_is_safe(serve: Serve) -> None:
    served = await serve()
    emu = served.emu
    siti = emu.user(CHAT, first_name="Siti", language_code="en")
    welcome_id = await begin(emu, siti)
    await emu.press(siti, CHAT, welcome_id, "f:welcome:agree")
    safe = await emu.wait_for_bot_message(CHAT, contains="Is it safe for you to talk now?", after=welcome_id)
    welcome = next(e for e in emu.transcript(CHAT) if e.message_id == welcome_id)
    assert welcome.edits, "the welcome was edited in place"
    assert "✓" in (welcome.text or "")
    assert not welcome.reply_markup or not welcome.reply_markup.get("inline_keyboard")
    assert safe.reply_markup and len(safe.reply_markup["inline_keyboard"]) == 3
    await emu.wait_for(lambda: len(emu.callback_answers) == 1, what="the button press was answered")


async def test_a_shared_location_is_accepted_and_live_updates_are_taken(serve: Serve) -> None:
    served = await serve()
    emu = served.emu
    siti = emu.user(CHAT, first_name="Siti", language_code="en")
    welcome_id = await begin(emu, siti)
    await emu.press(siti, CHAT, welcome_id, "f:welcome:agree")
    safe = await emu.wait_for_bot_message(CHAT, contains="Is it safe", after=welcome_id)
    await emu.press(siti, CHAT, safe.message_id, "f:safe:yes")
    where = await emu.wait_for_bot_message(CHAT, contains="Where are you now?", after=safe.message_id)
    share = (where.reply_markup or {})["keyboard"][0][0]
    assert share["request_location"] is True  # the reply keyboard's "send my location" button

    shared = await emu.send_location(siti, 11.5564, 104.9282, live_period=900)
    passport = await emu.wait_for_bot_message(
        CHAT, contains="Where is your passport?", after=where.message_id
    )
    assert any("Location received" in (e.text or "") for e in emu.bot_messages(CHAT))

    before = len(emu.calls)
    await emu.update_live_location(siti, shared["message_id"], 11.6, 104.9)
    await emu.wait_for(lambda: emu.pending_updates == 0, what="the live location update was taken")
    await emu.send_text(siti, "hello")  # still answered: the live location update crashed nothing
    await emu.wait_for_bot_message(CHAT, after=passport.message_id)
    failed = [(c.method, c.status) for c in emu.calls[before:] if c.status >= 400]
    assert not failed


async def test_a_sticker_gets_a_short_re_ask(serve: Serve) -> None:
    served = await serve()
    emu = served.emu
    siti = emu.user(CHAT, first_name="Siti", language_code="en")
    welcome_id = await begin(emu, siti)
    await emu.press(siti, CHAT, welcome_id, "f:welcome:agree")
    safe = await emu.wait_for_bot_message(CHAT, contains="Is it safe", after=welcome_id)
    await emu.send_sticker(siti)
    problem = await emu.wait_for_bot_message(CHAT, contains="I can only receive text", after=safe.message_id)
    await emu.wait_for_bot_message(CHAT, contains="Is it safe", after=problem.message_id)
