"""Each chat's recently handled update ids, so that an update delivered twice (a webhook retry, a
restart before the offset was confirmed) is handled once.

They are kept in the chat's `conversations.handled_updates`: for a citizen in the same unit of
work as their answer (exactly once), for the officer group and staff chats before the command runs
(at most once: a crash in between loses the command, which the officer sees and sends again; a
double would change a case twice). A set of recent ids rather than the highest one, because an SOS
is handled ahead of a chat's slowed messages (services.flood): an older update may come after a newer.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.flow.model import Step
from storage.locks import lock_chat
from storage.models import Conversation
from storage.repositories import conversation

KEEP = 64


def seen_before(conv: Conversation, update_id: int | None) -> bool:
    """True when this update was handled in this chat; else it is recorded as handled."""
    marked = marked_seen(conv.handled_updates or [], update_id)
    if marked is None:
        return True
    conv.handled_updates = marked
    return False


def marked_seen(handled: list[int], update_id: int | None) -> list[int] | None:
    """The recently handled ids with this update's added (the same list when there is no id), or
    None when it was handled already."""
    if update_id is None:
        return handled
    if update_id in handled or (len(handled) >= KEEP and update_id < min(handled)):
        return None
    return [*handled, update_id][-KEEP:]


async def first_time(sessions: async_sessionmaker[AsyncSession], chat_id: int, update_id: int | None) -> bool:
    """Record the update as handled in its own unit of work; False when it was handled already."""
    if update_id is None:
        return True
    async with sessions() as session, session.begin():
        await lock_chat(session, chat_id)  # a retry racing in another worker waits for this commit
        conv = await conversation(session, chat_id)
        if conv is None:
            conv = Conversation(
                chat_id=chat_id, step=Step.NEW, data={}, message_ids={"ids": []}, handled_updates=[]
            )
            session.add(conv)
        return not seen_before(conv, update_id)
