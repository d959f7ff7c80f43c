"""/verify and "report a scam": how to recognise the real embassy, and a short report of someone who
posed as it. Scammers posed as the embassy in 2026.

/verify answers anyone, at any moment, before consent too. The scam report is a little path of its
own beside the citizen's conversation: its draft is kept in the conversation's data under DRAFT
(saved at every step, like the report's), and the conversation's own step is never touched, so
that whoever was in the middle of their report, or had sent it, or had not begun, is put back
where they were when the scam report is sent or dropped. Anything else they do meanwhile (a
command, an SOS, a pin) drops the scam report, which was short and not sent.
"""

from __future__ import annotations

from typing import Any

from bot.core.actions import InlineButton, InlineKeyboard
from bot.core.callbacks import Callback, Scope, callback
from bot.core.incoming import Incoming, Kind
from bot.core.scam import ASKED, CHANNELS, DETAIL_LIMIT, WHO_LIMIT
from bot.flow import seeking
from bot.flow.asking import SKIP, TRANSFER_WARNING, ask, rows, sos_row, with_sos
from bot.flow.commands import IN_FORM, yes_no
from bot.flow.model import (
    NOT_ON_SCREEN,
    Close,
    Context,
    Notice,
    Outcome,
    Output,
    Redraw,
    Reply,
    ReportScam,
    State,
    Step,
    unsent_replies,
)
from bot.flow.sos import is_danger_word, is_sos_word
from bot.i18n import N_, Catalogs, Translator

DRAFT = "_vf"  # the conversation's data key of the scam report being written
COMMAND = "verify"
START, SEND, DROP, DONE = "report", "send", "drop", "done"
HOW, WHO, ASKED_FOR, MORE, CHECK = "how", "who", "asked", "more", "check"
TYPED = (WHO, MORE)  # the steps that read typed text
BEFORE_CONSENT = (Step.NEW, Step.WELCOME, Step.DECLINED)

PROMPTS = {
    HOW: N_("How did they contact you?"),
    WHO: N_("Who contacted you? Type the name, number or account they used."),
    ASKED_FOR: N_("What did they ask you for? Choose all that fit, then tap «Done»."),
    MORE: N_("Anything else we should know? For example what they said, or when. Type it here."),
}
LABELS = {HOW: N_("How"), WHO: N_("Who"), ASKED_FOR: N_("Asked for"), MORE: N_("More")}
AFTER = {HOW: WHO, WHO: ASKED_FOR, ASKED_FOR: MORE, MORE: CHECK}


def takes(state: State, inp: Incoming) -> bool:
    """Whether this update is for /verify or the scam report being written."""
    if inp.kind is Kind.COMMAND:
        if inp.command == "delete":  # before consent too: someone who only reported a scam may erase it
            return state.step in BEFORE_CONSENT
        return inp.command == COMMAND or (inp.command == "cancel" and DRAFT in state.data)
    if inp.kind is Kind.BUTTON:
        pressed = Callback.parse(inp.callback_data)
        return pressed is not None and pressed.scope is Scope.VERIFY
    draft = state.data.get(DRAFT)
    if inp.kind is Kind.TEXT and isinstance(draft, dict) and draft.get("step") in TYPED:
        return not (is_sos_word(inp.text) or is_danger_word(inp.text))  # those are the SOS's
    return False


def counts(inp: Incoming) -> bool:
    """Whether answering this update needs to know how many scam reports the account sent today."""
    pressed = Callback.parse(inp.callback_data) if inp.kind is Kind.BUTTON else None
    return pressed is not None and pressed.scope is Scope.VERIFY and pressed.field(0) in (START, SEND)


def left(state: State) -> State:
    """Without the scam report being written."""
    if DRAFT not in state.data:
        return state
    return state.with_(data={k: v for k, v in state.data.items() if k != DRAFT})


def aside(state: State, inp: Incoming) -> State:
    """The citizen did something else: the scam report being written is dropped (not for a live
    location moving by itself)."""
    return state if inp.kind is Kind.LIVE_LOCATION else left(state)


def ended(state: State) -> State:
    """The scam report sent or dropped: its draft and its question's id go."""
    return left(state).with_(data={k: v for k, v in left(state).data.items() if k != "_q"})


def advance(state: State, inp: Incoming, ctx: Context, catalogs: Catalogs) -> Outcome:
    t = catalogs[state.lang]
    draft = state.data.get(DRAFT)
    if inp.kind is Kind.COMMAND and inp.command == "cancel":
        return dropped(state, ctx, t)
    if inp.kind is Kind.COMMAND and inp.command == "delete":  # the same confirmation as after consent
        text = t(N_("Delete all your data from the hotline? The embassy will no longer see your report."))
        return Outcome(left(state), [Reply(text, yes_no(t, Scope.DELETE, t(N_("Yes, delete my data"))))])
    if inp.kind is Kind.COMMAND:
        return Outcome(*back(state, [verify_reply(inp, ctx, t)], ctx, t))
    if inp.kind is Kind.TEXT:
        if any(state.data.get(mark) for mark in NOT_ON_SCREEN):  # the question is not on screen: show it
            waiting = unsent_replies(state.data)
            bare = state.with_(data={k: v for k, v in state.data.items() if k not in NOT_ON_SCREEN})
            return Outcome(bare, list[Output](waiting)) if waiting else Outcome(*asking(bare, t))
        assert isinstance(draft, dict)
        return typed(state, draft, (inp.text or "").strip(), ctx, t)
    pressed = Callback.parse(inp.callback_data)
    what, value = (pressed.field(0), pressed.field(1)) if pressed is not None else ("", "")
    if what == START:
        if ctx.scams_today >= ctx.scam_limit:
            return Outcome(*back(left(state), [Reply(t(ENOUGH))], ctx, t))
        if isinstance(draft, dict):
            return Outcome(*asking(state, t))
        return Outcome(*asking(with_draft(state, {"step": HOW}), t))
    if not isinstance(draft, dict):
        return Outcome(state, [Notice(t(N_("This button is no longer active.")))])
    if what == DROP:
        return dropped(state, ctx, t)
    if what == SEND and draft.get("step") == CHECK:
        return sent(state, draft, ctx, t)
    if what != draft.get("step"):
        return Outcome(state, [Notice(t(N_("This question is already answered.")))])
    if what == HOW and (value in CHANNELS or value == SKIP):
        shown = t(N_("Skipped")) if value == SKIP else t(CHANNELS[value])
        return answered(state, {**draft, "channel": None if value == SKIP else value}, shown, t)
    if what == ASKED_FOR:
        return picked(state, draft, value, t)
    if what in TYPED and value == SKIP:
        return answered(state, {**draft, FIELDS[what]: None}, t(N_("Skipped")), t)
    return Outcome(state, [Notice(t(N_("This button is no longer active.")))])


FIELDS = {WHO: "who", MORE: "detail"}
ENOUGH = N_(
    "You have already sent several scam reports today. Thank you: the officers have them. "
    "You can send another one tomorrow."
)


def verify_reply(inp: Incoming, ctx: Context, t: Translator) -> Reply:
    """How to recognise the real embassy, and the button to report an impostor."""
    parts = [t(N_("How to know you are talking to the real {mission}:"), mission=ctx.mission)]
    if inp.bot_username:
        parts.append(
            t(N_("• Its only Telegram bot is @{username}. Fake bots use names that look alike: "
                 "check every letter."), username=inp.bot_username)
        )  # fmt: skip
    if ctx.website:
        parts.append(t(N_("• Its official website {website} links to this bot."), website=ctx.website))
    if ctx.fees:
        parts.append(t(N_("• Official fees: {fees}"), fees=ctx.fees))
    parts.append(t(N_("• The emergency travel document (SPLP) is arranged by the embassy itself, never "
                      "through an agent.")))  # fmt: skip
    parts.append(t(TRANSFER_WARNING))
    if ctx.phone:
        parts.append(t(N_("Emergency phone: {phone}"), phone=ctx.phone))
    parts.append(t(N_("Did someone pretend to be the embassy? Tell us, so we can warn others.")))
    report = (InlineButton(t(N_("🚩 Report a scam")), callback(Scope.VERIFY, START)),)
    return Reply("\n\n".join(parts), with_sos(t, report))


def with_draft(state: State, draft: dict[str, Any]) -> State:
    return state.with_(data={**state.data, DRAFT: draft})


def asking(state: State, t: Translator) -> tuple[State, list[Output]]:
    """The scam report's open question (or its check before sending)."""
    draft = state.data[DRAFT]
    step = draft.get("step")
    if step == CHECK:
        lines = [t(N_("Your scam report:")), "", *summary_lines(draft, t)]
        buttons = (
            (InlineButton(t(N_("✅ Send")), callback(Scope.VERIFY, SEND)),),
            (InlineButton(t(N_("✖️ Cancel")), callback(Scope.VERIFY, DROP)),),
        )
        return state, [Reply("\n".join(lines), with_sos(t, *buttons), question=True)]
    grid: tuple[tuple[InlineButton, ...], ...] = ()
    if step == HOW:
        ways = [InlineButton(t(label), callback(Scope.VERIFY, HOW, v)) for v, label in CHANNELS.items()]
        grid = rows(ways, 2)
    elif step == ASKED_FOR:
        chosen = draft.get("picked") or []
        answers = [
            InlineButton(("☑️ " if v in chosen else "▫️ ") + t(label), callback(Scope.VERIFY, ASKED_FOR, v))
            for v, label in ASKED.items()
        ]
        grid = (*rows(answers, 1), (InlineButton(t(N_("✅ Done")), callback(Scope.VERIFY, ASKED_FOR, DONE)),))
    grid += ((InlineButton(t(N_("Skip this question ➡️")), callback(Scope.VERIFY, step, SKIP)),), sos_row(t))
    text = t(PROMPTS[step])
    if step == HOW:
        text = f"{t(INTRO)}\n\n{text}"
    return state, [Reply(text, InlineKeyboard(grid), question=True)]


INTRO = N_(
    "Report a scam: four short questions, each can be skipped. Your report goes to the embassy's "
    "duty officers."
)


def summary_lines(draft: dict[str, Any], t: Translator) -> list[str]:
    asked = [t(ASKED[v]) for v in ASKED if v in (draft.get("asked_for") or "").split(",")]
    channel = draft.get("channel")
    values = {
        HOW: t(CHANNELS[channel]) if channel in CHANNELS else "—",
        WHO: draft.get("who") or "—",
        ASKED_FOR: ", ".join(asked) or "—",
        MORE: draft.get("detail") or "—",
    }
    return [f"{t(LABELS[step])}: {value}" for step, value in values.items()]


def closing(state: State, step: str, shown: str, t: Translator) -> list[Output]:
    message_id = state.data.get("_q")
    if not isinstance(message_id, int):
        return []
    return [Close(message_id, f"{t(PROMPTS[step])}\n✓ {shown}")]


def answered(state: State, draft: dict[str, Any], shown: str, t: Translator) -> Outcome:
    step = str(draft["step"])
    out = closing(state, step, shown if len(shown) <= 200 else shown[:200] + "…", t)
    following = with_draft(state, {**draft, "step": AFTER[step]})
    following = following.with_(data={k: v for k, v in following.data.items() if k != "_q"})
    new_state, more = asking(following, t)
    return Outcome(new_state, [*out, *more])


def typed(state: State, draft: dict[str, Any], text: str, ctx: Context, t: Translator) -> Outcome:
    step = str(draft.get("step"))
    if not text:
        return Outcome(*asking(state, t))
    limit = WHO_LIMIT if step == WHO else DETAIL_LIMIT
    kept = text if len(text) <= limit else text[: limit - 1] + "…"  # a long paste is kept, cut short
    return answered(state, {**draft, FIELDS[step]: kept}, kept, t)


def picked(state: State, draft: dict[str, Any], value: str, t: Translator) -> Outcome:
    """What they asked for takes several answers: each toggles, Done (or Skip) answers."""
    chosen = [v for v in draft.get("picked") or [] if v in ASKED]
    if value in (DONE, SKIP):
        if value == DONE and not chosen:
            return Outcome(state, [Notice(t(N_("Choose at least one answer, or skip the question.")))])
        ordered = [v for v in ASKED if v in chosen] if value == DONE else []
        rest = {k: v for k, v in draft.items() if k != "picked"}
        shown = ", ".join(t(ASKED[v]) for v in ordered) or t(N_("Skipped"))
        return answered(state, {**rest, "asked_for": ",".join(ordered) or None}, shown, t)
    if value not in ASKED:
        return Outcome(state, [Notice(t(N_("This button is no longer active.")))])
    chosen = [v for v in chosen if v != value] if value in chosen else [*chosen, value]
    new_state = with_draft(state, {**draft, "picked": chosen})
    message_id = state.data.get("_q")
    question, out = asking(new_state, t)
    if not isinstance(message_id, int):
        return Outcome(question, out)
    markup = out[0].markup if isinstance(out[0], Reply) else None
    return Outcome(question, [Redraw(message_id, markup if isinstance(markup, InlineKeyboard) else None)])


def sent(state: State, draft: dict[str, Any], ctx: Context, t: Translator) -> Outcome:
    if ctx.scams_today >= ctx.scam_limit:
        return Outcome(*back(left(state), [Reply(t(ENOUGH))], ctx, t))
    effect = ReportScam(draft.get("channel"), draft.get("who"), draft.get("asked_for"), draft.get("detail"))
    message_id = state.data.get("_q")
    out: list[Output] = []
    if isinstance(message_id, int):
        out.append(Close(message_id, "\n".join([t(N_("Your scam report:")), "", *summary_lines(draft, t)])))
    thanks = "\n\n".join(
        (
            t(N_("✅ Thank you. Your report has gone to the embassy's duty officers.")),
            t(N_("What to do now: do not pay them, never share a code you receive by SMS or WhatsApp, "
                 "and block them.")),
        )
    )  # fmt: skip
    new_state, more = back(ended(state), [Reply(thanks)], ctx, t)
    return Outcome(new_state, [*out, *more], [effect])


def dropped(state: State, ctx: Context, t: Translator) -> Outcome:
    message_id = state.data.get("_q")
    out: list[Output] = [Redraw(message_id, None)] if isinstance(message_id, int) else []
    gone = Reply(t(N_("Your scam report is cancelled. Nothing was sent.")))
    new_state, more = back(ended(state), [gone], ctx, t)
    return Outcome(new_state, [*out, *more])


def back(state: State, replies: list[Output], ctx: Context, t: Translator) -> tuple[State, list[Output]]:
    """After these replies, the question that was open is put in front of them again: the scam
    report's, else the search's, else the report's (where they were)."""
    if DRAFT in state.data:
        new_state, out = asking(state, t)
        return new_state, [*replies, *out]
    if seeking.active(state):
        asked = seeking.ask_step(state, ctx, t)
        return asked.state, [*replies, *asked.out]
    if state.step in IN_FORM:
        new_state, out = ask(state, ctx, t)
        return new_state, [*replies, *out]
    return state, replies
