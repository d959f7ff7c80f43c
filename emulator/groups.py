"""Chats and memberships the tests set up: groups, members, users blocking the bot."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from emulator import models
from emulator.messages import enqueue
from emulator.state import Chat, EmulatorState, EmuUser


def set_blocked(st: EmulatorState, chat: Chat, user: EmuUser, blocked: bool) -> None:
    """Blocking and unblocking also tell the bot, with a my_chat_member update as Telegram does."""
    if chat.blocked == blocked:
        return
    chat.blocked = blocked
    if not chat.started:
        return
    old, new = ("member", "kicked") if blocked else ("kicked", "member")
    bot = models.bot_user(st)
    payload = {
        "chat": models.chat_dict(chat),
        "from": models.user_dict(user),
        "date": st.now(),
        "old_chat_member": models.chat_member(old, bot),
        "new_chat_member": models.chat_member(new, bot),
    }
    enqueue(st, "my_chat_member", payload, chat.id)


class ChatActions:
    """Mixin of Emulator: setting up chats and memberships."""

    _st: EmulatorState

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends and edits to their private chat answer 403."""
        st = self._st
        user = st.users.get(user_id) or EmuUser(user_id, f"User {user_id}")
        st.users.setdefault(user_id, user)
        set_blocked(st, st.private_chat(user), user, True)

    def unblock(self, user_id: int) -> None:
        chat = self._st.chats.get(user_id)
        if chat is not None and chat.user is not None:
            set_blocked(self._st, chat, chat.user, False)

    def create_group(
        self,
        chat_id: int,
        title: str,
        members: Iterable[EmuUser],
        is_forum: bool = False,
        admins: Iterable[EmuUser | int] = (),
        bot_status: str = "member",
    ) -> dict[str, Any]:
        """A group (ids below -1000000000000 or forums are supergroups) with the bot in it."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        kind = "supergroup" if is_forum or chat_id <= -1_000_000_000_000 else "group"
        chat = Chat(id=chat_id, type=kind, title=title, is_forum=is_forum)
        admin_ids = {a if isinstance(a, int) else a.id for a in admins}
        for member in members:
            self._st.users.setdefault(member.id, member)
            chat.members[member.id] = "administrator" if member.id in admin_ids else "member"
        chat.members[self._st.bot_id] = _check_status(bot_status)
        self._st.chats[chat_id] = chat
        return models.chat_dict(chat)

    def set_member(self, chat_id: int, user: EmuUser | int, status: str = "member") -> None:
        """Changes a membership: creator, administrator, member, left or kicked (the bot: its id)."""
        chat = self._st.chats.get(chat_id)
        if chat is None or not chat.is_group:
            raise ValueError(f"no group {chat_id}")
        if isinstance(user, EmuUser):
            self._st.users.setdefault(user.id, user)
        chat.members[user if isinstance(user, int) else user.id] = _check_status(status)


def _check_status(status: str) -> str:
    if status not in models.MEMBER_STATUSES:
        raise ValueError(f"status must be one of {models.MEMBER_STATUSES}")
    return status
