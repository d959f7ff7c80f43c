"""The conversion benchmark times what the hotline really does: every update it times is read into
an Incoming of the right sender, and its outbox payload reads back into the same action."""

from __future__ import annotations

import pytest

from bench.convert import QUESTION, UPDATES, main
from bot.core.serialize import from_payload, to_payload
from bot.runtime.convert import to_incoming


def test_the_benchmarked_inputs_are_read_as_the_hotline_does(capsys: pytest.CaptureFixture[str]) -> None:
    for update in UPDATES:
        incoming = to_incoming(update)
        assert incoming is not None and incoming.user_id == 200001
        assert incoming.update_id == update["update_id"]
    assert from_payload(to_payload(QUESTION)) == QUESTION
    main(["--rounds", "5"])
    assert "to_incoming" in capsys.readouterr().out
