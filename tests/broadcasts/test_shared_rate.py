"""The handlers' own answers and the outbox share one overall rate: answers go at once, the outbox's
next rows wait for the tokens they used."""

from __future__ import annotations

import pytest

from bot.core.actions import AnswerCallback, EditMessage, SendMessage
from bot.services.outbox import Sender, SharedRatePort
from bot.services.outbox.pacing import TokenBucket
from tests.broadcasts.conftest import Sessions
from tests.outbox.conftest import FakePort, Moment, put


async def test_answers_count_against_the_rate_without_waiting(
    sessions: Sessions, moment: Moment, port: FakePort
) -> None:
    sender = Sender(
        sessions, port, rate=20.0, private_per_second=1000.0, clock=moment.now, timer=moment.timer
    )
    shared = SharedRatePort(port, sender.sent_elsewhere)
    start = moment.timer()
    for n in range(6):
        await shared.perform(SendMessage(n + 1, "answer"))
    await shared.perform(AnswerCallback("q1", "ok"))  # no message: not counted
    await shared.perform(EditMessage(1, 5, "edited"))  # not a new message either
    assert port.at[-1] - start < 0.05  # the answers went at once
    await put(sessions, moment, 99, "broadcast row")
    assert await sender.send_due() == 1
    assert port.at[-1] - start >= 0.25  # six tokens used up: the row waited for them (6/20 s)
    assert await shared.member_status(1, 2) == "member"


async def test_a_surge_of_answers_holds_the_outbox_back_a_second_at_most(
    sessions: Sessions, moment: Moment, port: FakePort
) -> None:
    sender = Sender(
        sessions, port, rate=20.0, private_per_second=1000.0, clock=moment.now, timer=moment.timer
    )
    for _ in range(200):  # ten seconds' worth of answers at once
        sender.sent_elsewhere()
    await put(sessions, moment, 99, "SOS card")
    start = moment.timer()
    assert await sender.send_due() == 1
    assert 0.9 <= port.at[-1] - start <= 1.3


def test_the_senders_bucket_catches_up_a_tenth_of_a_second_and_no_more() -> None:
    bucket = TokenBucket(30.0, now=0.0, burst=3.0)
    bucket.take(0.0)
    assert bucket.wait(0.0) == pytest.approx(1 / 30)
    for _ in range(3):  # woke late, a quiet second even: three may go at once, not four
        assert bucket.wait(1.0) == 0
        bucket.take(1.0)
    assert bucket.wait(1.0) == pytest.approx(1 / 30)
    bucket.spend(1.0, most=30.0)  # debt, down to a second's worth at most
    for _ in range(100):
        bucket.spend(1.0, most=30.0)
    assert bucket.wait(1.0) == pytest.approx(31 / 30)
