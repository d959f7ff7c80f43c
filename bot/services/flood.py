"""Flood control for private chats: more than `limit` messages within `window` seconds are slowed,
never dropped (a citizen typing fast in the middle of a report loses nothing).

Once a chat is over the limit, each further message gets a turn `window / limit` seconds after the
one before it; the caller waits for that turn before the chat's lock, so the order holds. The first
slowed message of a burst asks for one short notice. An SOS never comes here: it goes at once, ahead
of the slowed messages. Memory is bounded: at most `limit` times per chat, chats quiet for a window
are dropped, and no more than `max_chats` are kept (the longest quiet goes first).
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Turn:
    delay: float  # seconds to wait before handling the message (0: at once)
    notify: bool  # the first slowed message of a burst: tell the citizen once


@dataclass(slots=True)
class _Chat:
    turns: deque[float] = field(default_factory=deque)  # the last `limit` turns given, in order
    warned: bool = False


class FloodGate:
    def __init__(
        self,
        limit: int,
        window: float,
        max_chats: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit < 1 or window <= 0 or max_chats < 1:
            raise ValueError("a flood gate needs a positive limit, window and chat count")
        self.limit = limit
        self.window = window
        self.spacing = window / limit
        self.max_chats = max_chats
        self.clock = clock
        self._chats: OrderedDict[int, _Chat] = OrderedDict()

    def __len__(self) -> int:
        return len(self._chats)

    def turn(self, chat_id: int) -> Turn:
        """When this chat's new message may be handled."""
        now = self.clock()
        self._forget_quiet(now)
        chat = self._chats.pop(chat_id, None) or _Chat(deque(maxlen=self.limit))
        self._chats[chat_id] = chat  # the most recent at the end
        while len(self._chats) > self.max_chats:
            self._chats.popitem(last=False)
        at = now
        turns = chat.turns
        if turns:
            at = max(at, turns[-1])  # never before a message already waiting
            if len(turns) == self.limit and at - turns[0] < self.window:
                at = max(at, turns[-1] + self.spacing)
        turns.append(at)
        delay = at - now
        notify = delay > 0 and not chat.warned
        chat.warned = delay > 0
        return Turn(delay, notify)

    def waiting(self, chat_id: int) -> bool:
        """Whether messages of this chat are still waiting for their turn."""
        chat = self._chats.get(chat_id)
        return bool(chat and chat.turns and chat.turns[-1] > self.clock())

    def _forget_quiet(self, now: float) -> None:
        """Drop chats whose last turn is more than a window ago (a few per call: amortised)."""
        for _ in range(4):
            if not self._chats:
                return
            chat_id, chat = next(iter(self._chats.items()))
            if chat.turns and now - chat.turns[-1] <= self.window:
                return
            del self._chats[chat_id]
