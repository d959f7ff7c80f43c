"""The database gone for 20 s while citizens write and an SOS comes (a PostgreSQL restart, a
failover), by webhook, on both runtimes: no update is answered 200 unless it was kept; Telegram
delivers the others again (503), and once the database is back every message sent meanwhile is
handled, once. The database is taken away by cutting a proxy in front of it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from emulator import Emulator
from tests.e2e.conftest import Running, e2e_settings, running
from tests.e2e.phone import Phone
from tests.scale.conftest import postgres_only
from tests.support.proxy import Proxy
from tests.support.settle import settled

GROUP = -1001000000015
OUTAGE = 20.0
THANKS = "Your message is added to your report"

pytestmark = postgres_only


@pytest.fixture
async def proxied(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[tuple[Running, Proxy]]:
    settings = e2e_settings(emu, tmp_path, framework, "webhook")
    url = make_url(settings.database_url)
    proxy = Proxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    emu.create_group(GROUP, "Duty officers", [emu.user(9001, first_name="Budi")])
    changed = settings.model_copy(
        update={"database_url": through, "officer_chat_id": GROUP, "officer_language": "en"}
    )
    try:
        async with running(changed, emu) as r:
            yield r, proxy
    finally:
        await proxy.stop()


async def test_nothing_is_lost_while_the_database_is_down(proxied: tuple[Running, Proxy]) -> None:
    bot, proxy = proxied
    emu = bot.emu
    siti = Phone(emu, 5601, "en", bot.hotline.catalogs)
    await siti.skipping_report("yes", "An embassy officer will read your report and contact you here.")
    await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=15)

    proxy.cut()
    for n in range(3):
        await emu.send_text(siti.user, f"still here {n}")
    rina = emu.user(5602, first_name="Rina", language_code="en")
    await emu.send_command(rina, "sos")
    await asyncio.sleep(OUTAGE)
    refused = emu.webhook_info().get("last_error_message") or ""
    assert "503" in refused  # Telegram was told to send them again, not that they arrived
    assert [e for e in emu.bot_messages(rina.id)] == []
    proxy.restore()

    await emu.wait_for(lambda: sum(THANKS in (e.text or "") for e in emu.bot_messages(siti.chat_id)) == 3,
                       timeout=30, what="the three messages")  # fmt: skip
    await emu.wait_for_bot_message(rina.id, contains="The officers on duty have been alerted", timeout=30)
    await emu.wait_for_bot_message(GROUP, contains="PNH-000002", timeout=30)  # Rina's SOS reached a person
    # a second answer would show by now (updates the outage left in the inbox wait for the sweep)
    await settled(bot.hotline, emu, inbox=False)
    assert sum(THANKS in (e.text or "") for e in emu.bot_messages(siti.chat_id)) == 3  # each once
    assert emu.pending_updates == 0
