"""Answers to a broadcast's buttons: one per recipient, a later press replacing it; the report and
the CSV name citizens by reference number, never by Telegram id."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from bot.i18n import Catalogs
from bot.services.broadcasts import parse_answer, record, tally
from bot.services.broadcasts.report import answers_csv, report_text
from tests.broadcasts.conftest import Sessions, broadcast, feed_all, sender, start
from tests.broadcasts.seed import Person, seed
from tests.outbox.conftest import FakePort, Moment


async def test_one_answer_each_and_a_later_press_replaces_it(
    sessions: Sessions, moment: Moment, port: FakePort, catalogs: Catalogs
) -> None:
    refs = await seed(sessions, [Person(11, lang="en"), Person(12), Person(13)], moment.now())
    broadcast_id = await start(sessions, moment)
    await feed_all(sessions, moment, broadcast_id)
    await sender(sessions, port, moment, catalogs).send_due()
    first = moment.now()
    async with sessions() as session, session.begin():
        one = await record(session, 11, broadcast_id, "yes", first)
        assert one is not None and (one.language, one.changed) == ("en", False)
        same = await record(session, 11, broadcast_id, "yes", first + timedelta(minutes=1))
        assert same is not None and not same.changed
        assert await record(session, 12, broadcast_id, "yes", first) is not None
    async with sessions() as session, session.begin():
        changed = await record(session, 12, broadcast_id, "no", first + timedelta(minutes=5))
        assert changed is not None and changed.changed
        assert await record(session, 12, broadcast_id, "maybe", first) is None  # not an option
        assert await record(session, 99, broadcast_id, "yes", first) is None  # not a recipient
        assert await record(session, 13, broadcast_id + 1, "yes", first) is None  # no such broadcast
    async with sessions() as session:
        assert await tally(session, broadcast_id) == {"yes": 1, "no": 1}
        found = await broadcast(sessions, broadcast_id)
        text = await report_text(session, found, catalogs["en"])
        content = await answers_csv(session, found, catalogs["en"])
    assert "✅ I will come: 1" in text and "❌ I cannot come: 1" in text and "• No answer yet: 1" in text
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [(r["reference"], r["delivery"], r["answer"]) for r in rows] == [
        (refs[11], "sent", "yes"),
        (refs[12], "sent", "no"),
        (refs[13], "sent", ""),
    ]
    assert rows[0]["answered_at"] == first.astimezone(catalogs["en"].zone).isoformat(timespec="seconds")
    assert rows[1]["answered_at"].startswith(
        (first + timedelta(minutes=5)).astimezone(catalogs["en"].zone).isoformat()[:16]
    )
    assert rows[1]["answer_label"] == "❌ I cannot come"
    assert not any(str(user) in content.decode() for user in (11, 12, 13))


def test_answer_data_is_read_strictly() -> None:
    assert parse_answer("ba:12:yes") == (12, "yes")
    for forged in ("ba:12", "ba:x:yes", "bc:12:yes", "ba:12:", "ba:1:2:3"):
        assert parse_answer(forged) is None
