"""The limits kept on our side: no burst above the overall rate, per-chat turns counted from the finish."""

from __future__ import annotations

import math

import pytest

from bot.services.outbox.pacing import ChatPacer, TokenBucket


def test_the_bucket_allows_no_burst_above_the_rate() -> None:
    bucket = TokenBucket(30.0, now=100.0)
    assert bucket.wait(100.0) == 0
    bucket.take(100.0)
    assert bucket.wait(100.0) == pytest.approx(1 / 30)
    bucket.take(100.0 + 1 / 30)
    # a long quiet time does not save up a burst: still one at a time
    assert bucket.wait(200.0) == 0
    bucket.take(200.0)
    assert bucket.wait(200.0) == pytest.approx(1 / 30)


def test_the_bucket_pauses_and_refunds() -> None:
    bucket = TokenBucket(10.0, now=0.0)
    bucket.pause(5.0)
    assert bucket.wait(1.0) == pytest.approx(4.0)
    assert bucket.wait(5.0) == 0
    bucket.take(5.0)
    bucket.refund()
    assert bucket.wait(5.0) == 0
    assert TokenBucket(math.inf, now=0.0).wait(0.0) == 0


def test_a_private_chat_waits_a_second_from_the_end_of_its_last_send() -> None:
    pacer = ChatPacer(private_per_second=1.0, group_per_minute=20)
    assert pacer.ready_at(7, 10.0) <= 10.0
    pacer.started(7, 10.0)
    assert pacer.ready_at(7, 10.5) == math.inf  # in flight
    pacer.finished(7, 10.4)  # the request took 0.4 s
    assert pacer.ready_at(7, 10.5) == pytest.approx(11.4)
    assert pacer.waiting(10.5) == ([7], pytest.approx(11.4))  # type: ignore[comparison-overlap]
    assert pacer.waiting(11.4) == ([], None)
    pacer.started(7, 12.0)
    pacer.cancelled(7)  # nothing was sent after all
    assert pacer.ready_at(7, 12.0) <= 12.0


def test_a_group_gets_its_number_a_minute() -> None:
    pacer = ChatPacer(private_per_second=1.0, group_per_minute=3)
    for t in (0.0, 1.0, 2.0):
        assert pacer.ready_at(-9, t) <= t
        pacer.started(-9, t)
        pacer.finished(-9, t + 0.5)
    assert pacer.ready_at(-9, 3.0) == pytest.approx(60.5)  # the first send finished at 0.5
    assert pacer.waiting(3.0) == ([-9], pytest.approx(60.5))  # type: ignore[comparison-overlap]
    assert pacer.ready_at(-9, 60.5) <= 60.5
    assert pacer.ready_at(-8, 3.0) <= 3.0  # another group has its own minute


def test_a_chat_told_to_wait_waits() -> None:
    pacer = ChatPacer(private_per_second=1.0, group_per_minute=20)
    pacer.pause(-9, 30.0)
    assert pacer.ready_at(-9, 1.0) == 30.0
    assert pacer.waiting(1.0) == ([-9], 30.0)
