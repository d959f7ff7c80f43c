"""Looking for someone (/find, or the welcome's 🔎 button): a relative asks whether their son or
sister came to the embassy. It is not a case: no "safe to talk" question, nothing about the one who
asks is sent to officers but how to reach them. The answers wait in the draft under SEEK, beside
(never inside) a report's own draft, so a citizen mid-report who types /find comes back to their
report where they were; the search is stored only when sent (SendSearch).

Buttons: `sk:<step>:<value>`. A relative's /status and /delete reach their searches (Context.searches)
even when they never started a report."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.core.actions import InlineButton, InlineKeyboard, ReplyButton, ReplyKeyboard
from bot.core.callbacks import Callback, Scope, callback
from bot.core.incoming import Incoming, Kind
from bot.flow import commands
from bot.flow.asking import (
    NO_DANGER,
    SOS,
    TRANSFER_WARNING,
    ask,
    danger_question,
    drop_reply_keyboard,
    rows,
    sos_row,
)
from bot.flow.commands import IN_FORM, help_text, yes_no
from bot.flow.model import Close, Context, Notice, Outcome, Output, Reply, SendSearch, State, Step
from bot.flow.reading import PROBLEMS, read
from bot.flow.sos import is_danger_word, is_sos_word, sos_now
from bot.i18n import N_, Catalogs, Translator
from bot.validators import Invalid

SEEK = "_seek"  # the draft key of a search being written: {"step": …, answers…}
SKIP = "-"
WELCOME_FIND = callback(Scope.FORM, Step.WELCOME, "find")  # the welcome's "I am looking for someone"
STEPS = ("agree", "name", "birth", "place", "relation", "seeker", "contact", "summary")
RELATIONS: dict[str, str] = {
    "parent": N_("Mother or father"),
    "child": N_("Son or daughter"),
    "spouse": N_("Husband or wife"),
    "sibling": N_("Brother or sister"),
    "family": N_("Other family"),
    "friend": N_("Friend"),
}
# "your mother is asking" reads better than "a parent": what the person found is told (services)
ASKER: dict[str, str] = {
    "parent": N_("your father or mother"),
    "child": N_("your son or daughter"),
    "spouse": N_("your husband or wife"),
    "sibling": N_("your brother or sister"),
    "family": N_("someone of your family"),
    "friend": N_("a friend of yours"),
}
PROMPTS: dict[str, str] = {
    "agree": N_(
        "🔎 Looking for a family member or a friend who may have come to the embassy?\n\n"
        "Tell me who you are looking for. Officers compare it with the people the embassy helps. "
        "If we find them, we ask them first whether we may tell you that they are safe: only with "
        "their yes do we write to you, and only that.\n\n"
        "What you tell me is kept for {days} days and used only for this search. You may skip "
        "every question but the name.\n\n"
        "Do you agree?"
    ),
    "name": N_("What is the full name of the person you are looking for?"),
    "birth": N_("What is their date of birth? For example 17-08-1995."),
    "place": N_("Where were they when you last heard from them? For example a city, a company or a place."),
    "relation": N_("Who are they to you?"),
    "seeker": N_("What is your name?"),
    "contact": N_("How can we reach you? Tap «📞 Send my number» or type an HP or WA number."),
}
THEIR_NAME = N_("Please type their name in letters.")  # the report's "your name" would ask for the wrong one
NOTHING_KEPT = N_("Alright, nothing was kept. Send /find if you want to look for someone later.")
STILL_LOOKING = N_("We are still looking. We will write to you here if we can tell you something.")


def active(state: State) -> bool:
    return isinstance(state.data.get(SEEK), dict)


def route(state: State, inp: Incoming, ctx: Context, catalogs: Catalogs) -> Outcome | None:
    """The search's answer to this update, or None when the conversation of the report takes it."""
    t = catalogs[state.lang]
    pressed = Callback.parse(inp.callback_data) if inp.kind is Kind.BUTTON else None
    if inp.kind is Kind.COMMAND and inp.command == "find":
        return ask_step(state, ctx, t) if active(state) else start(state, ctx, t)
    if inp.kind is Kind.BUTTON and inp.callback_data == WELCOME_FIND and state.step == Step.WELCOME:
        return start(state, ctx, t, closing=state.data.get("_q"))
    if inp.kind is Kind.COMMAND and inp.command in ("status", "delete") and not active(state):
        return seeker_command(state, inp, ctx, catalogs)
    if not active(state):
        return None
    if (
        (inp.kind is Kind.TEXT and is_sos_word(inp.text))
        or inp.callback_data == SOS
        or (inp.kind is Kind.COMMAND and inp.command == "sos")
    ):  # help for the one who asks comes first: the search's draft goes, the SOS path takes over
        return sos_now(without_search(state), ctx, t)
    if inp.kind is Kind.TEXT and is_danger_word(inp.text):  # "tolong" is nobody's name: one tap from an SOS
        return Outcome(state, [danger_question(t)])
    if inp.callback_data == NO_DANGER:  # not in danger: on with the search
        return ask_step(state, ctx, t)
    if inp.kind is Kind.COMMAND:
        return command(state, inp, ctx, catalogs)
    if pressed is not None and pressed.scope is Scope.SEEK:
        return pick(state, pressed.field(0), pressed.field(1), ctx, t)
    if pressed is not None and pressed.scope in (Scope.FORM, Scope.SUMMARY, Scope.CHANGE, Scope.UPDATE):
        return Outcome(state, [Notice(t(N_("Please finish or cancel your search first.")))])
    if inp.kind is Kind.CONTACT and inp.contact is not None and step_of(state) == "contact":
        return typed(state, inp.contact.phone_number, ctx, t)
    if inp.kind is Kind.TEXT and inp.text and inp.text.strip():
        return typed(state, inp.text.strip(), ctx, t)
    if inp.kind is Kind.BUTTON:
        return None  # a language, a confirmation: the conversation's own buttons
    return Outcome(state, [Reply(t(PROBLEMS["unsupported"])), *ask_step(state, ctx, t).out])


def start(state: State, ctx: Context, t: Translator, closing: object = None) -> Outcome:
    out: list[Output] = []
    if isinstance(closing, int):
        out.append(Close(closing, t(N_("🔎 I am looking for someone"))))
    begun = state.with_(data={**state.data, SEEK: {"step": "agree"}})
    asked = ask_step(begun, ctx, t)
    return Outcome(asked.state, [*out, *asked.out])


def step_of(state: State) -> str:
    seek = state.data.get(SEEK)
    return str(seek.get("step")) if isinstance(seek, dict) else ""


def answers(state: State) -> dict[str, Any]:
    seek = state.data.get(SEEK)
    return {k: v for k, v in seek.items() if k != "step"} if isinstance(seek, dict) else {}


def moved(state: State, step: str, **fields: Any) -> State:
    return state.with_(data={**state.data, SEEK: {**answers(state), **fields, "step": step}})


def without_search(state: State) -> State:
    return state.with_(data={k: v for k, v in state.data.items() if k != SEEK})


def keyboard(step: str, t: Translator) -> InlineKeyboard:
    grid: tuple[tuple[InlineButton, ...], ...] = ()
    if step == "agree":
        grid = (
            (InlineButton(t(N_("✅ I agree")), callback(Scope.SEEK, "agree", "yes")),),
            (InlineButton(t(N_("✖️ Cancel")), callback(Scope.SEEK, "agree", "no")),),
        )
    elif step == "relation":
        buttons = [
            InlineButton(t(label), callback(Scope.SEEK, "relation", key)) for key, label in RELATIONS.items()
        ]
        grid = rows(buttons, 2)
    if step not in ("agree", "name"):
        grid += ((InlineButton(t(N_("Skip this question ➡️")), callback(Scope.SEEK, step, SKIP)),),)
    if step == "name":
        grid += ((InlineButton(t(N_("✖️ Cancel")), callback(Scope.SEEK, "sum", "cancel")),),)
    return InlineKeyboard((*grid, sos_row(t)))


def ask_step(state: State, ctx: Context, t: Translator) -> Outcome:
    step = step_of(state)
    if step == "summary":
        new_state, out = drop_reply_keyboard(state, [summary(state, t)], t)
        return Outcome(new_state, out)
    prompt = t(PROMPTS[step], days=ctx.retention_days) if step == "agree" else t(PROMPTS[step])
    if step == "agree":  # families are who impostors call: before anything is asked, as the welcome says
        *before, question = prompt.rsplit("\n\n", 1)
        prompt = "\n\n".join([*before, t(TRANSFER_WARNING), question])
    if step == "contact":
        share = ReplyButton(t(N_("📞 Send my number")), request_contact=True)
        data = {**state.data, "_kb": True}
        return Outcome(
            state.with_(data=data),
            [
                Reply(prompt, ReplyKeyboard(((share,),))),
                Reply(t(N_("Or type it here.")), keyboard(step, t), True),
            ],
        )
    new_state, out = drop_reply_keyboard(state, [Reply(prompt, keyboard(step, t), question=True)], t)
    return Outcome(new_state, out)


def shown(key: str, value: Any, t: Translator) -> str:
    if value is None or value == "":
        return "—"
    if key == "birth":
        return t.date(date.fromisoformat(str(value)))
    if key == "relation":
        return t(RELATIONS.get(str(value), "")) or "—"
    return str(value)


def summary(state: State, t: Translator) -> Reply:
    given = answers(state)
    labels = (
        ("name", N_("Looking for")),
        ("birth", N_("Date of birth")),
        ("place", N_("Last heard of in")),
        ("relation", N_("Who they are to you")),
        ("seeker", N_("Your name")),
        ("contact", N_("How to reach you")),
    )
    lines = [t(N_("Please check your search:")), ""]
    lines += [f"{t(label)}: {shown(key, given.get(key), t)}" for key, label in labels]
    buttons = (
        (InlineButton(t(N_("✅ Send")), callback(Scope.SEEK, "sum", "send")),),
        (InlineButton(t(N_("✏️ Start again")), callback(Scope.SEEK, "sum", "again")),),
        (InlineButton(t(N_("✖️ Cancel")), callback(Scope.SEEK, "sum", "cancel")),),
    )
    return Reply("\n".join(lines), InlineKeyboard((*buttons, sos_row(t))), question=True, protect=True)


def following(step: str) -> str:
    return STEPS[STEPS.index(step) + 1]


def answered(state: State, step: str, value: Any, said: str, ctx: Context, t: Translator) -> Outcome:
    out: list[Output] = []
    question = state.data.get("_q")
    if isinstance(question, int):
        out.append(Close(question, f"{t(PROMPTS[step]).splitlines()[0]}\n✓ {said}"))
    data = {k: v for k, v in state.data.items() if k != "_q"}
    asked = ask_step(moved(state.with_(data=data), following(step), **{step: value}), ctx, t)
    return Outcome(asked.state, [*out, *asked.out])


def typed(state: State, text: str, ctx: Context, t: Translator) -> Outcome:
    step = step_of(state)
    try:
        if step == "name":
            value: Any = read("name", "full_name", text, {}, ctx)["full_name"]
        elif step == "birth":
            value = read("birth_date", "birth_date", text, {}, ctx)["birth_date"]
        elif step in ("place", "seeker", "contact"):
            value = " ".join(text.split())
            if len(value) > 200:
                raise Invalid("too_long")
        else:
            raise Invalid("choose")
    except Invalid as exc:
        again = ask_step(state, ctx, t)
        said = THEIR_NAME if exc.code == "name_format" else PROBLEMS.get(exc.code, PROBLEMS["choose"])
        return Outcome(again.state, [Reply(t(said)), *again.out])
    return answered(state, step, value, shown(step, value, t), ctx, t)


def pick(state: State, step: str, value: str, ctx: Context, t: Translator) -> Outcome:
    if step == "sum":
        return summed(state, value, ctx, t)
    if step != step_of(state):
        return Outcome(state, [Notice(t(N_("This question is already answered.")))])
    if step == "agree":
        if value != "yes":
            return ended(
                state,
                N_("Alright, nothing was kept. Send /find if you want to look for someone later."),
                ctx,
                t,
            )
        return answered(state, step, True, t(N_("✅ I agree")), ctx, t)
    if value == SKIP and step != "name":
        return answered(state, step, None, t(N_("Skipped")), ctx, t)
    if step == "relation" and value in RELATIONS:
        return answered(state, step, value, t(RELATIONS[value]), ctx, t)
    return Outcome(state, [Notice(t(N_("This button is no longer active.")))])


def summed(state: State, choice: str, ctx: Context, t: Translator) -> Outcome:
    if choice == "cancel":
        return ended(state, N_("Your search is cancelled; nothing was kept."), ctx, t)
    if step_of(state) != "summary":
        return Outcome(state, [Notice(t(N_("This button is no longer active.")))])
    if choice == "again":
        return ask_step(moved(state, "name"), ctx, t)
    if choice != "send":
        return Outcome(state, [Notice(t(N_("This button is no longer active.")))])
    given = answers(state)
    fields = {key: given.get(key) for key in ("name", "birth", "place", "relation", "seeker", "contact")}
    sent = N_(
        "✅ Your search is sent. Its reference is {search}: please keep it.\n\n"
        "Officers will look for this person among the people the embassy helps. If we find them and "
        "they agree, we will write to you here that they are safe. Send /status to ask how your search "
        "is going.\n\n"
        "⚠️ The embassy never asks you to transfer money by chat, by phone or to a personal account."
    )
    outcome = ended(state, sent, ctx, t)
    outcome.effects.append(SendSearch(fields))
    return outcome


def ended(state: State, msgid: str, ctx: Context, t: Translator) -> Outcome:
    """The search sent or given up: back to where the conversation was (a report's open question)."""
    question = state.data.get("_q")
    out: list[Output] = [Close(question, "✓")] if isinstance(question, int) else []
    bare = without_search(state).with_(
        data={k: v for k, v in without_search(state).data.items() if k != "_q"}
    )
    bare, said = drop_reply_keyboard(bare, [Reply(t(msgid))], t)
    out += said
    if bare.step in IN_FORM and bare.step != Step.WELCOME:
        back, more = ask(bare, ctx, t)
        return Outcome(back, [*out, Reply(t(N_("Let's continue your report."))), *more])
    if bare.step == Step.WELCOME:
        bare = bare.with_(step=Step.NEW)  # the welcome's buttons are gone: /start shows it again
    return Outcome(bare, out)


def command(state: State, inp: Incoming, ctx: Context, catalogs: Catalogs) -> Outcome | None:
    t = catalogs[state.lang]
    name = inp.command or ""
    if name == "cancel":
        return ended(state, N_("Your search is cancelled; nothing was kept."), ctx, t)
    if name == "help":
        asked = ask_step(state, ctx, t)
        return Outcome(asked.state, [Reply(help_text(ctx, t)), *asked.out])
    if name == "start":
        asked = ask_step(state, ctx, t)
        return Outcome(asked.state, [Reply(t(N_("Let's continue your search."))), *asked.out])
    if name == "delete":
        return seeker_command(state, inp, ctx, catalogs)
    if name == "status" or (state.step in (Step.NEW, Step.WELCOME, Step.DECLINED) and name not in KEPT):
        # before a report, the report's commands would start it over: the search's question again
        said: list[Output] = [Reply(search_status(ctx, t))] if name == "status" and ctx.searches else []
        if name == "status" and state.step not in (Step.NEW, Step.WELCOME, Step.DECLINED):
            said += commands.run(without_search(state), inp, ctx, catalogs).out[:1]
        asked = ask_step(state, ctx, t)
        return Outcome(asked.state, [*said, *asked.out])
    return None


KEPT = ("language", "hide")  # commands that answer the same before a report and while searching


SAID: dict[str, str] = {
    "told": N_("Good news: the person you are looking for is safe and in touch with the embassy."),
    "expired": N_("This search has ended. Send /find to look again."),
}


def search_status(ctx: Context, t: Translator) -> str:
    """What the relative reads: never whether someone was found and said no (a decline reads like
    a search still going)."""
    lines = []
    for reference, status in ctx.searches:
        words = SAID.get(status, STILL_LOOKING)
        lines.append(t(N_("Your search {reference}: {words}"), reference=reference, words=t(words)))
    return "\n\n".join(lines)


def seeker_command(state: State, inp: Incoming, ctx: Context, catalogs: Catalogs) -> Outcome | None:
    """/status and /delete of someone who searched: their searches, with (or without) a report."""
    if not ctx.searches:
        return None
    t = catalogs[state.lang]
    if inp.command == "delete":
        text = t(N_("Delete all your data from the hotline, your searches too?"))
        return Outcome(state, [Reply(text, yes_no(t, Scope.DELETE, t(N_("Yes, delete my data"))))])
    mine = Reply(search_status(ctx, t))
    if state.step in (Step.NEW, Step.WELCOME, Step.DECLINED):
        return Outcome(state, [mine])
    outcome = commands.run(state, inp, ctx, catalogs)
    return Outcome(outcome.state, [mine, *outcome.out], outcome.effects)
