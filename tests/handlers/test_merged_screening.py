"""A citizen whose case was merged into another (the same person reported twice) answers the
screening questions: the answers reach the case officers work on, the one kept, whose page and card
show them; the case merged away has no page of its own any more."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.app import Hotline
from bot.core.incoming import Kind
from storage.models import Citizen, Conversation, Report
from tests.handlers.test_citizen_paths import USER, Chat, chat, clock, hotline  # noqa: F401

NOW = datetime(2026, 1, 20, 3, 0, tzinfo=UTC)


async def test_screening_answers_of_a_merged_case_reach_the_case_kept(hotline: Hotline, chat: Chat) -> None:  # noqa: F811
    async with hotline.sessions() as session, session.begin():
        friend = Citizen(telegram_user_id=USER + 1, chat_id=USER + 1, created_at=NOW, updated_at=NOW)
        mine = Citizen(telegram_user_id=USER, chat_id=USER, consent_at=NOW, contact_pref="any", language="en",
                       created_at=NOW, updated_at=NOW)  # fmt: skip
        session.add_all([friend, mine])
        await session.flush()
        kept = Report(citizen_id=friend.id, language="id", full_name="Siti Nurhaliza", submitted=True,
                      status="new", created_at=NOW, updated_at=NOW, reference="PNH-000001")  # fmt: skip
        gone = Report(citizen_id=mine.id, language="en", full_name="Siti Nurhaliza", submitted=True,
                      status="new", created_at=NOW, updated_at=NOW, reference="PNH-000002")  # fmt: skip
        session.add_all([kept, gone])
        await session.flush()
        gone.merged_into_id = kept.id
        session.add(Conversation(chat_id=USER, step="done", data={"full_name": "Siti Nurhaliza"},
                                 report_id=gone.id, message_ids={"ids": [[1, 0]]}))  # fmt: skip
        kept_id, gone_id = kept.id, gone.id
    chat.port.texts[1] = "an older message"  # a message on screen to press a button under
    assert any(
        "How did you hear about the job?" in t
        for t in await chat.send(Kind.BUTTON, callback_data="scr:start")
    )
    await chat.send(Kind.BUTTON, callback_data="scr:a:recruited:-")
    await chat.send(Kind.BUTTON, callback_data="scr:a:promised:other_work")
    async with hotline.sessions() as session:
        reports = {r.id: r for r in await session.scalars(select(Report))}
    assert reports[kept_id].screening == {"recruited": None, "promised": "other_work"}
    assert not reports[gone_id].screening
