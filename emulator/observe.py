"""Reading what happened: transcripts, calls, answers, counters, and waiting for outcomes."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from emulator.faults import Fault, Storm
from emulator.models import webhook_info
from emulator.state import PROCESSING, Call, EmulatorState, TranscriptEntry

POLL_INTERVAL = 0.01


class Inspection:
    """Mixin of Emulator: what tests read and wait for."""

    _st: EmulatorState

    def transcript(self, chat_id: int) -> list[TranscriptEntry]:
        """Every message of the chat in order, deleted ones included (entries change in place)."""
        chat = self._st.chats.get(chat_id)
        return list(chat.messages.values()) if chat else []

    def bot_messages(self, chat_id: int) -> list[TranscriptEntry]:
        return [e for e in self.transcript(chat_id) if e.from_bot and not e.deleted]

    def reply_keyboard(self, chat_id: int) -> dict[str, Any] | None:
        """The reply keyboard the user of this chat currently sees, if any."""
        chat = self._st.chats.get(chat_id)
        return chat.reply_keyboard if chat else None

    @property
    def callback_answers(self) -> list[dict[str, Any]]:
        return list(self._st.callback_answers)

    @property
    def calls(self) -> list[Call]:
        return list(self._st.calls)

    def listen(self, listener: Callable[[Call], None]) -> Callable[[], None]:
        """Call `listener` with every Bot API call answered successfully, as it is answered (the
        benchmarks time the bot's answers this way); returns a function that stops listening."""
        self._st.listeners.append(listener)
        return lambda: self._st.listeners.remove(listener)

    def count(self, method: str, status: int | None = None) -> int:
        """How many calls of a method were received (optionally: answered with this status)."""
        name = method.lower()
        return sum(1 for c in self._st.calls if c.method.lower() == name and status in (None, c.status))

    @property
    def errors_sent(self) -> Counter[int]:
        return Counter(self._st.errors_sent)

    @property
    def commands(self) -> dict[str, list[dict[str, str]]]:
        return {lang: [dict(c) for c in cmds] for lang, cmds in self._st.commands.items()}

    def menu_button(self, chat_id: int) -> dict[str, Any] | None:
        """The menu button set for this private chat alone (setChatMenuButton), if any."""
        button = self._st.menu_buttons.get(chat_id)
        return dict(button) if button is not None else None

    @property
    def pending_updates(self) -> int:
        return len(self._st.updates.pending)

    def answering(self, method: str | None = None) -> int:
        """How many Bot API calls (of this method; None: any but a long poll) are being answered now:
        a long poll waiting for updates, a call held by a hang fault."""
        name = method.lower() if method is not None else None
        return sum(
            1
            for c in self._st.calls
            if c.status == PROCESSING
            and (c.method.lower() == name if name else c.method.lower() != "getupdates")
        )

    @property
    def idle(self) -> bool:
        """Nothing under way here: every update was taken by the bot and no Bot API call is being
        answered (but a long poll, which waits for updates that are not there)."""
        return not self._st.updates.pending and not self.answering()

    def webhook_info(self) -> dict[str, Any]:
        """What getWebhookInfo would answer now."""
        st = self._st
        return webhook_info(st, len(st.updates.pending), st.updates.allowed)

    def inject_fault(
        self,
        method: str = "sendMessage",
        count: int = 1,
        kind: str = "error",
        code: int = 500,
        description: str | None = None,
        retry_after: int | None = None,
        hang_seconds: float = 30.0,
        chat_id: int | None = None,
    ) -> None:
        """The next `count` calls of `method` ("*": any) fail: error answer, hang, or dropped connection.
        With `chat_id`, only the calls for that chat (a group that Telegram cannot reach)."""
        self._st.faults.add(Fault(method, count, kind, code, description, retry_after, hang_seconds, chat_id))

    def fault_storm(
        self,
        seconds: float,
        rate: float,
        methods: Iterable[str] = ("*",),
        faults: Iterable[Mapping[str, Any]] = ({"kind": "error", "code": 500},),
        seed: int | None = None,
    ) -> None:
        """For `seconds`, each call of `methods` fails with probability `rate`, as one of `faults`
        (dicts of inject_fault's arguments: kind, code, description, retry_after, hang_seconds)."""
        templates = tuple(
            Fault(
                "*", 1, str(f.get("kind", "error")), int(f.get("code", 500)), f.get("description"),
                f.get("retry_after"), float(f.get("hang_seconds", 30.0)),
            )
            for f in faults
        )  # fmt: skip
        until = self._st.monotonic() + seconds
        self._st.faults.add_storm(Storm(tuple(methods), rate, until, templates, random.Random(seed)))

    def clear_faults(self) -> None:
        """No more injected faults or storms (Telegram is well again); the count given out stays."""
        injected = Counter(self._st.faults.injected)
        self._st.faults.clear()
        self._st.faults.injected.update(injected)

    @property
    def faults_injected(self) -> Counter[str]:
        """Faults given out so far, by "<method>:<kind>[:<code>]" (counted and storm faults alike)."""
        return Counter(self._st.faults.injected)

    def queue_raw_update(self, body: Mapping[str, Any], chat_id: int | None = None) -> int:
        """Any JSON object as the bot's next update (the emulator only sets update_id); its update_id."""
        return self._st.updates.add_raw(dict(body), chat_id).update_id

    def advance(self, seconds: float) -> None:
        """Moves the emulator's clock forward (message ages, rate limit windows)."""
        self._st.clock_offset += seconds

    async def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 5.0,  # noqa: ASYNC109 - the public API takes a timeout
        what: str = "",
    ) -> None:
        """Polls until predicate() is true; TimeoutError (with recent calls) otherwise."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            if loop.time() >= deadline:
                recent = ", ".join(f"{c.method}:{c.status}" for c in self._st.calls[-8:])
                name = what or getattr(predicate, "__name__", "predicate")
                pending = len(self._st.updates.pending)
                raise TimeoutError(
                    f"condition {name} still false after {timeout}s; "
                    f"last Bot API calls: [{recent}]; pending updates: {pending}"
                )
            await asyncio.sleep(POLL_INTERVAL)

    async def wait_for_bot_message(
        self,
        chat_id: int,
        contains: str | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - the public API takes a timeout
        after: int = 0,
    ) -> TranscriptEntry:
        """The first bot message in the chat with message_id > after (and text containing `contains`)."""
        found: list[TranscriptEntry] = []

        def match() -> bool:
            for entry in self.bot_messages(chat_id):
                body = entry.text or entry.caption or ""
                if entry.message_id > after and (contains is None or contains in body):
                    found.append(entry)
                    return True
            return False

        try:
            await self.wait_for(match, timeout)
        except TimeoutError:
            seen = [(e.message_id, (e.text or e.caption or e.kind)[:60]) for e in self.bot_messages(chat_id)]
            wanted = f" containing {contains!r}" if contains else ""
            calls = [(c.method, c.status) for c in self._st.calls[-5:]]
            raise TimeoutError(
                f"no bot message in chat {chat_id}{wanted} after id {after} within {timeout}s; "
                f"bot messages there: {seen}; last calls: {calls}"
            ) from None
        return found[0]
