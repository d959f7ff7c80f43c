"""What a runtime writes to the log while it works: never the bot token, not a line per request."""

from __future__ import annotations

import logging

import pytest

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
