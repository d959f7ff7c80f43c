"""What the terminal shows: the bot's messages in every chat of the demo, their edits, what the bot
deleted, the notices of pressed buttons, and the buttons you can press now (numbered)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from bot.demo.cast import Role
from emulator import Emulator, TranscriptEntry

Key = tuple[int, int]  # (chat id, message id): the emulator counts message ids per chat, as Telegram does
DELETED = "that message was deleted, and its buttons with it (type '{n} to send the text {n})"
TAKEN_AWAY = "that button is no longer there: the bot took it away (type '{n} to send the text {n})"


@dataclass(frozen=True, slots=True)
class Button:
    key: Key
    label: str
    data: str


@dataclass
class Screen:
    chats: Sequence[Role]  # every chat on screen, with the person who types in it
    role: Role  # who you are now: only the buttons of their chat are numbered
    out: TextIO = sys.stdout
    shown: dict[Key, tuple[str | None, int, str]] = field(default_factory=dict)  # text, edits, markup
    present: set[Key] = field(default_factory=set)  # on screen and not deleted, the people's own too
    buttons: list[Button] = field(default_factory=list)  # the newest buttons shown in your chat
    lost: int = 0  # how many numbers pointed at buttons of a message the bot has deleted since
    deleted: dict[int, int] = field(default_factory=dict)  # chat id -> deletions not reported yet
    notices: int = 0  # the answers to button presses shown so far

    def show(self, emu: Emulator) -> None:
        """Whatever changed since the last look."""
        for chat in self.chats:
            self._chat(emu, chat)
        self._notices(emu)

    def become(self, emu: Emulator, role: Role) -> None:
        """You are someone else now: say so, and show the newest of their chat with its buttons."""
        self.role, self.buttons, self.lost = role, [], 0
        self.print(f"── you are now: {role.who} ──\n{role.hint}")
        live = [e for e in emu.transcript(role.chat_id) if e.from_bot and not e.deleted]
        with_buttons = [e for e in live if _inline(e)]
        newest = [*with_buttons[-1:], *live[-1:]]
        for entry in sorted({e.message_id: e for e in newest}.values(), key=lambda e: e.message_id):
            self._message(entry, role)

    def pressable(self, emu: Emulator, number: int) -> Button | str | None:
        """The button with this number; or why it cannot be pressed; None: it is no button's number."""
        if not 1 <= number <= len(self.buttons):
            return DELETED.format(n=number) if number <= self.lost else None
        button = self.buttons[number - 1]
        chat_id, message_id = button.key
        entry = next((e for e in emu.transcript(chat_id) if e.message_id == message_id), None)
        if entry is None or entry.deleted:
            return DELETED.format(n=number)
        if all(b.get("callback_data") != button.data for row in _inline(entry) for b in row):
            return TAKEN_AWAY.format(n=number)
        return button

    def print(self, text: str) -> None:
        print(text.replace("\n", "\n   "), file=self.out, flush=True)

    def _chat(self, emu: Emulator, chat: Role) -> None:
        gone = 0
        for entry in emu.transcript(chat.chat_id):
            key = (chat.chat_id, entry.message_id)
            if entry.deleted:
                if key in self.present:
                    self.present.discard(key)
                    self._drop(key)
                    gone += 1
                continue
            self.present.add(key)
            if entry.from_bot:
                self._bot_message(entry, chat, key)
        self._deletions(chat, gone)

    def _bot_message(self, entry: TranscriptEntry, chat: Role, key: Key) -> None:
        state = (entry.text, len(entry.edits), json.dumps(entry.reply_markup, sort_keys=True))
        before = self.shown.get(key)
        if before == state:
            return
        self.shown[key] = state
        if before is None:
            self._message(entry, chat)
            return
        if entry.text and (entry.text, len(entry.edits)) != before[:2]:
            self.print(f"{self._tag(chat)} ✎ {entry.text}")
        if state[2] != before[2]:
            self._buttons(entry, chat)

    def _message(self, entry: TranscriptEntry, chat: Role) -> None:
        body = entry.text if entry.text is not None else _media(entry)
        self.print(f"{self._tag(chat)} {body}")
        self._buttons(entry, chat)
        for row in (entry.reply_markup or {}).get("keyboard", []):
            for b in row:
                hint = "/location LAT LON" if b.get("request_location") else "/contact"
                self.print(f"     (button under the keyboard: {b['text']} — type {hint})")

    def _buttons(self, entry: TranscriptEntry, chat: Role) -> None:
        rows = _inline(entry)
        key = (chat.chat_id, entry.message_id)
        if not rows:  # taken away by an edit: a number pressing them gets a sentence (pressable)
            return
        if chat is not self.role:
            labels = " · ".join(b["text"] for row in rows for b in row)
            self.print(f"     (the {chat.name}'s buttons: {labels} — /as {chat.name} to press them)")
            return
        self.buttons, self.lost = [], 0
        for row in rows:
            cells = []
            for b in row:
                self.buttons.append(Button(key, b["text"], b.get("callback_data", "")))
                cells.append(f"[{len(self.buttons)}] {b['text']}")
            self.print("     " + "   ".join(cells))

    def _drop(self, key: Key) -> None:
        """A deleted message's buttons are no longer yours to press (their numbers say so)."""
        if self.buttons and self.buttons[0].key == key:
            self.lost, self.buttons = len(self.buttons), []

    def _deletions(self, chat: Role, gone: int) -> None:
        """One line for a run of deletions (as /hide makes), once they have stopped."""
        if gone:
            self.deleted[chat.chat_id] = self.deleted.get(chat.chat_id, 0) + gone
            return
        count = self.deleted.pop(chat.chat_id, 0)
        if count:
            what = "1 message" if count == 1 else f"{count} messages"
            self.print(f"🗑 the bot deleted {what} from {chat.place} (on a real phone they vanish too)")

    def _notices(self, emu: Emulator) -> None:
        answers = emu.callback_answers
        for answer in answers[self.notices :]:
            if answer.get("text"):
                kind = "a pop-up" if answer.get("show_alert") else "a notice"
                self.print(f"     ({kind} on the screen: {answer['text']})")
        self.notices = len(answers)

    def _tag(self, chat: Role) -> str:
        return chat.mine if chat is self.role else chat.other


def _media(entry: TranscriptEntry) -> str:
    if entry.latitude is not None and entry.longitude is not None:
        return f"[{entry.kind}: {entry.latitude:.5f}, {entry.longitude:.5f}]"
    return f"[{entry.kind}{': ' + entry.filename if entry.filename else ''}] {entry.caption or ''}".rstrip()


def _inline(entry: TranscriptEntry) -> list[list[dict[str, Any]]]:
    rows: list[list[dict[str, Any]]] = (entry.reply_markup or {}).get("inline_keyboard", [])
    return rows
