"""What a Bot API method handler gets: the state, the decoded parameters, the connection."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from emulator.spec import Params
from emulator.state import EmulatorState


@dataclass(slots=True)
class CallContext:
    st: EmulatorState
    params: Params
    client_alive: Callable[[], bool]  # False once the caller has closed the connection


Handler = Callable[[CallContext], Awaitable[Any]]
