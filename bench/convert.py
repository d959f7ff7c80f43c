"""Reading an update and writing an outbox payload: what each costs, and what pydantic would.

    python -m bench.convert [--rounds 20000]

Reading: `bot.runtime.convert.to_incoming` (pydantic models in strict mode, then the core's
`Incoming`), and its validation alone, on the four kinds of update a report is made of.
Writing: the outbox's hand-written `to_payload`/`from_payload` (bot/core/serialize.py) against a
pydantic TypeAdapter dumping and validating the same action, a question with three buttons.
Printed: microseconds each, the best of three runs.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import TypeAdapter

from bot.core.actions import InlineButton, InlineKeyboard, SendMessage
from bot.core.serialize import from_payload, to_payload
from bot.runtime.convert import READER, to_incoming

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
QUESTION = SendMessage(
    200001,
    "Apakah kamu aman sekarang?",
    InlineKeyboard(
        (
            (InlineButton("Aman", "f:safe:yes"), InlineButton("Tidak aman", "f:safe:no")),
            (InlineButton("Kembali", "f:back"),),
        )
    ),
)


def per_call(work: Callable[[Any], object], inputs: Sequence[Any], rounds: int) -> float:
    """Microseconds a call, the best of three runs."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(rounds):
            for one in inputs:
                work(one)
        best = min(best, time.perf_counter() - start)
    return best / (rounds * len(inputs)) * 1e6


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.convert", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20000)
    rounds = parser.parse_args(argv).rounds
    reading = per_call(to_incoming, UPDATES, rounds)
    validating = per_call(READER.validate_python, UPDATES, rounds)
    adapter = TypeAdapter(SendMessage)
    payload, dumped = to_payload(QUESTION), adapter.dump_python(QUESTION)
    print(f"reading an update ({len(UPDATES)} kinds, {rounds:,} rounds, the best of 3):")
    print(f"  to_incoming (pydantic validation, then Incoming): {reading:.1f} µs")
    print(f"  of which the validation alone:                    {validating:.1f} µs")
    print("an outbox payload (a question with three buttons):")
    print(f"  hand-written to_payload:    {per_call(to_payload, [QUESTION], rounds):.1f} µs")
    print(f"  pydantic dump_python:       {per_call(adapter.dump_python, [QUESTION], rounds):.1f} µs")
    print(f"  hand-written from_payload:  {per_call(from_payload, [payload], rounds):.1f} µs")
    print(f"  pydantic validate_python:   {per_call(adapter.validate_python, [dumped], rounds):.1f} µs")


if __name__ == "__main__":
    main()
