"""The update-reading benchmark compares like with like: both readers accept every update it times,
and read the same ids from them."""

from __future__ import annotations

from pydantic import TypeAdapter

from bench.convert import UPDATES, Update
from bot.runtime.convert import to_incoming


def test_both_readers_take_every_benchmarked_update_alike() -> None:
    adapter = TypeAdapter(Update)
    for update in UPDATES:
        incoming, model = to_incoming(update), adapter.validate_python(update)
        assert incoming is not None and incoming.update_id == model.update_id
        sender = model.message.from_ if model.message else model.callback_query.from_  # type: ignore[union-attr]
        assert sender is not None and incoming.user_id == sender.id
