"""What lets held messages go: the citizen writing to the embassy, and nothing else."""

from __future__ import annotations

import pytest

from bot.core.incoming import Incoming, Kind, Location
from bot.flow.commands import releases_held


def update(kind: Kind, **fields: object) -> Incoming:
    return Incoming(kind=kind, chat_id=1, user_id=1, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("inp", "releases"),
    [
        (update(Kind.TEXT, text="I can talk now"), True),
        (update(Kind.LOCATION, location=Location(11.5, 104.9)), True),
        (update(Kind.BUTTON, callback_data="f:passport:held"), True),
        (update(Kind.BUTTON, callback_data="sum:send"), True),
        (update(Kind.BUTTON, callback_data="pref:on_reply"), True),  # their answer to "may we write?"
        (update(Kind.BUTTON, callback_data="dgr:no"), True),
        (update(Kind.UNSUPPORTED), True),  # a sticker: theirs, though not understood
        # not the citizen writing: a command, a confirmation, a deletion, a live location moving
        (update(Kind.COMMAND, command="status"), False),
        (update(Kind.COMMAND, command="hide"), False),
        (update(Kind.COMMAND, command="delete"), False),
        (update(Kind.BUTTON, callback_data="hide:yes"), False),
        (update(Kind.BUTTON, callback_data="hide:no"), False),
        (update(Kind.BUTTON, callback_data="del:no"), False),
        (update(Kind.BUTTON, callback_data="cx:no"), False),
        (update(Kind.BUTTON, callback_data="vf:drop"), False),  # a scam report cancelled
        (update(Kind.BUTTON, callback_data="sk:agree:no"), False),  # a search declined, or cancelled
        (update(Kind.BUTTON, callback_data="sk:sum:cancel"), False),
        (update(Kind.BUTTON, callback_data="vf:how:phone"), True),  # an answer of theirs
        (update(Kind.BUTTON, callback_data="sk:agree:yes"), True),
        (update(Kind.LIVE_LOCATION, location=Location(11.5, 104.9, live_period=900)), False),
        # an SOS or words of fear: until they say whether we may write first, we may not
        (update(Kind.TEXT, text="SOS"), False),
        (update(Kind.BUTTON, callback_data="sos"), False),
        (update(Kind.BUTTON, callback_data="f:welcome:sos"), False),
        (update(Kind.TEXT, text="Tolong!!"), False),
        (update(Kind.TEXT, text="tolong hubungi ibu saya"), True),  # a sentence, not a cry
    ],
)
def test_only_the_citizen_writing_releases_what_was_held(inp: Incoming, releases: bool) -> None:
    assert releases_held(inp) is releases


def test_the_cancels_named_are_the_buttons_the_paths_show() -> None:
    from bot.core.callbacks import Scope, callback
    from bot.flow import verify
    from bot.flow.commands import CANCELS

    assert callback(Scope.VERIFY, verify.DROP) in CANCELS
