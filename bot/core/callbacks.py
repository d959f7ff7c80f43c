"""Callback data, the protocol between a button and the code that acts on it: built and read here
only. Data is `<scope>:<field>:<field>…`; the scope says what the button belongs to (and so which
handler takes it), the fields what it does. Routing reads data, never a label.

Numbers in data (a case, a broadcast) are read with `record_id`: forged data must not reach the
database as a number it cannot hold, or as a digit of another script ("²", "٣")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

MAX_BYTES = 64  # Telegram's limit on callback data
_ID = re.compile(r"[0-9]{1,18}")  # below 2**63: a BIGINT on every database, an INTEGER on SQLite


class Scope(StrEnum):
    """What a button belongs to; the first field of its data."""

    SOS = "sos"  # 🆘 under every question: no fields
    FORM = "f"  # f:<question>:<value>      an answer to a question of the report
    SUMMARY = "sum"  # sum:send|change|more|cancel
    CHANGE = "chg"  # chg:<question>|back      which answer to change
    UPDATE = "upd"  # upd:location|safety|more|home  what to update after sending
    LANGUAGE = "lang"  # lang:id|en
    CONTACT = "pref"  # pref:any|on_reply        may the embassy write first
    DANGER = "dgr"  # dgr:no                     "not in danger now"
    HIDE = "hide"  # hide:yes|no                 delete the chat from the phone
    DELETE = "del"  # del:yes|no|sure            erase my data
    CANCEL = "cx"  # cx:yes|no                   cancel the report
    CASE = "o"  # o:ack|take|det:<report id>     a case card's buttons (officers)
    STAFF = "bc"  # bc:…                         composing and following broadcasts (staff)
    ANSWER = "ba"  # ba:<broadcast id>:<option>  a citizen's answer to a broadcast
    FLIGHT = "fl"  # fl:<flight id>:yes|no       a passenger's answer to their flight's notice
    # Who is who (issue 19)
    SCREEN = "scr"  # scr:…                      the optional screening questions after a report
    SEEK = "sk"  # sk:…                          "looking for someone" (a relative's conversation)
    FOUND = "fnd"  # fnd:<search id>:yes|no      the person found: may we tell the relative you are safe
    REFER = "ref"  # ref:<referral id>:yes|no    the citizen's consent to a referral to a partner
    VERIFY = "vf"  # vf:…                        /verify and its "report a scam"


# Scopes whose buttons the citizen's conversation takes (the others have handlers of their own)
CITIZEN_SCOPES = frozenset(Scope) - {
    Scope.CASE, Scope.STAFF, Scope.ANSWER, Scope.FLIGHT, Scope.FOUND, Scope.REFER
}  # fmt: skip


def record_id(text: str) -> int | None:
    """A database id written in callback data, or None when the text is not one."""
    return int(text) if _ID.fullmatch(text) else None


def callback(scope: Scope, *fields: object) -> str:
    """The data of a button. Raises ValueError when it would be longer than Telegram takes, or a
    field holds the separator (it would be read back as two)."""
    parts = [str(f) for f in fields]
    if any(":" in p for p in parts):
        raise ValueError(f"a callback field may not hold ':' ({parts})")
    data = ":".join((scope.value, *parts))
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


@dataclass(frozen=True, slots=True)
class Callback:
    """Callback data as read: its scope and fields. A field asked for past the end is ""."""

    scope: Scope
    fields: tuple[str, ...] = ()

    @classmethod
    def parse(cls, data: str | None) -> Callback | None:
        """None for data no button of the bot makes (empty, too long, an unknown scope)."""
        if not data or len(data.encode()) > MAX_BYTES:
            return None
        head, *rest = data.split(":")
        try:
            scope = Scope(head)
        except ValueError:
            return None
        return cls(scope, tuple(rest))

    def field(self, index: int) -> str:
        return self.fields[index] if index < len(self.fields) else ""

    def number(self, index: int) -> int | None:
        """A field read as a database id (None when it is not one)."""
        return record_id(self.field(index))

    @property
    def data(self) -> str:
        return ":".join((self.scope.value, *self.fields))
