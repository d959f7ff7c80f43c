"""A citizen always sees the answer to what they did, even when Telegram fails for a moment: each of
the bot's replies is tried again (a 5xx, a dropped connection, a short 429), and when Telegram keeps
failing, the next message gets the open question asked again instead of being read as an answer.
Both runtimes, by polling and by webhook."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Conversation, Report
from tests.e2e.conftest import Running
from tests.e2e.phone import SAFETY_QUESTION, Phone

ALERTED = "🆘 The officers on duty have been alerted. If you can, send your location."


async def test_a_reply_failing_for_a_moment_still_arrives(bot: Running) -> None:
    emu = bot.emu
    phone = Phone(emu, 5501, "en", bot.hotline.catalogs)
    emu.inject_fault("sendMessage", count=1, code=500, chat_id=phone.chat_id)
    await phone.command("start", "Do you agree to continue?")  # the welcome, tried again
    emu.inject_fault("sendMessage", count=1, code=429, retry_after=1, chat_id=phone.chat_id)
    await phone.tap("f:welcome:agree", "Is it safe for you to talk now?")
    emu.inject_fault("sendMessage", count=1, kind="drop", chat_id=phone.chat_id)
    await phone.command("sos", ALERTED)  # an SOS citizen sees that the officers know, and where to call
    await phone.expect("Or choose the city:", 0)
    assert emu.faults_injected["sendMessage:error:500"] == 1
    assert emu.faults_injected["sendMessage:error:429"] == 1 and emu.faults_injected["sendMessage:drop"] == 1


async def test_when_telegram_keeps_failing_the_question_is_asked_again(bot: Running) -> None:
    emu = bot.emu
    phone = Phone(emu, 5502, "en", bot.hotline.catalogs)
    await phone.command("start", "Do you agree to continue?")
    await phone.tap("f:welcome:agree", "Is it safe for you to talk now?")
    await phone.tap("f:safe:yes", "Or choose the city:")
    await phone.locate(11.5564, 104.9282, "Where is your passport?")
    await phone.tap("f:passport:never", SAFETY_QUESTION)
    # the next question (the name) fails three times: the answer is stored, the question not seen
    emu.inject_fault("sendMessage", count=3, code=502, chat_id=phone.chat_id)
    await emu.press(phone.user, phone.chat_id, phone.button_message("f:safety:free") or 0, "f:safety:free")
    await emu.wait_for(
        lambda: emu.faults_injected["sendMessage:error:502"] == 3, timeout=10, what="three tries"
    )
    await bot.settled()
    assert not any("What is your full name" in (e.text or "") for e in emu.bot_messages(phone.chat_id))
    # what they type now is not taken as their name: the question they never saw comes first
    await phone.say("halo", "What is your full name, as written in your passport?")
    async with bot.hotline.sessions() as session:
        conv = await session.get(Conversation, phone.chat_id)
        report = (await session.execute(select(Report))).first()
    assert conv is not None and conv.step == "full_name" and conv.data.get("full_name") is None
    assert conv.data.get("safety") == "free" and report is None
    await phone.say("Siti Aminah", "What is your date of birth? For example 17-08-1995.")
