"""Each runtime's BotPort: every action through the framework's own Bot; errors as DeliveryError."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.core.actions import (
    AnswerCallback,
    DeleteMessages,
    EditMarkup,
    EditMessage,
    InlineButton,
    InlineKeyboard,
    RemoveKeyboard,
    ReplyButton,
    ReplyKeyboard,
    SendDocument,
    SendLocation,
    SendMessage,
)
from bot.core.port import DeliveryError
from bot.runtime import Runtime
from emulator import Emulator, EmuUser, TranscriptEntry

pytestmark = pytest.mark.no_database  # runs on the SQLite pass only (tests/conftest.py)

CHAT = 1001
BUTTONS = InlineKeyboard(((InlineButton("Yes", "q:yes"), InlineButton("Site", url="https://kemlu.go.id")),))


def entry(emu: Emulator, message_id: int | None) -> TranscriptEntry:
    return next(e for e in emu.transcript(CHAT) if e.message_id == message_id)


@pytest.fixture
async def siti(emu: Emulator) -> EmuUser:
    """A user who has written to the bot (a bot cannot write first)."""
    user = emu.user(CHAT, first_name="Siti", language_code="en")
    await emu.send_text(user, "halo")
    return user


@pytest.mark.usefixtures("siti")
async def test_messages_keyboards_edits_and_deletions(emu: Emulator, runtime: Runtime) -> None:
    port = runtime.port
    first = await port.perform(SendMessage(CHAT, "Where is your passport?", BUTTONS, protect_content=True))
    assert isinstance(first, int)
    sent = entry(emu, first)
    assert sent.protect_content
    assert sent.reply_markup == {
        "inline_keyboard": [
            [{"text": "Yes", "callback_data": "q:yes"}, {"text": "Site", "url": "https://kemlu.go.id"}]
        ]
    }

    share = ReplyKeyboard(
        (
            (ReplyButton("📍 Send my location", request_location=True),),
            (ReplyButton("📞", request_contact=True),),
        ),
        placeholder="Type here",
    )
    second = await port.perform(SendMessage(CHAT, "Share it", share, reply_to=first))
    keyboard = emu.reply_keyboard(CHAT)
    assert keyboard is not None
    assert keyboard["keyboard"][0][0]["request_location"] is True
    assert keyboard["keyboard"][1][0]["request_contact"] is True
    assert keyboard["one_time_keyboard"] and keyboard["resize_keyboard"]
    assert keyboard["input_field_placeholder"] == "Type here"
    assert entry(emu, second).reply_to_message_id == first
    await port.perform(SendMessage(CHAT, "Noted", RemoveKeyboard()))
    assert emu.reply_keyboard(CHAT) is None

    assert await port.perform(EditMessage(CHAT, first, "Where is your passport?\n✓ Yes")) is None
    edited = entry(emu, first)
    assert edited.text == "Where is your passport?\n✓ Yes" and not edited.reply_markup
    # the same edit again: Telegram says "message is not modified", which is no error
    assert await port.perform(EditMessage(CHAT, first, "Where is your passport?\n✓ Yes")) is None
    await port.perform(EditMarkup(CHAT, first, BUTTONS))
    assert entry(emu, first).reply_markup
    await port.perform(EditMarkup(CHAT, first, None))
    assert not entry(emu, first).reply_markup

    place = await port.perform(SendLocation(CHAT, 11.5564, 104.9282))
    doc = await port.perform(SendDocument(CHAT, "cases.csv", b"ref,status\nPNH-1,new\n", caption="Cases"))
    assert isinstance(place, int) and isinstance(doc, int) and isinstance(second, int)
    stored = entry(emu, doc)
    assert (stored.filename, stored.document, stored.caption) == (
        "cases.csv",
        b"ref,status\nPNH-1,new\n",
        "Cases",
    )

    await port.perform(DeleteMessages(CHAT, (place,)))
    await port.perform(DeleteMessages(CHAT, (first, second, doc)))
    gone = {e.message_id for e in emu.transcript(CHAT) if e.deleted}
    assert gone == {place, first, second, doc}
    assert emu.count("deleteMessage") == 1 and emu.count("deleteMessages") == 1


async def test_a_button_press_is_answered(emu: Emulator, runtime: Runtime, siti: EmuUser) -> None:
    card = await runtime.port.perform(SendMessage(CHAT, "Safe?", BUTTONS))
    assert card is not None
    query = await emu.press(siti, CHAT, card, "q:yes")
    await runtime.port.perform(AnswerCallback(query["id"], "Noted", alert=True))
    assert emu.callback_answers[-1]["text"] == "Noted"
    assert emu.callback_answers[-1]["show_alert"] is True


@pytest.mark.usefixtures("siti")
async def test_a_user_who_blocked_the_bot_is_a_403(emu: Emulator, runtime: Runtime) -> None:
    emu.block(CHAT)
    with pytest.raises(DeliveryError) as caught:
        await runtime.port.perform(SendMessage(CHAT, "Hello"))
    assert caught.value.code == 403 and caught.value.is_blocked and caught.value.is_final
    assert "blocked" in caught.value.description


@pytest.mark.usefixtures("siti")
async def test_flood_control_is_a_429_with_retry_after(emu: Emulator, runtime: Runtime) -> None:
    emu.inject_fault("sendMessage", code=429, retry_after=7)
    with pytest.raises(DeliveryError) as caught:
        await runtime.port.perform(SendMessage(CHAT, "Hello"))
    assert caught.value.code == 429
    assert caught.value.retry_after == 7.0
    assert emu.count("sendMessage") == 1  # the framework did not retry by itself
    assert await runtime.port.perform(SendMessage(CHAT, "Hello")) is not None


@pytest.mark.usefixtures("siti")
async def test_a_bad_request_is_a_400(runtime: Runtime) -> None:
    with pytest.raises(DeliveryError) as caught:
        await runtime.port.perform(EditMessage(CHAT, 999_999, "nothing there"))
    assert caught.value.code == 400 and caught.value.is_final


@pytest.mark.usefixtures("siti")
async def test_a_dropped_connection_is_a_network_error(emu: Emulator, runtime: Runtime) -> None:
    emu.inject_fault("sendMessage", kind="drop")
    with pytest.raises(DeliveryError) as caught:
        await runtime.port.perform(SendMessage(CHAT, "Hello"))
    assert caught.value.code == 0 and not caught.value.is_final


@pytest.mark.usefixtures("siti")
async def test_a_timeout_is_a_network_error(emu: Emulator, opened: Callable[..., Awaitable[Runtime]]) -> None:
    runtime = await opened(request_timeout=0.5)
    emu.inject_fault("sendMessage", kind="hang", hang_seconds=5.0)
    with pytest.raises(DeliveryError) as caught:
        await runtime.port.perform(SendMessage(CHAT, "Hello"))
    assert caught.value.code == 0


async def test_member_status_of_the_officer_group(emu: Emulator, runtime: Runtime) -> None:
    officer, stranger = emu.user(2001, first_name="Dewi"), emu.user(2002, first_name="Budi")
    emu.create_group(-1001234567890, "Duty officers", [officer, stranger], admins=[officer])
    emu.set_member(-1001234567890, stranger, "kicked")
    assert await runtime.port.member_status(-1001234567890, officer.id) == "administrator"
    assert await runtime.port.member_status(-1001234567890, stranger.id) == "kicked"
    with pytest.raises(DeliveryError) as caught:
        await runtime.port.member_status(-1001234567890, 999_999)
    assert caught.value.code == 400
