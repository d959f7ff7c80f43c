"""A citizen's chat as the bot keeps it: their choices (language, consent, contact), the conversation
in the chat (its step, its draft answers, the ids of its messages) and the report it is linked to.

Every message a citizen sends loads and saves this, so the statements are Core, built once, run on
the unit of work's own connection: one read, one write, no objects, no session. The caller
(services.conversation) begins and commits; a step that needs objects opens a session on the same
connection, in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, String, Table, bindparam, exists, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.locks import lock_chat
from storage.models import Citizen, Conversation, Report, SosAlert

NEW = "new"  # the step of a conversation that has not started (or started again)


@dataclass(frozen=True, slots=True)
class ChatRow:
    """What a citizen's message needs to know, as plain values: the citizen's choices, their
    conversation in the chat and the report it is linked to (linked_id None: none)."""

    citizen_id: int
    language: str | None
    step: str
    data: dict[str, Any]
    message_ids: dict[str, Any]
    handled: list[int]  # the update ids recently handled in this chat (services.seen)
    report_id: int | None  # as the conversation has it
    linked_id: int | None
    reference: str | None
    status: str | None
    submitted: bool | None
    stage: str | None  # the linked report's way home (bot.core.stage), for /status
    sos_since: bool  # the linked report has an SOS not acknowledged, or raised since `since`


@dataclass(frozen=True, slots=True)
class Saved:
    """The conversation as a unit of work saved it: what `write_back` needs to add the ids of the
    messages sent afterwards with one UPDATE and no read."""

    chat_id: int
    data: dict[str, Any]
    message_ids: dict[str, Any]
    updated_at: datetime


_CITIZENS = cast(Table, Citizen.__table__)
_CONVERSATIONS = cast(Table, Conversation.__table__)
_REPORTS = cast(Table, Report.__table__)
_SOS = cast(Table, SosAlert.__table__)
_SOS_SINCE = (
    exists()
    .where(
        _SOS.c.report_id == _REPORTS.c.id,
        or_(
            _SOS.c.acknowledged_at.is_(None),
            _SOS.c.raised_at >= bindparam("since", type_=_SOS.c.raised_at.type),
        ),
    )
    .correlate(_REPORTS)
)
_CHAT_ROW = (
    select(
        _CITIZENS.c.id,
        _CITIZENS.c.language,
        _CONVERSATIONS.c.step,
        _CONVERSATIONS.c.data,
        _CONVERSATIONS.c.message_ids,
        _CONVERSATIONS.c.handled_updates,
        _CONVERSATIONS.c.report_id,
        _REPORTS.c.id,
        _REPORTS.c.reference,
        _REPORTS.c.status,
        _REPORTS.c.submitted,
        _REPORTS.c.stage,
        _SOS_SINCE,
    )
    .select_from(_CITIZENS)
    .outerjoin(_CONVERSATIONS, _CONVERSATIONS.c.chat_id == bindparam("chat"))
    .outerjoin(_REPORTS, _REPORTS.c.id == _CONVERSATIONS.c.report_id)
    .where(_CITIZENS.c.telegram_user_id == bindparam("user"))
)
_SAVE = (
    update(_CONVERSATIONS)
    .where(_CONVERSATIONS.c.chat_id == bindparam("chat"))
    .values(
        step=bindparam("step"),
        data=bindparam("d"),
        report_id=bindparam("report"),
        message_ids=bindparam("ids"),
        handled_updates=bindparam("handled"),
        updated_at=bindparam("now"),
    )
)
_WRITE_BACK = (
    update(_CONVERSATIONS)
    .where(_CONVERSATIONS.c.chat_id == bindparam("chat"), _CONVERSATIONS.c.updated_at == bindparam("seen"))
    .values(data=bindparam("d"), message_ids=bindparam("ids"), updated_at=bindparam("now"))
)
_REWRITE = (
    update(_CONVERSATIONS)
    .where(_CONVERSATIONS.c.chat_id == bindparam("chat"))
    .values(data=bindparam("d"), message_ids=bindparam("ids"), updated_at=bindparam("now"))
)
_READ = select(_CONVERSATIONS.c.data, _CONVERSATIONS.c.message_ids).where(
    _CONVERSATIONS.c.chat_id == bindparam("chat")
)
# The citizen's own choices in one statement: a None leaves the column as it is; consent is kept
# from the first time it was given
_CHOICES = (
    update(_CITIZENS)
    .where(_CITIZENS.c.id == bindparam("citizen"))
    .values(
        language=func.coalesce(bindparam("lang", type_=String), _CITIZENS.c.language),
        contact_pref=func.coalesce(bindparam("pref", type_=String), _CITIZENS.c.contact_pref),
        consent_at=func.coalesce(
            _CITIZENS.c.consent_at, bindparam("consent", type_=_CITIZENS.c.consent_at.type)
        ),
        updated_at=bindparam("now"),
    )
)


class ConversationStore:
    """A chat's state, on a unit of work's connection (it neither begins nor commits)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def lock(self, chat_id: int) -> None:
        """Another worker handling this chat: wait for its commit (PostgreSQL; see storage.locks)."""
        await lock_chat(self.conn, chat_id)

    async def load(self, user_id: int, chat_id: int, since: datetime, now: datetime) -> ChatRow:
        """The chat's state; a first message makes the citizen and the conversation."""
        params = {"user": user_id, "chat": chat_id, "since": since}
        found = (await self.conn.execute(_CHAT_ROW, params)).one_or_none()
        if found is None:  # not a citizen (yet, or no longer)
            citizen = {"telegram_user_id": user_id, "chat_id": chat_id, "created_at": now, "updated_at": now}
            await self.conn.execute(insert(_CITIZENS).values(citizen))
            found = (await self.conn.execute(_CHAT_ROW, params)).one()
        values = tuple(found)
        row = ChatRow(*values[:-1], sos_since=bool(values[-1]))  # type: ignore[misc]
        if row.step is None:  # the citizen's first message in this chat
            fresh = {
                "chat_id": chat_id,
                "step": NEW,
                "data": {},
                "message_ids": {"ids": []},
                "handled_updates": [],
                "updated_at": now,
            }
            await self.conn.execute(insert(_CONVERSATIONS).values(fresh))
            row = replace(
                row, step=NEW, data={}, message_ids={"ids": []}, handled=[], report_id=None, linked_id=None
            )
        return row

    async def choose(
        self, citizen_id: int, now: datetime, lang: str | None, pref: str | None, consent: bool
    ) -> None:
        """The citizen's own choices (None: unchanged); consent is kept from its first time."""
        values = {
            "citizen": citizen_id,
            "now": now,
            "lang": lang,
            "pref": pref,
            "consent": now if consent else None,
        }
        await self.conn.execute(_CHOICES, values)

    async def save(
        self,
        chat_id: int,
        step: str,
        data: dict[str, Any],
        report_id: int | None,
        message_ids: dict[str, Any],
        handled: list[int],
        now: datetime,
    ) -> Saved:
        """The conversation as the step left it (after any objects changed in the unit of work were
        written: the conversation saved here is the one that stays)."""
        values = {
            "chat": chat_id,
            "step": step,
            "d": data,
            "report": report_id,
            "ids": message_ids,
            "handled": handled,
            "now": now,
        }
        await self.conn.execute(_SAVE, values)
        return Saved(chat_id, data, message_ids, now)

    async def write_back(
        self, saved: Saved, data: dict[str, Any], ids: dict[str, Any], now: datetime
    ) -> bool:
        """The conversation with new data and ids, if its row is still as `saved` left it."""
        params = {"chat": saved.chat_id, "seen": saved.updated_at, "d": data, "ids": ids, "now": now}
        result = await self.conn.execute(_WRITE_BACK, params)
        return int(cast(CursorResult[Any], result).rowcount) == 1

    async def read(self, chat_id: int) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The conversation's data and message ids (None: the chat has none)."""
        found = (await self.conn.execute(_READ, {"chat": chat_id})).one_or_none()
        return (dict(found[0] or {}), dict(found[1] or {})) if found is not None else None

    async def rewrite(self, chat_id: int, data: dict[str, Any], ids: dict[str, Any], now: datetime) -> None:
        await self.conn.execute(_REWRITE, {"chat": chat_id, "d": data, "ids": ids, "now": now})
