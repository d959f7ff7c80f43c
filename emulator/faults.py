"""Injected faults: the next `count` calls of a method fail in a chosen way; or, for a while, a share
of the calls of some methods fail at random (a storm: a flaky network, an overloaded Telegram)."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from emulator.errors import ApiError, default_description

FAULT_KINDS = ("error", "hang", "drop")


@dataclass(slots=True)
class Fault:
    method: str  # a Bot API method name (any case) or "*"
    count: int
    kind: str  # "error": an error answer; "hang": answer late; "drop": close the connection
    code: int = 500
    description: str | None = None
    retry_after: int | None = None
    hang_seconds: float = 30.0
    chat_id: int | None = None  # only calls for this chat (a group Telegram cannot reach); None: any

    def matches(self, method: str, chat_id: object = None) -> bool:
        if self.chat_id is not None and str(chat_id) != str(self.chat_id):
            return False
        return self.method == "*" or self.method.lower() == method.lower()

    def error(self) -> ApiError:
        retry_after = self.retry_after
        if self.code == 429 and retry_after is None:
            retry_after = 1
        description = self.description or default_description(self.code, retry_after)
        return ApiError(self.code, description, retry_after=retry_after)


@dataclass(slots=True)
class Storm:
    """Until `until` (the emulator's monotonic clock), each call of `methods` ("*": any) fails with
    probability `rate`, as one of `faults` picked at random (each used as a template; counts ignored)."""

    methods: tuple[str, ...]
    rate: float
    until: float
    faults: tuple[Fault, ...]
    rng: random.Random = field(default_factory=random.Random)

    def matches(self, method: str) -> bool:
        return any(m == "*" or m.lower() == method.lower() for m in self.methods)


class FaultBook:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._faults: list[Fault] = []
        self._storms: list[Storm] = []
        self._clock = clock
        self.injected: Counter[str] = Counter()  # "<method>:<kind>[:<code>]" -> faults given out

    def add(self, fault: Fault) -> None:
        if fault.kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {FAULT_KINDS}, not {fault.kind!r}")
        if fault.count < 1:
            raise ValueError("fault count must be at least 1")
        self._faults.append(fault)

    def add_storm(self, storm: Storm) -> None:
        if not 0.0 <= storm.rate <= 1.0:
            raise ValueError("a storm's rate is a probability, from 0 to 1")
        if not storm.faults or any(f.kind not in FAULT_KINDS for f in storm.faults):
            raise ValueError(f"a storm needs faults of the kinds {FAULT_KINDS}")
        self._storms.append(storm)

    def take(self, method: str, chat_id: object = None) -> Fault | None:
        """The first fault for this call (of this chat), used up by it; else maybe one from a storm."""
        found = self._counted(method, chat_id)
        if found is None:
            found = self._from_storm(method)
        if found is not None:
            code = f":{found.code}" if found.kind == "error" else ""
            self.injected[f"{method}:{found.kind}{code}"] += 1
        return found

    def _counted(self, method: str, chat_id: object) -> Fault | None:
        for fault in self._faults:
            if fault.matches(method, chat_id):
                fault.count -= 1
                if fault.count <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _from_storm(self, method: str) -> Fault | None:
        now = self._clock()
        self._storms = [s for s in self._storms if s.until > now]
        for storm in self._storms:
            if storm.matches(method) and storm.rng.random() < storm.rate:
                return storm.rng.choice(storm.faults)
        return None

    @property
    def storming(self) -> bool:
        now = self._clock()
        return any(s.until > now for s in self._storms)

    def clear(self) -> None:
        self._faults.clear()
        self._storms.clear()
        self.injected.clear()

    def pending(self) -> list[Fault]:
        return list(self._faults)
