"""Telegram's flood limits for message-creating calls, answered with 429 and retry_after."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from emulator.errors import too_many_requests

PRIVATE_BURST = 3.0  # a private chat tolerates a short burst before the 1/s average applies


@dataclass(frozen=True, slots=True)
class Limits:
    per_chat_per_s: float = 1.0  # private chats: token bucket, burst PRIVATE_BURST
    global_per_s: float = 30.0  # all chats together: token bucket, burst = one second's worth
    group_per_min: int = 20  # each group: sliding 60 s window
    enabled: bool = True


class _Bucket:
    def __init__(self, capacity: float, rate: float, now: float) -> None:
        self.capacity = capacity
        self.rate = rate
        self.tokens = capacity
        self.stamp = now

    def wait_needed(self, now: float) -> float:
        """Seconds until one token is available (0 when one is available now)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            return 0.0
        return (1.0 - self.tokens) / self.rate if self.rate > 0 else math.inf

    def take(self) -> None:
        self.tokens -= 1.0


class RateLimiter:
    """Checks and records one message-creating call; raises ApiError(429) when over a limit."""

    def __init__(self, limits: Limits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self._clock = clock
        self._private: dict[int, _Bucket] = {}
        self._groups: dict[int, deque[float]] = {}
        self._global: _Bucket | None = None

    def reset(self) -> None:
        self._private.clear()
        self._groups.clear()
        self._global = None

    def check(self, chat_id: int, is_group: bool) -> None:
        lim = self.limits
        if not lim.enabled:
            return
        now = self._clock()
        if self._global is None:
            self._global = _Bucket(max(lim.global_per_s, 1.0), lim.global_per_s, now)
        waits = [self._global.wait_needed(now)]
        window: deque[float] | None = None
        bucket: _Bucket | None = None
        if is_group:
            window = self._groups.setdefault(chat_id, deque())
            while window and window[0] <= now - 60.0:
                window.popleft()
            if len(window) >= lim.group_per_min:
                waits.append(window[0] + 60.0 - now if window else 60.0)
        else:
            bucket = self._private.get(chat_id)
            if bucket is None:
                bucket = self._private[chat_id] = _Bucket(PRIVATE_BURST, lim.per_chat_per_s, now)
            waits.append(bucket.wait_needed(now))
        wait = max(waits)
        if wait > 0:
            raise too_many_requests(max(1, math.ceil(min(wait, 3600.0))))
        self._global.take()
        if window is not None:
            window.append(now)
        if bucket is not None:
            bucket.take()
