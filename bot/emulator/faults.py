"""Injected faults: the next `count` calls of a method fail in a chosen way."""

from __future__ import annotations

from dataclasses import dataclass

from bot.emulator.errors import ApiError, default_description

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

    def matches(self, method: str) -> bool:
        return self.method == "*" or self.method.lower() == method.lower()

    def error(self) -> ApiError:
        retry_after = self.retry_after
        if self.code == 429 and retry_after is None:
            retry_after = 1
        description = self.description or default_description(self.code, retry_after)
        return ApiError(self.code, description, retry_after=retry_after)


class FaultBook:
    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        if fault.kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {FAULT_KINDS}, not {fault.kind!r}")
        if fault.count < 1:
            raise ValueError("fault count must be at least 1")
        self._faults.append(fault)

    def take(self, method: str) -> Fault | None:
        """The first fault for this call, used up by it."""
        for fault in self._faults:
            if fault.matches(method):
                fault.count -= 1
                if fault.count <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        self._faults.clear()

    def pending(self) -> list[Fault]:
        return list(self._faults)
