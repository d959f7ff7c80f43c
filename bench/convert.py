"""Reading an update: the hand-written reader (bot.runtime.convert.to_incoming) against pydantic
validating the same fields into models, on the updates a report is made of.

    python -m bench.convert [--rounds 20000]

The pydantic side only validates (it does not build the core's Incoming afterwards), so it is the
lower bound of what the reader would cost with pydantic. Printed: microseconds an update, each way.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from bot.runtime.convert import to_incoming

Id = Annotated[int, Field(gt=-(2**63), lt=2**63, strict=True)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class User(_Model):
    id: Id
    first_name: str = ""
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None


class Chat(_Model):
    id: Id
    type: str


class Location(_Model):
    latitude: float = Field(allow_inf_nan=False)
    longitude: float = Field(allow_inf_nan=False)
    live_period: int | None = None


class Message(_Model):
    message_id: Id
    chat: Chat
    from_: User | None = Field(default=None, alias="from")
    text: str | None = Field(default=None, max_length=4096)
    location: Location | None = None
    message_thread_id: Id | None = None


class CallbackMessage(_Model):
    message_id: Id
    chat: Chat


class CallbackQuery(_Model):
    id: str
    from_: User = Field(alias="from")
    message: CallbackMessage | None = None
    data: str | None = Field(default=None, max_length=64)


class Update(_Model):
    update_id: Id
    message: Message | None = None
    edited_message: Message | None = None
    callback_query: CallbackQuery | None = None


USER = {"id": 200001, "is_bot": False, "first_name": "Warga", "last_name": "Satu", "language_code": "id"}
CHAT = {"id": 200001, "type": "private", "first_name": "Warga"}
UPDATES: list[dict[str, Any]] = [
    {"update_id": 1, "message": {"message_id": 5, "date": 1, "chat": CHAT, "from": USER, "text": "/start"}},
    {"update_id": 2, "callback_query": {"id": "77", "from": USER, "chat_instance": "1",
                                        "data": "f:welcome:agree",
                                        "message": {"message_id": 6, "date": 1, "chat": CHAT}}},
    {"update_id": 3, "message": {"message_id": 7, "date": 1, "chat": CHAT, "from": USER,
                                 "location": {"latitude": 11.56, "longitude": 104.93}}},
    {"update_id": 4, "message": {"message_id": 8, "date": 1, "chat": CHAT, "from": USER,
                                 "text": "Gedung biru dekat pasar, lantai 3"}},
]  # fmt: skip


def per_update(work: Callable[[dict[str, Any]], object], rounds: int) -> float:
    """Microseconds an update, the best of three runs."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(rounds):
            for update in UPDATES:
                work(update)
        best = min(best, time.perf_counter() - start)
    return best / (rounds * len(UPDATES)) * 1e6


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.convert", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20000)
    rounds = parser.parse_args(argv).rounds
    adapter = TypeAdapter(Update)
    hand = per_update(to_incoming, rounds)
    models = per_update(adapter.validate_python, rounds)
    print(f"reading an update ({len(UPDATES)} kinds, {rounds:,} rounds, the best of 3):")
    print(f"  hand-written to_incoming (validates and builds Incoming): {hand:.1f} µs")
    print(f"  pydantic models, validation alone:                        {models:.1f} µs")


if __name__ == "__main__":
    main()
