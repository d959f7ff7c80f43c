"""The optional questions after a report (issue 19): how the work began, whether the citizen could
leave, who was paid and who threatened. Offered once after the report is sent ("a few more questions
help us help you"), and from /update at any time; every question may be skipped, the questions
stopped, and 🆘 is on each. The bot never says what the answers mean: officers read the indicators
(services.screening) and decide in person.

The conversation stays at DONE while these are asked (what the citizen types still reaches the
case); the open question is a draft mark, each answer an effect saved at once (`Screened`). The
passport question is not asked again: the report's answer counts (services.screening).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.core.actions import InlineButton, InlineKeyboard
from bot.core.callbacks import Callback, Scope, callback
from bot.flow.asking import hide_offer, rows, sos_row
from bot.flow.model import Close, Notice, Outcome, Output, Redraw, Reply, Screened, State, Step
from bot.flow.steps import Option, in_full
from bot.i18n import N_, Translator

OPEN = "_scr"  # the draft mark: the screening question on screen
PICKED = "_scr_pick"  # the answers toggled so far on a question that takes several
GOT = "_scr_got"  # this round's answers, for the questions that depend on them
MARKS = (OPEN, PICKED, GOT)
SKIP, DONE = "-", "done"
START, NOT_NOW, STOP, ANSWER = "start", "no", "stop", "a"
# Buttons that close something rather than say something: what waits for the citizen stays held
CLOSING = (NOT_NOW, STOP)


@dataclass(frozen=True, slots=True)
class Ask:
    id: str
    prompt: str  # a msgid
    options: tuple[Option, ...]
    multi: bool = False  # several at once: they toggle, "Done" answers
    single: tuple[str, ...] = ()  # of a multi question, the options that answer alone
    columns: int = 1
    ask_if: Callable[[dict[str, Any]], bool] | None = None


APPS = (
    Option("facebook", N_("Facebook")),
    Option("telegram", N_("Telegram")),
    Option("whatsapp", N_("WhatsApp")),
    Option("tiktok", N_("TikTok")),
    Option("instagram", N_("Instagram")),
    Option("line", N_("Line")),
    Option("other", N_("Another app")),
)
ONLINE = ("online_ad", "online_chat")  # the ways of hearing of the job that come through an app

QUESTIONS: tuple[Ask, ...] = (
    Ask(
        "recruited",
        N_("How did you hear about the job? Choose all that fit, then tap «Done»."),
        (
            Option("online_ad", N_("A job post online")),
            Option("online_chat", N_("Someone I met online")),
            Option("friend", N_("A friend or someone I know")),
            Option("family", N_("Family")),
            Option("agent", N_("An agent or a company")),
            Option("other", N_("Another way")),
        ),
        multi=True,
    ),
    Ask(
        "app",
        N_("Which app was it on? Choose all that fit, then tap «Done»."),
        APPS,
        multi=True,
        columns=2,
        ask_if=lambda got: any(way in (got.get("recruited") or ()) for way in ONLINE),
    ),
    Ask(
        "promised",
        N_("Was the work what you were promised?"),
        (
            Option("yes", N_("Yes")),
            Option("other_work", N_("No, the work was different")),
            Option("other_terms", N_("No, the pay or the conditions were different")),
            Option("unsure", N_("I am not sure")),
        ),
    ),
    Ask(
        "leave",
        N_("Could you leave the place where you worked or lived when you wanted?"),
        (
            Option("yes", N_("Yes")),
            Option("permission", N_("Only with permission")),
            Option("no", N_("No, I was locked in or guarded")),
            Option("unsure", N_("I am not sure")),
        ),
    ),
    Ask(
        "ransom",
        N_("Did anyone ask you or your family for money to let you go?"),
        (
            Option("yes", N_("Yes")),
            Option("no", N_("No")),
            Option("unsure", N_("I am not sure")),
        ),
    ),
    Ask(
        "harm",
        N_("Did anyone threaten or hurt you? Choose all that fit, then tap «Done»."),
        (
            Option("threatened", N_("They threatened me")),
            Option("family", N_("They threatened my family")),
            Option("police", N_("They said the police would arrest me")),
            Option("hit", N_("They hit or hurt me")),
            Option("sexual", N_("Sexual violence")),
            Option("none", N_("None of these")),
        ),
        multi=True,
        single=("none",),
    ),
    Ask(
        "paid",
        N_("Were you paid what you were promised?"),
        (
            Option("yes", N_("Yes")),
            Option("less", N_("Less than promised")),
            Option("fined", N_("My pay was held back or cut by fines")),
            Option("never", N_("I was not paid")),
        ),
    ),
    Ask(
        "conditions",
        N_("How was the work and the place you stayed? Choose all that fit, then tap «Done»."),
        (
            Option("long_hours", N_("Very long hours, few or no days off")),
            Option("no_food", N_("Not enough food, sleep or care")),
            Option("no_phone", N_("My phone was taken, or I could not call my family")),
            Option("punished", N_("Punished when I missed a target")),
            Option("none", N_("None of these")),
        ),
        multi=True,
        single=("none",),
    ),
    Ask(
        "scam",
        N_(
            "Were you made to chat with people online to trick them, for example fake love or "
            "investment chats? If so, on which apps? Choose all that fit, then tap «Done»."
        ),
        (*APPS, Option("no", N_("No"))),
        multi=True,
        single=("no",),
        columns=2,
    ),
    Ask(
        "debt",
        N_("Do you owe money to the company, the agent or the person who brought you there?"),
        (
            Option("yes", N_("Yes")),
            Option("no", N_("No")),
            Option("unsure", N_("I am not sure")),
        ),
    ),
)
BY_ID: dict[str, Ask] = {q.id: q for q in QUESTIONS}

OFFER = N_(
    "A few more questions help us help you: how you got the job, and how it was there. "
    "Skip any you like, or stop at any time.\n\n"
    "Answer only when no one can see your phone."
)


def label(question: Ask, value: Any) -> str | None:
    """The msgid of one of the question's options (None: not one of them)."""
    return next((o.label for o in question.options if o.value == value), None)


def offer(t: Translator) -> Reply:
    """Offered once after the report is sent (and from /update): the citizen chooses."""
    buttons = (
        (InlineButton(t(N_("Answer a few questions")), callback(Scope.SCREEN, START)),),
        (InlineButton(t(N_("Not now")), callback(Scope.SCREEN, NOT_NOW)),),
    )
    return Reply(t(OFFER), InlineKeyboard(buttons))


def offered(state: State, t: Translator) -> list[Output]:
    """After the report is sent: the offer, on the full report only (someone who said it is not
    safe to talk gets it once they add the rest, or from /update)."""
    return [offer(t)] if in_full(state.data) else []


def update_button(t: Translator) -> tuple[InlineButton]:
    """/update's way to the questions, for later."""
    return (InlineButton(t(N_("🔎 A few more questions")), callback(Scope.SCREEN, START)),)


def closes(pressed: Callback) -> bool:
    """Whether the button only closes the questions (not the citizen telling us something)."""
    return pressed.scope is Scope.SCREEN and pressed.field(0) in CLOSING


def keyboard(q: Ask, t: Translator, picked: list[str]) -> InlineKeyboard:
    buttons = []
    for o in q.options:
        text = t(o.label)
        if q.multi and o.value not in q.single:
            text = ("☑️ " if o.value in picked else "▫️ ") + text
        buttons.append(InlineButton(text, callback(Scope.SCREEN, ANSWER, q.id, o.value)))
    grid = rows(buttons, q.columns)
    if q.multi:
        grid += ((InlineButton(t(N_("✅ Done")), callback(Scope.SCREEN, ANSWER, q.id, DONE)),),)
    grid += (
        (InlineButton(t(N_("Skip this question ➡️")), callback(Scope.SCREEN, ANSWER, q.id, SKIP)),),
        (InlineButton(t(N_("⏹ Stop the questions")), callback(Scope.SCREEN, STOP)),),
        sos_row(t),
    )
    return InlineKeyboard(grid)


def following(after: str | None, got: dict[str, Any]) -> Ask | None:
    """The next question that applies to this round's answers; None: the last was asked."""
    ids = [q.id for q in QUESTIONS]
    start = ids.index(after) + 1 if after in ids else 0
    return next((q for q in QUESTIONS[start:] if q.ask_if is None or q.ask_if(got)), None)


def asked(state: State, q: Ask, t: Translator, before: list[Output] | None = None) -> Outcome:
    data = {**state.data, OPEN: q.id}
    data.pop(PICKED, None)
    return Outcome(state.with_(data=data), [*(before or []), Reply(t(q.prompt), keyboard(q, t, []))])


def press(state: State, pressed: Callback, message_id: int | None, t: Translator) -> Outcome:
    """A button of the questions: start, not now, stop, or an answer."""
    action = pressed.field(0)
    gone: list[Output] = [Redraw(message_id, None)] if message_id is not None else []
    if not state.submitted or state.step != Step.DONE:
        return Outcome(state, [Notice(t(N_("This button is no longer active.")))])
    if action == START:
        fresh = {k: v for k, v in state.data.items() if k not in MARKS}
        return asked(state.with_(data={**fresh, GOT: {}}), QUESTIONS[0], t, gone)
    if action == NOT_NOW:
        return Outcome(state, [*gone, Notice(t(N_("Alright. You can answer them later with /update.")))])
    if action == STOP:
        if not state.data.get(OPEN):
            return Outcome(state, [*gone, Notice(t(N_("This button is no longer active.")))])
        text = t(N_("Alright, we stop here. Your answers so far are saved. Go on later with /update."))
        return finish(state, [*gone, Reply(text)], t)
    if action == ANSWER:
        return answer(state, pressed.field(1), pressed.field(2), message_id, t)
    return Outcome(state, [Notice(t(N_("This button is no longer active.")))])


def answer(state: State, qid: str, value: str, message_id: int | None, t: Translator) -> Outcome:
    q = BY_ID.get(qid)
    if q is None or state.data.get(OPEN) != qid:
        return Outcome(state, [Notice(t(N_("This question is already answered.")))])
    picked = [v for v in state.data.get(PICKED) or [] if isinstance(v, str)]
    if q.multi and value not in (SKIP, DONE, *q.single):
        if label(q, value) is None:
            return Outcome(state, [Notice(t(N_("This button is no longer active.")))])
        picked = [v for v in picked if v != value] if value in picked else [*picked, value]
        data = {**state.data, PICKED: picked}
        out: list[Output] = [Redraw(message_id, keyboard(q, t, picked))] if message_id is not None else []
        return Outcome(state.with_(data=data), out or [Reply(t(q.prompt), keyboard(q, t, picked))])
    given: str | list[str] | None
    if value == SKIP:
        given, shown = None, t(N_("Skipped"))
    elif value == DONE:
        if not picked:
            return Outcome(state, [Notice(t(N_("Choose at least one answer, or skip this question.")))])
        given = [o.value for o in q.options if o.value in picked]
        shown = ", ".join(t(o.label) for o in q.options if o.value in picked)
    elif label(q, value) is not None:
        given = [value] if q.multi else value
        shown = t(label(q, value) or "")
    else:
        return Outcome(state, [Notice(t(N_("This button is no longer active.")))])
    got = {**(state.data.get(GOT) or {}), qid: given}
    first = not state.data.get(GOT)
    closed: list[Output] = [Close(message_id, f"{t(q.prompt)}\n✓ {shown}")] if message_id is not None else []
    saved = Screened(qid, given, first)
    after = {**state.data, GOT: got}
    after.pop(PICKED, None)
    nxt = following(qid, got)
    if nxt is None:
        thanks = t(
            N_(
                "Thank you for telling us. An officer will read your answers and may ask you more "
                "when you meet, only when it is safe."
            )
        )
        done = finish(state.with_(data=after), [*closed, Reply(thanks)], t)
        return Outcome(done.state, done.out, [saved])
    more = asked(state.with_(data=after), nxt, t, closed)
    return Outcome(more.state, more.out, [saved])


def finish(state: State, out: list[Output], t: Translator) -> Outcome:
    """The questions are over (answered or stopped): the marks go, and the chat may be deleted from
    the phone now (the answers are on the screen)."""
    data = {k: v for k, v in state.data.items() if k not in MARKS}
    return Outcome(state.with_(data=data), [*out, hide_offer(t)])
