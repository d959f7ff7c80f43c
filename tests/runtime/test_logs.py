"""What a runtime writes to the log while it works: never the bot token, not a line per request."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pydantic import SecretStr

from emulator import Emulator
from storage.crypto import new_key
from tests.e2e.conftest import SECRET, e2e_settings, running
from tests.e2e.phone import PHONE_QUESTION, SAFETY_QUESTION, Phone
from tests.runtime.conftest import Serve, start_and_agree

CHAT = 1001


async def test_the_log_holds_no_token_and_no_line_per_request(
    serve: Serve, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    served = await serve()
    emu = served.emu
    siti = emu.user(CHAT, first_name="Siti", language_code="en")
    await start_and_agree(emu, siti, CHAT)
    await served.finish()
    lines = [record.getMessage() for record in caplog.records]
    secret = emu.token.split(":", 1)[1]
    assert lines, "the runtime logged its start and stop"
    assert not [line for line in lines if secret in line], "the bot token is in the log"
    assert len(lines) < 20, f"a line for every request: {lines[:5]}"


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_at_debug_the_log_holds_no_secret_and_nothing_a_citizen_gave(
    emu: Emulator, tmp_path: Path, framework: str, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    """An operator turns the log up to DEBUG to chase a problem: still no bot token, no webhook secret,
    no data key, and none of the NIK, passport number or name a citizen typed (the frameworks write
    whole updates at DEBUG: theirs stays at INFO)."""
    caplog.set_level(logging.DEBUG)
    key = new_key()
    settings = e2e_settings(emu, tmp_path, framework, mode).model_copy(update={"data_key": SecretStr(key)})
    async with running(settings, emu) as r:
        phone = Phone(emu, CHAT, "en", r.hotline.catalogs)
        await phone.command("start", "Do you agree to continue?")
        await phone.tap("f:welcome:agree", "Is it safe for you to talk now?")
        await phone.tap("f:safe:yes", "Or choose the city:")
        await phone.locate(11.5564, 104.9282, "Where is your passport?")
        await phone.tap(
            "f:passport:with_me", "If you know your passport number, type it (for example A1234567)."
        )
        await phone.say("X7654321", SAFETY_QUESTION)
        await phone.tap("f:safety:free", "What is your full name, as written in your passport?")
        await phone.say("Rahasia Sekali", "What is your date of birth? For example 17-08-1995.")
        await phone.say("17-08-1995", "If you know your NIK (the 16-digit number on your KTP), type it.")
        await phone.say("3201015708950001", PHONE_QUESTION)
    text = "\n".join(f"{r.getMessage()}\n{r.exc_text or ''}" for r in caplog.records)
    assert any(r.levelno == logging.DEBUG for r in caplog.records)  # DEBUG was on
    secrets = {"token": emu.token.split(":", 1)[1], "webhook secret": SECRET, "data key": key}
    found = [what for what, value in secrets.items() if value in text]
    given = [value for value in ("X7654321", "Rahasia Sekali", "3201015708950001") if value in text]
    assert found == [] and given == []
