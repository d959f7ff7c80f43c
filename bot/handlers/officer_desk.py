"""What every officer action needs (built once in the Hotline), and the answers two of them share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.core.actions import SendMessage
from bot.core.incoming import Incoming
from bot.core.port import BotPort
from bot.i18n import N_, Catalogs, Translator
from bot.services.alerts import AlertSettings
from bot.services.cards import MESSAGE_LIMIT
from bot.services.casework import Casework, Officer, Relay
from bot.services.people import People
from bot.services.referrals import Referrals
from bot.services.roles import Roles

SAY_PART = 4000  # a long answer goes in parts this long (a message holds 4,096 characters)


@dataclass(frozen=True, slots=True)
class OfficerDesk:
    casework: Casework
    people: People
    catalogs: Catalogs
    alerts: AlertSettings
    roles: Roles
    clock: Callable[[], datetime]
    referrals: Referrals | None = None  # /refer (services.referrals)

    @property
    def t(self) -> Translator:
        return self.catalogs[self.alerts.officer_language]


def officer_of(inp: Incoming) -> Officer:
    return Officer(inp.user_id, inp.user_name or str(inp.user_id))


async def relay(desk: OfficerDesk, inp: Incoming, port: BotPort, report_id: int, text: str) -> None:
    """The officer's words to the citizen (services.casework.reply), and a word back to the officer."""
    t = desk.t
    done = await desk.casework.reply(report_id, officer_of(inp), text)
    reference = done.reference
    if done.outcome is Relay.NO_CASE:
        return
    if done.outcome is Relay.BLOCKED:
        answer = t(
            N_("{reference} has blocked the bot: the message cannot be delivered."), reference=reference
        )
    elif done.outcome is Relay.TOO_LONG:
        answer = t(
            N_("Not sent: that is {n} characters with the heading, and a message holds {most}. "
               "Shorten it, or send it in two parts."),
            n=t.number(done.length), most=t.number(MESSAGE_LIMIT),
        )  # fmt: skip
    elif done.outcome is Relay.HELD:
        answer = t(
            N_("⏸ Held: {reference} has not said we may write first. "
               "It goes out right after their next message."),
            reference=reference,
        )  # fmt: skip
    else:
        answer = t(N_("✓ On its way to {reference}, in the embassy's name."), reference=reference)
    sent = await port.perform(SendMessage(inp.chat_id, answer, reply_to=inp.message_id))
    await desk.casework.link(inp.chat_id, sent, report_id, "plain")  # a reply to it reaches the citizen too


async def say(inp: Incoming, port: BotPort, text: str, protect: bool = False) -> list[int]:
    """The answer, in parts of 4,000 characters; the ids of the messages sent."""
    sent = []
    for start in range(0, len(text), SAY_PART):
        chunk = text[start : start + SAY_PART]
        message = SendMessage(inp.chat_id, chunk, reply_to=inp.message_id, protect_content=protect)
        if (message_id := await port.perform(message)) is not None:
            sent.append(message_id)
    return sent
