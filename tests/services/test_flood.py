"""The flood gate: under the limit at once; over it, each message a turn later, in order, one notice
per burst; memory stays bounded however many chats write."""

from __future__ import annotations

import pytest

from bot.services.flood import FloodGate

pytestmark = pytest.mark.no_database  # runs on the SQLite pass only (tests/conftest.py)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_under_the_limit_nothing_waits() -> None:
    clock = Clock()
    gate = FloodGate(limit=8, window=10, clock=clock)
    for _ in range(8):
        turn = gate.turn(1)
        assert (turn.delay, turn.notify) == (0, False)
        clock.now += 0.1
    clock.now += 10
    assert gate.turn(1).delay == 0  # a new window: a fresh start


def test_over_the_limit_each_message_waits_its_turn_and_one_notice_is_asked() -> None:
    clock = Clock()
    gate = FloodGate(limit=8, window=10, clock=clock)
    for _ in range(8):
        gate.turn(1)
    turns = [gate.turn(1) for _ in range(4)]
    assert [t.delay for t in turns] == pytest.approx([1.25, 2.5, 3.75, 5.0])  # in order, none dropped
    assert [t.notify for t in turns] == [True, False, False, False]
    assert gate.turn(2).delay == 0  # another chat is not slowed
    clock.now += 30
    assert [gate.turn(1).delay for _ in range(8)] == [0] * 8
    assert gate.turn(1).notify  # a new burst gets its own notice


def test_memory_is_bounded_by_chat_count_and_quiet_chats_are_forgotten() -> None:
    clock = Clock()
    gate = FloodGate(limit=3, window=10, max_chats=100, clock=clock)
    for chat in range(10_000):
        gate.turn(chat)
    assert len(gate) == 100
    assert all(len(c.turns) <= 3 for c in gate._chats.values())
    clock.now += 11
    for chat in range(50):
        gate.turn(20_000 + chat)
    assert len(gate) <= 100 and 20_049 in gate._chats
    assert 9_950 not in gate._chats  # quiet ones went first


def test_a_gate_needs_sensible_numbers() -> None:
    with pytest.raises(ValueError):
        FloodGate(limit=0, window=10)
