"""Broadcast rows through the outbox sender: the citizen's language, the embassy's name, answer
buttons, withdrawn consent, a block on the way, held rows, citizens first, and the one window in
which a message may go twice."""

from __future__ import annotations

from sqlalchemy import update

from bot.core.actions import InlineKeyboard, SendMessage
from bot.core.port import DeliveryError
from bot.i18n import Catalogs
from bot.services.broadcasts import figures
from bot.services.outbox import SENDING, SENT, enqueue, release_held
from storage.models import Citizen, OutboxMessage
from tests.broadcasts.conftest import Sessions, broadcast, feed_all, outbox, sender, start
from tests.broadcasts.seed import Person, seed
from tests.outbox.conftest import FakePort, Moment


def sent_to(port: FakePort, chat_id: int) -> list[SendMessage]:
    return [a for a in port.performed if isinstance(a, SendMessage) and a.chat_id == chat_id]


async def test_each_citizen_gets_it_once_in_their_language_with_the_buttons(
    sessions: Sessions, moment: Moment, port: FakePort, catalogs: Catalogs
) -> None:
    await seed(sessions, [Person(1, lang="id"), Person(2, lang="en")], moment.now())
    broadcast_id = await start(sessions, moment)
    await feed_all(sessions, moment, broadcast_id)
    assert await sender(sessions, port, moment, catalogs).send_due() == 2
    [to_id], [to_en] = sent_to(port, 1), sent_to(port, 2)
    assert to_id.text == "🏛 Pesan dari KBRI Phnom Penh:\n\nKumpul jam 8"
    assert to_en.text == "🏛 Message from KBRI Phnom Penh:\n\nGather at 8"
    assert isinstance(to_id.markup, InlineKeyboard) and isinstance(to_en.markup, InlineKeyboard)
    assert [(b.text, b.data) for row in to_id.markup.rows for b in row] == [
        (catalogs["id"]("✅ I will come"), f"ba:{broadcast_id}:yes"),
        (catalogs["id"]("❌ I cannot come"), f"ba:{broadcast_id}:no"),
    ]
    assert [b.text for row in to_en.markup.rows for b in row] == ["✅ I will come", "❌ I cannot come"]


async def test_a_missing_translation_gives_the_other_text(
    sessions: Sessions, moment: Moment, port: FakePort, catalogs: Catalogs
) -> None:
    await seed(sessions, [Person(1, lang="id"), Person(2, lang="en")], moment.now())
    broadcast_id = await start(sessions, moment, texts=("Kumpul jam 8", None), buttons="none")
    await feed_all(sessions, moment, broadcast_id)
    await sender(sessions, port, moment, catalogs).send_due()
    [to_en] = sent_to(port, 2)
    assert to_en.text == "🏛 Message from KBRI Phnom Penh:\n\nKumpul jam 8" and to_en.markup is None


async def test_deleted_data_blocked_bot_and_held_rows_are_told_apart(
    sessions: Sessions, moment: Moment, port: FakePort, catalogs: Catalogs
) -> None:
    people = [Person(1), Person(2), Person(3, pref="on_reply"), Person(4), Person(5)]
    await seed(sessions, people, moment.now())
    broadcast_id = await start(sessions, moment)
    await feed_all(sessions, moment, broadcast_id)
    async with sessions() as session, session.begin():  # citizen 4 deletes their data meanwhile
        await session.execute(update(Citizen).where(Citizen.chat_id == 4).values(consent_at=None))
    port.fail[2].append(DeliveryError(403, "Forbidden: bot was blocked by the user"))
    port.fail[5].append(DeliveryError(400, "Bad Request: chat not found"))
    await sender(sessions, port, moment, catalogs).send_due()
    assert [getattr(a, "chat_id", None) for a in port.performed] == [1]
    async with sessions() as session:
        counted = await figures(session, await broadcast(sessions, broadcast_id))
    assert (counted.sent, counted.blocked, counted.withdrawn, counted.failed, counted.held) == (1, 1, 1, 1, 1)
    async with sessions() as session, session.begin():  # citizen 3 writes: theirs goes now
        assert await release_held(session, 3, moment.now()) == 1
    await sender(sessions, port, moment, catalogs).send_due()
    assert len(sent_to(port, 3)) == 1


async def test_citizens_conversations_go_before_a_broadcast_backlog(
    sessions: Sessions, moment: Moment, port: FakePort, catalogs: Catalogs
) -> None:
    await seed(sessions, [Person(u) for u in range(1, 301)], moment.now())
    broadcast_id = await start(sessions, moment)
    await feed_all(sessions, moment, broadcast_id)
    async with sessions() as session, session.begin():  # an officer answers a citizen meanwhile
        await enqueue(session, action=SendMessage(5000, "Petugas: kami datang"), chat_id=5000,
                      kind="relay_out", priority=2, now=moment.now())  # fmt: skip
    await sender(sessions, port, moment, catalogs, batch=50, concurrency=1).send_due()
    assert port.performed[0] == SendMessage(5000, "Petugas: kami datang")
    assert len(port.performed) == 301


async def test_the_one_window_a_message_can_go_twice(
    sessions: Sessions, moment: Moment, port: FakePort, catalogs: Catalogs
) -> None:
    """Killed after Telegram accepted a message and before "sent" was committed: it goes again."""
    await seed(sessions, [Person(1), Person(2)], moment.now())
    broadcast_id = await start(sessions, moment)
    await feed_all(sessions, moment, broadcast_id)
    await sender(sessions, port, moment, catalogs).send_due()
    async with sessions() as session, session.begin():  # as if the process died right after the request
        await session.execute(update(OutboxMessage).where(OutboxMessage.chat_id == 2).values(status=SENDING))
    again = sender(sessions, port, moment, catalogs)
    assert await again.recover() == 1
    await again.send_due()
    assert (len(sent_to(port, 1)), len(sent_to(port, 2))) == (1, 2)
    assert {r.status for r in await outbox(sessions)} == {SENT}
