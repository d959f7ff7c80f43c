"""The worker: a scheduled broadcast starts when due, its recipients are enqueued, the staff member's
progress message is edited (one edit waiting at most, every two seconds at most), then the summary."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from bot.core.actions import EditMessage
from bot.i18n import Catalogs
from bot.services.broadcasts import BroadcastWorker, Filters, Plan, launch
from bot.services.broadcasts.progress import bar, time_left
from bot.services.broadcasts.states import DONE, ENQUEUING, PROGRESS_KIND, SCHEDULED, SENDING
from storage.models import Broadcast
from tests.broadcasts.conftest import STAFF, Sessions, broadcast, outbox, sender
from tests.broadcasts.seed import Person, seed
from tests.outbox.conftest import FakePort, Moment

PROGRESS_MESSAGE = 77


def worker(sessions: Sessions, moment: Moment) -> BroadcastWorker:
    return BroadcastWorker(sessions, moment.now, lambda: None, moment.timer, batch=2)


async def test_from_scheduled_to_done_with_progress_edits(
    sessions: Sessions, moment: Moment, port: FakePort, catalogs: Catalogs
) -> None:
    await seed(
        sessions,
        [Person(u, lang="en" if u % 2 else "id") for u in range(1, 6)] + [Person(6, pref="on_reply")],
        moment.now(),
    )
    async with sessions() as session, session.begin():
        plan = Plan(Filters(), "Kumpul", "Gather", "ack", moment.now() + timedelta(minutes=10))
        broadcast_id = (await launch(session, plan, STAFF, STAFF, PROGRESS_MESSAGE, moment.now())).id
    work = worker(sessions, moment)
    await work.step()
    assert (await broadcast(sessions, broadcast_id)).status == SCHEDULED
    moment.advance(600)
    await work.step()
    found = await broadcast(sessions, broadcast_id)
    assert (found.status, found.total, found.started_at) == (SENDING, 6, moment.now())
    progress = [r for r in await outbox(sessions) if r.kind == PROGRESS_KIND]
    assert len(progress) == 1  # the first progress edit
    await work.step()
    assert len([r for r in await outbox(sessions) if r.kind == PROGRESS_KIND]) == 1  # one waits already

    out = sender(sessions, port, moment, catalogs)
    await out.send_due()
    edits = [a for a in port.performed if isinstance(a, EditMessage)]
    assert edits and edits[-1].chat_id == STAFF and edits[-1].message_id == PROGRESS_MESSAGE
    moment.advance(2.5)
    await work.step()
    assert (await broadcast(sessions, broadcast_id)).status == DONE
    await out.send_due()
    final = [a for a in port.performed if isinstance(a, EditMessage)][-1]
    t = catalogs["en"]
    assert final.text.startswith(t("✅ Broadcast #{n} is finished.", n=broadcast_id))
    assert t("✉️ Sent: {sent} of {total}", sent=5, total=6) in final.text
    assert t("⏸ Held until they write: {n}", n=1) in final.text
    assert final.markup is not None and final.markup.rows[0][0].data == f"bc:rep:{broadcast_id}"


async def test_a_restart_mid_feeding_goes_on(sessions: Sessions, moment: Moment) -> None:
    await seed(sessions, [Person(u) for u in range(1, 8)], moment.now())
    async with sessions() as session, session.begin():
        broadcast_id = (
            await launch(session, Plan(Filters(), "a", "b", "none", None), STAFF, STAFF, None, moment.now())
        ).id
        await session.execute(update(Broadcast).values(status=ENQUEUING, cursor=3))  # died after 3
    await worker(sessions, moment).step()
    found = await broadcast(sessions, broadcast_id)
    assert (found.status, found.total) == (SENDING, 4)  # the batches committed before are not redone


def test_bar_and_time_left(catalogs: Catalogs) -> None:
    assert bar(0, 10) == "░" * 12 + " 0%"
    assert bar(5, 10) == "▓" * 6 + "░" * 6 + " 50%"
    assert bar(3, 0) == "▓" * 12 + " 100%"
    t = catalogs["en"]
    assert time_left(0.2, t) == "⏳ About 1 second left"
    assert time_left(45, t) == "⏳ About 45 seconds left"
    assert time_left(330, t) == "⏳ About 6 minutes left"
    assert time_left(330, catalogs["id"]) == "⏳ Sekitar 6 menit lagi"
