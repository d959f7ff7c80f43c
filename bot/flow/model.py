"""The values the step function takes and gives: state, replies and effects."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from bot.core.actions import InlineKeyboard, Markup, SendMessage
from bot.core.serialize import from_payload, to_payload

# Draft marks that the open question is not on the citizen's screen: "_wiped" (they deleted the chat)
# and "_unsent" (the bot's answer was stored but not sent: a crash, Telegram failing; it holds that
# answer, as `unsent_replies` reads it). Until it is shown, typed text is not read as an answer.
WIPED, UNSENT = "_wiped", "_unsent"
NOT_ON_SCREEN = (WIPED, UNSENT)


class Step(StrEnum):
    """The conversation's steps that are not a question of the report; a question's step is its id
    (bot.flow.steps), and "welcome" and "safe" are questions too."""

    NEW = "new"  # nothing said yet, or started again (storage.conversations.NEW)
    WELCOME = "welcome"  # the welcome, where the citizen agrees
    SAFE = "safe"  # whether it is safe to talk now
    DECLINED = "declined"  # did not agree: nothing is kept
    SUMMARY = "summary"  # the report shown before it is sent
    CHANGE = "change"  # which answer to change
    DONE = "done"  # the report sent; what they write goes to it


@dataclass(frozen=True, slots=True)
class State:
    """Where one private chat stands. `data` holds the draft answers and a few "_"-prefixed marks."""

    step: str
    data: dict[str, Any] = field(default_factory=dict)
    lang: str = "id"
    report_id: int | None = None
    submitted: bool = False

    def with_(self, **changes: Any) -> State:
        return replace(self, **changes)

    def answer(self, key: str) -> Any:
        return self.data.get(key)


@dataclass(frozen=True, slots=True)
class Reply:
    """A message to send the citizen. `question` marks the message whose buttons answer the current step."""

    text: str
    markup: Markup | None = None
    question: bool = False
    protect: bool = False


@dataclass(frozen=True, slots=True)
class Close:
    """Close the question message that was answered: show the answer in place of its buttons."""

    message_id: int
    text: str


@dataclass(frozen=True, slots=True)
class Redraw:
    """Show other buttons on a message already sent (a question whose answers toggle); None: none."""

    message_id: int
    markup: InlineKeyboard | None


@dataclass(frozen=True, slots=True)
class Notice:
    """A short answer to a button press (the small pop-up)."""

    text: str


@dataclass(frozen=True, slots=True)
class Wipe:
    """Delete the chat's messages (both sides) from the citizen's phone, those Telegram still allows."""


# Effects: what the handler must do in storage. The flow itself never touches the database.
@dataclass(frozen=True, slots=True)
class SetLanguage:
    lang: str


@dataclass(frozen=True, slots=True)
class GiveConsent:
    pass


@dataclass(frozen=True, slots=True)
class SetContactPref:
    pref: str  # a bot.core.contact.ContactPref


@dataclass(frozen=True, slots=True)
class RecordSOS:
    pass


@dataclass(frozen=True, slots=True)
class Submit:
    pass


@dataclass(frozen=True, slots=True)
class PatchReport:
    """Copy these answers to the stored report (an SOS in progress, or an /update)."""

    fields: dict[str, Any]
    event: str = "updated"


@dataclass(frozen=True, slots=True)
class CitizenMessage:
    """Free text written after the report was sent: it joins the case."""

    text: str


@dataclass(frozen=True, slots=True)
class EraseMyData:
    pass


@dataclass(frozen=True, slots=True)
class SendSearch:
    """A relative's search, sent (bot.flow.seeking): name, birth, place, relation, seeker, contact."""

    fields: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ReportScam:
    """Someone posing as the embassy, as the citizen reported them (bot.flow.verify)."""

    channel: str | None
    who: str | None
    asked_for: str | None
    detail: str | None


@dataclass(frozen=True, slots=True)
class Screened:
    """An answer to one of the optional questions after the report (bot.flow.screening); `first`:
    the first of this round (the case's history gets one entry a round)."""

    question: str
    value: str | list[str] | None
    first: bool = False


Effect = (
    SetLanguage
    | GiveConsent
    | SetContactPref
    | RecordSOS
    | Submit
    | PatchReport
    | CitizenMessage
    | EraseMyData
    | SendSearch
    | ReportScam
    | Screened
)
Output = Reply | Close | Redraw | Notice | Wipe


@dataclass(frozen=True, slots=True)
class Context:
    """What the step function may know of the world, besides the state."""

    today: date
    mission: str
    phone: str | None
    retention_days: int
    reference: str | None = None  # the case reference, once there is one
    status: str | None = None  # the case status, for /status
    stage: str | None = None  # where the case stands on its way home (bot.core.stage), for /status
    queued: bool = False  # an SOS passed this chat's slowed messages, which still wait their turn
    searching: bool = False  # officers are looking for the citizen after an SOS (services.sos)
    searches: tuple[tuple[str, str], ...] = ()  # a relative's searches (reference, status), for /status
    website: str | None = None  # the official website that links to the bot (/verify)
    fees: str | None = None  # the official fees, in the mission's words (/verify)
    scams_today: int = 0  # scam reports this account sent in the last 24 hours (counted when needed)
    scam_limit: int = 3  # how many it may send in 24 hours


@dataclass(slots=True)
class Outcome:
    state: State
    out: list[Output] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)


def kept_replies(replies: list[Reply]) -> list[dict[str, Any]]:
    """Replies as the draft keeps them until they are sent (UNSENT): JSON values."""
    return [
        {"send": to_payload(SendMessage(0, r.text, r.markup, r.protect)), "question": r.question}
        for r in replies
    ]


def unsent_replies(data: dict[str, Any]) -> list[Reply]:
    """The replies the draft keeps as not sent yet (see kept_replies); [] when none or unreadable."""
    found: list[Reply] = []
    kept = data.get(UNSENT)
    for item in kept if isinstance(kept, list) else []:
        try:
            action = from_payload(item["send"])
        except (KeyError, TypeError, ValueError):
            continue
        if isinstance(action, SendMessage):
            markup = action.markup
            found.append(Reply(action.text, markup, bool(item.get("question")), action.protect_content))
    return found
