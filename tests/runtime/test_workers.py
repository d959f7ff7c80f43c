"""The hotline's workers (outbox sender, SOS watch) run beside the updates, with the runtime's port."""

from __future__ import annotations

from collections.abc import Callable

from bot.app import Hotline
from bot.config import Settings
from emulator import Emulator
from storage.migrate import upgrade
from tests.runtime.conftest import Serve

GROUP = -1001000000001
SITI, OFFICER = 1001, 9001


async def test_an_sos_reaches_the_officer_group_through_the_outbox(
    emu: Emulator, serve: Serve, make_settings: Callable[..., Settings]
) -> None:
    emu.create_group(GROUP, "Duty officers", [emu.user(OFFICER, first_name="Budi")])
    settings = make_settings(officer_chat_id=GROUP, officer_language="en")
    hotline = Hotline.from_settings(settings)
    await upgrade(hotline.engine)
    try:
        served = await serve(settings, with_hotline=hotline)
        siti = emu.user(SITI, first_name="Siti", language_code="en")
        await emu.send_command(siti, "sos")
        await emu.wait_for_bot_message(SITI, contains="🆘")
        alert = await emu.wait_for_bot_message(GROUP, contains="SOS", timeout=10)
        assert "Siti" in (alert.text or "")
        assert await served.finish() < 5.0
    finally:
        await hotline.close()
