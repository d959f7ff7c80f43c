"""An SOS, in every form a citizen can raise it, and the words of someone in danger.

An SOS goes at once, at any step: the officers are alerted (services.alerts), the citizen is asked
in one tap whether the embassy may write first, then where they are, and comes back to where they
were. Words of fear typed alone ("tolong!!") are asked "are you in danger now?", one tap from an SOS.
"""

from __future__ import annotations

import re

from bot.core.callbacks import Scope, callback
from bot.core.contact import ContactPref
from bot.core.incoming import Incoming, Kind
from bot.flow.asking import SOS, ask, sos_alert
from bot.flow.model import (
    Context,
    Effect,
    GiveConsent,
    Outcome,
    Output,
    RecordSOS,
    SetContactPref,
    State,
    Step,
)
from bot.i18n import Translator

SOS_BUTTONS = (callback(Scope.FORM, Step.WELCOME, "sos"), callback(Scope.FORM, Step.SAFE, "sos"), SOS)
# What a frightened person types alone (after `_plain`): asked "are you in danger now?", one tap from
# an SOS. Repeated letters are folded ("tolooong"), so the words are written with single letters.
DANGER_WORDS = frozenset(
    {
        "tolong", "tolong saya", "tolong aku", "tolong kami", "tolongin", "tolongin saya",
        "tolongin aku", "tolong tolong", "tolong dong", "minta tolong", "bahaya", "saya dalam bahaya",
        "aku dalam bahaya", "darurat", "help", "help me", "help us", "please help", "please help me",
        "help help", "emergency", "i am in danger", "danger",
    }
)  # fmt: skip


def is_sos(inp: Incoming) -> bool:
    """An SOS in any of its forms: the /sos command, an SOS button, or the word SOS typed alone."""
    if inp.kind is Kind.COMMAND:
        return inp.command == "sos"
    if inp.kind is Kind.BUTTON:
        return inp.callback_data in SOS_BUTTONS
    return inp.kind is Kind.TEXT and is_sos_word(inp.text)


def is_sos_word(text: str | None) -> bool:
    return text is not None and text.strip().strip("!.").strip().lower() == "sos"


def _plain(text: str) -> str:
    """Lower case, letters and single spaces only, each run of one letter folded to one."""
    letters = re.sub(r"[^\w\s]|\d|_", " ", text.lower())
    return re.sub(r"(\w)\1+", r"\1", " ".join(letters.split()))


def is_danger_word(text: str | None) -> bool:
    """The whole message is a cry for help ("tolong!!", "Help me", "bahaya"), not a sentence."""
    return text is not None and len(text) <= 40 and _plain(text) in DANGER_WORDS


def sos_now(state: State, ctx: Context, t: Translator) -> Outcome:
    if state.step in (Step.NEW, Step.WELCOME, Step.DECLINED):
        # SOS before consent: an emergency overrides the form; the citizen asked for help. Before the
        # welcome was shown, the warning about transfers goes with the SOS's own answer.
        first = state.step != Step.WELCOME
        return call_for_help(state.with_(step=Step.NEW), [], [GiveConsent()], ctx, t, first=first)
    return call_for_help(state, [], [], ctx, t)


def call_for_help(
    state: State,
    before: list[Output],
    effects: list[Effect],
    ctx: Context,
    t: Translator,
    first: bool = False,
) -> Outcome:
    """Alert the officers at once, ask in one tap whether the embassy may write first (until the
    citizen answers, it may not), then ask where they are and come back to where they were.
    `first`: nothing was said to this citizen before (the warning about transfers goes with it)."""
    alert = [sos_alert(ctx, t, first)]
    effects = [*effects, SetContactPref(ContactPref.UNSET), RecordSOS()]
    if ctx.queued and state.step not in (Step.NEW, Step.WELCOME, Step.DECLINED):
        # what the citizen wrote before the SOS still waits (services.flood): it must land on the
        # questions it answers, so the step stays; a location sent later is taken at any step
        return Outcome(state, [*before, *alert], effects)
    data = dict(state.data)
    back = state.step
    if back in (Step.WELCOME, Step.SAFE, Step.NEW, Step.DECLINED):
        back = ""
    if back and back != "location":
        data["_return"] = back
        if state.submitted and "_mode" not in data:
            data["_mode"] = "update"
    new_state, out = ask(state.with_(step="location", data=data), ctx, t)
    return Outcome(new_state, [*before, *alert, *out], effects)
