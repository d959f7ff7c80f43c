"""Telegram's flood limits, kept on our side so that Telegram never has to answer 429.

Times are seconds of the sender's timer (time.monotonic unless a test injects another).
"""

from __future__ import annotations

import math
from collections import deque


class TokenBucket:
    """At most `rate` a second, with bursts of at most `burst` tokens (1: none at all above the rate).

    A sender that wakes a few milliseconds late for each token loses that time for good with a bucket
    of one token (at 30/s, 1 ms late each time is 3% of the rate). A burst of a tenth of a second's
    worth (`Sender` uses that) lets it catch up, and keeps any 0.1 s at most 0.1 s's worth above.
    """

    def __init__(self, rate: float, now: float, burst: float = 1.0) -> None:
        if rate <= 0:
            raise ValueError("the rate must be positive")
        self.rate = rate
        self.capacity = max(1.0, burst)
        self.tokens = 1.0
        self.stamp = now
        self.paused_until = -math.inf

    def _refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + max(0.0, now - self.stamp) * self.rate)
        self.stamp = max(self.stamp, now)

    def wait(self, now: float) -> float:
        """Seconds until a token is available (0: one is available now)."""
        if math.isinf(self.rate):
            return max(0.0, self.paused_until - now)
        self._refill(now)
        needed = 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate
        return max(needed, self.paused_until - now)

    def take(self, now: float) -> None:
        if not math.isinf(self.rate):
            self._refill(now)
            self.tokens -= 1.0

    def spend(self, now: float, most: float) -> None:
        """A token used elsewhere, without waiting: it may run into debt, of at most `most` tokens."""
        if not math.isinf(self.rate):
            self._refill(now)
            self.tokens = max(self.tokens - 1.0, -most)

    def refund(self) -> None:
        """A token taken for a send that did not happen."""
        self.tokens = min(self.capacity, self.tokens + 1.0)

    def pause(self, until: float) -> None:
        """Nothing at all until then (Telegram said 429 with a retry_after)."""
        self.paused_until = max(self.paused_until, until)


class ChatPacer:
    """Per chat: a private chat at most `private_per_second`, a group at most `group_per_minute`.

    A send is counted from the moment it *finishes* (when Telegram has certainly seen it), never
    from when it started: a request that took long on the way must not make the next one look
    early to Telegram. Until it finishes, a send in flight counts as happening now.
    """

    WINDOW = 60.0

    def __init__(self, private_per_second: float, group_per_minute: int) -> None:
        if private_per_second <= 0 or group_per_minute <= 0:
            raise ValueError("chat rates must be positive")
        self.private_gap = 0.0 if math.isinf(private_per_second) else 1.0 / private_per_second
        self.group_per_minute = group_per_minute
        self._next: dict[int, float] = {}  # private chat -> when it may get the next message
        self._windows: dict[int, deque[float]] = {}  # group -> finish times of its last sends
        self._paused: dict[int, float] = {}  # chat -> not before (a 429 for that chat)

    @staticmethod
    def is_group(chat_id: int) -> bool:
        return chat_id < 0

    def ready_at(self, chat_id: int, now: float) -> float:
        """The earliest time the chat may get a message (<= now: it may now)."""
        at = self._paused.get(chat_id, -math.inf)
        if self.is_group(chat_id):
            window = self._windows.get(chat_id)
            if window is not None:
                while window and window[0] <= now - self.WINDOW:
                    window.popleft()
                if len(window) >= self.group_per_minute:
                    at = max(at, window[0] + self.WINDOW)
        else:
            at = max(at, self._next.get(chat_id, -math.inf))
        return at

    def started(self, chat_id: int, now: float) -> None:
        if self.is_group(chat_id):
            self._windows.setdefault(chat_id, deque()).append(now)
        else:
            self._next[chat_id] = math.inf  # in flight: not before it has finished

    def finished(self, chat_id: int, now: float) -> None:
        if self.is_group(chat_id):
            window = self._windows.get(chat_id)
            if window:
                window[-1] = max(window[-1], now)  # a chat has one send in flight at most: the last
        else:
            self._next[chat_id] = now + self.private_gap

    def cancelled(self, chat_id: int) -> None:
        """The send counted by `started` did not happen after all (nothing to send any more)."""
        if self.is_group(chat_id):
            window = self._windows.get(chat_id)
            if window:
                window.pop()
        else:
            self._next.pop(chat_id, None)

    def pause(self, chat_id: int, until: float) -> None:
        self._paused[chat_id] = max(self._paused.get(chat_id, -math.inf), until)

    def waiting(self, now: float) -> tuple[list[int], float | None]:
        """Chats that may not get a message now, and when the first of them may; forgets the past."""
        for chat_id in [c for c, t in self._next.items() if t <= now]:
            del self._next[chat_id]
        for chat_id in [c for c, t in self._paused.items() if t <= now]:
            del self._paused[chat_id]
        for chat_id in [c for c, w in self._windows.items() if not w or w[-1] <= now - self.WINDOW]:
            del self._windows[chat_id]
        busy: list[int] = []
        first: float | None = None
        for chat_id in {*self._next, *self._paused, *self._windows}:
            at = self.ready_at(chat_id, now)
            if at > now:
                busy.append(chat_id)
                if not math.isinf(at):
                    first = at if first is None else min(first, at)
        return busy, first
