"""Rendering: the messages that ask the current step, the summary, and the fixed texts."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.core.actions import (
    InlineButton,
    InlineKeyboard,
    RemoveKeyboard,
    ReplyButton,
    ReplyKeyboard,
)
from bot.core.callbacks import Scope, callback
from bot.core.contact import ContactPref
from bot.flow.model import Context, Outcome, Output, Reply, State, Step
from bot.flow.steps import BY_ID, FORM, SHORT_FORM, Question, in_full, option_label, safety_values
from bot.i18n import N_, Translator
from bot.validators import province_by_code

SKIP = "-"
DONE = "done"  # the "Done" of a question that takes several answers
SOS = callback(Scope.SOS)  # the data of the 🆘 button under every question
NO_DANGER = callback(Scope.DANGER, "no")  # "not in danger" to "are you in danger now?"
PICKED = "_pick"  # the draft key of the answers toggled so far on a question that takes several
TRANSFER_WARNING = N_(
    "⚠️ The embassy never asks you to transfer money by chat, by phone or to a personal account. "
    "Anyone who does is a scammer, even if they say they are from the KBRI."
)


def sos_row(t: Translator) -> tuple[InlineButton, ...]:
    """The 🆘 button that every question carries: one tap raises an SOS, wherever the citizen is."""
    return (InlineButton(t(N_("🆘 I am in danger now")), SOS),)


def with_sos(t: Translator, *rows: tuple[InlineButton, ...]) -> InlineKeyboard:
    return InlineKeyboard((*rows, sos_row(t)))


def rows(buttons: list[InlineButton], columns: int) -> tuple[tuple[InlineButton, ...], ...]:
    return tuple(tuple(buttons[i : i + columns]) for i in range(0, len(buttons), columns))


def question_keyboard(q: Question, t: Translator, data: dict[str, Any] | None = None) -> InlineKeyboard:
    """The question's answers, Skip, and 🆘 (welcome and safe have their own SOS answer). A question
    that takes several answers shows the ones toggled so far (data[PICKED]) and a Done button."""
    picked = (data or {}).get(PICKED) or []
    buttons = []
    for o in q.options:
        if q.upto is not None and int(o.value) > int((data or {}).get(q.upto) or 0):
            continue  # no more children than people with them
        label = t(o.label)
        if q.multi and o.value not in q.single:
            label = ("☑️ " if o.value in picked else "▫️ ") + label
        buttons.append(InlineButton(label, callback(Scope.FORM, q.id, o.value)))
    grid = rows(buttons, q.columns)
    if q.multi:
        grid += ((InlineButton(t(N_("✅ Done")), callback(Scope.FORM, q.id, DONE)),),)
    if q.skip:
        grid += ((InlineButton(t(N_("Skip this question ➡️")), callback(Scope.FORM, q.id, SKIP)),),)
    if q.id not in (Step.WELCOME, Step.SAFE):
        grid += (sos_row(t),)
    return InlineKeyboard(grid)


def ask_question(state: State, q: Question, t: Translator) -> tuple[State, list[Output]]:
    data = dict(state.data)
    out: list[Output] = []
    if q.multi and PICKED not in data:  # asked anew (a change, an /update): the answer so far is toggled
        data[PICKED] = [v for v in safety_values(data.get(q.field or "")) if v not in q.single]
    keyboard = question_keyboard(q, t, data)
    if q.share:
        button = ReplyButton(
            t(q.share_label), request_location=q.share == "location", request_contact=q.share == "contact"
        )
        out.append(Reply(t(q.prompt), ReplyKeyboard(((button,),))))
        data["_kb"] = True
        more = N_("Or choose the city:") if q.options else N_("Or type it here.")
        out.append(Reply(t(more), keyboard, question=True))
    else:
        if data.pop("_kb", None):
            out.append(Reply(t(N_("✓ Noted.")), RemoveKeyboard()))
        out.append(Reply(t(q.prompt), keyboard, question=True))
    return state.with_(data=data), out


def drop_reply_keyboard(state: State, out: list[Output], t: Translator) -> tuple[State, list[Output]]:
    """A message that asks nothing still has to take a share button off the screen."""
    if not state.data.get("_kb"):
        return state, out
    data = {k: v for k, v in state.data.items() if k != "_kb"}
    first = out[0] if out else None
    if isinstance(first, Reply) and first.markup is None:
        out = [Reply(first.text, RemoveKeyboard(), first.question, first.protect), *out[1:]]
    else:
        out = [Reply(t(N_("✓ Noted.")), RemoveKeyboard()), *out]
    return state.with_(data=data), out


def welcome_text(ctx: Context, t: Translator) -> str:
    parts = [
        t(
            N_("Hello. This is the hotline of {mission} for Indonesian citizens who need help."),
            mission=ctx.mission,
        ),
        t(
            N_(
                "I will ask a few short questions: where you are, where your passport is, whether you are "
                "safe, how we can reach you, and about your way home. It takes about 4 minutes. You may "
                "skip most questions."
            )
        ),
        t(
            N_(
                "Only embassy officers see your answers. They are used to help you and bring you home, "
                "and are deleted {days} days after your case is closed."
            ),
            days=ctx.retention_days,
        ),
        t(TRANSFER_WARNING),
    ]
    if ctx.phone:
        parts.append(t(N_("Emergency phone: {phone}"), phone=ctx.phone))
    parts.append(t(WELCOME_PROMPT))
    return "\n\n".join(parts)


WELCOME_PROMPT = N_("Do you agree to continue?")


def show(q: Question, data: dict[str, Any], t: Translator) -> str:
    """One answer as the citizen reads it in the summary; "—" when skipped."""
    if q.id == "location":
        parts = []
        if data.get("latitude") is not None:
            parts.append(t(N_("📍 location shared")))
        label = option_label(q, data.get("city"))
        if label:
            parts.append(t(label))
        if data.get("place"):
            parts.append(str(data["place"]))
        return ", ".join(parts) or "—"
    value = data.get(q.field or "")
    if value is None or value == "":
        return "—"
    label = option_label(q, value)
    if q.id == "passport" and data.get("passport_number"):
        return f"{t(label or '')} ({data['passport_number']})"
    if q.id == "birth_date":
        return t.date(date.fromisoformat(value))
    if q.id == "home_province":
        province = province_by_code(str(value))
        return province.name if province else str(value)
    if q.id in ("companions", "children"):
        return t.number(int(value))
    if q.id == "going_home" and data.get("home_city") and value != "not_yet":
        return f"{t(label or '')} — {data['home_city']}"
    if q.multi:
        labels = [option_label(q, v) for v in safety_values(str(value))]
        return ", ".join(t(label) for label in labels if label) or "—"
    return t(label) if label else str(value)


def asked(data: dict[str, Any]) -> tuple[Question, ...]:
    """The questions of this report: all of them, or the short report's."""
    return FORM if in_full(data) else SHORT_FORM


def summed_up(data: dict[str, Any]) -> tuple[Question, ...]:
    """The answers the summary shows (and offers to change): not "children" of someone alone."""
    return tuple(q for q in asked(data) if q.summary_label and (q.upto is None or data.get(q.upto)))


def summary(state: State, t: Translator) -> Reply:
    lines = [t(N_("Please check your report:")), ""]
    for q in summed_up(state.data):
        lines.append(f"{t(q.summary_label)}: {show(q, state.data, t)}")
    if not in_full(state.data):
        lines += ["", t(LATER)]
    buttons: tuple[tuple[InlineButton, ...], ...] = (
        (InlineButton(t(N_("✅ Send")), callback(Scope.SUMMARY, "send")),),
        (InlineButton(t(N_("✏️ Change an answer")), callback(Scope.SUMMARY, "change")),),
    )
    if not in_full(state.data):
        buttons += (
            (InlineButton(t(N_("➕ Add my name and other details now")), callback(Scope.SUMMARY, "more")),),
        )
    buttons += ((InlineButton(t(N_("✖️ Cancel")), callback(Scope.SUMMARY, "cancel")),),)
    return Reply("\n".join(lines), with_sos(t, *buttons), question=True, protect=True)


LATER = N_("You can add your name and the other details later with /update, when it is safe.")


def change_picker(state: State, t: Translator) -> Reply:
    buttons = [InlineButton(t(q.summary_label), callback(Scope.CHANGE, q.id)) for q in summed_up(state.data)]
    back = (InlineButton(t(N_("⬅️ Back to the summary")), callback(Scope.CHANGE, "back")),)
    return Reply(
        t(N_("Which answer do you want to change?")), with_sos(t, *rows(buttons, 2), back), question=True
    )


def sent_text(state: State, t: Translator) -> str:
    parts = [
        t(N_("✅ Your report is sent. Your reference number is {reference}. Please keep it.")),
        t(N_("An embassy officer will read your report and contact you here.")),
    ]
    if state.data.get("safe") == "on_reply":
        parts.append(t(N_("We will only write to you right after you write to us.")))
    if not in_full(state.data):
        parts.append(t(LATER))
    parts.append(t(TRANSFER_WARNING))
    parts.append(commands_text(t))
    return "\n\n".join(parts)


def commands_text(t: Translator) -> str:
    return t(
        N_(
            "/status – what is happening with your case\n"
            "/update – tell us a new location or how you are\n"
            "/sos – if you are in danger now\n"
            "/language – Bahasa Indonesia or English\n"
            "/delete – delete your data\n"
            "/hide – delete this chat from your phone\n"
            "/help – help"
        )
    )


HIDE_OFFER = N_(
    "Do you want to delete this chat from your phone? Then someone who checks your phone will "
    "not read it. But an empty chat can also look suspicious. Your report stays with the embassy.\n\n"
    "I delete every message of this chat from the last 2 days, the embassy's messages too. "
    "Telegram does not let me delete older ones: delete those yourself (press and hold a message). "
    "If you use Telegram on another device too, check it there as well.\n\n"
    "You can write /sos at any time."
)


def hide_offer(t: Translator) -> Reply:
    """The offer to delete the chat from the phone; the citizen chooses, nothing happens unasked."""
    text = t(HIDE_OFFER)
    buttons = (
        (InlineButton(t(N_("🗑 Delete the chat")), callback(Scope.HIDE, "yes")),),
        (InlineButton(t(N_("Keep it")), callback(Scope.HIDE, "no")),),
    )
    return Reply(text, InlineKeyboard(buttons))


def ask(state: State, ctx: Context, t: Translator) -> tuple[State, list[Output]]:
    """The messages that put the current step in front of the citizen again."""
    q = BY_ID.get(state.step)
    if q is not None and q.id == Step.WELCOME:
        data = {k: v for k, v in state.data.items() if k != "_kb"}
        keyboard = question_keyboard(q, t)
        return state.with_(data=data), [Reply(welcome_text(ctx, t), keyboard, question=True)]
    if q is not None:
        return ask_question(state, q, t)
    if state.step == Step.SUMMARY:
        return drop_reply_keyboard(state, [summary(state, t)], t)
    if state.step == Step.CHANGE:
        return drop_reply_keyboard(state, [change_picker(state, t)], t)
    if state.step == Step.DONE:
        text = t(N_("Your report {reference} is with the embassy."), reference=ctx.reference or "")
        return drop_reply_keyboard(state, [Reply(f"{text}\n\n{commands_text(t)}", with_sos(t))], t)
    return state, [Reply(t(N_("Send /start when you want to report to the embassy.")))]


def danger_question(t: Translator) -> Reply:
    """Words a frightened person types (services: flow.sos.is_danger_word) get one question
    with a 🆘 button: an SOS is raised only by a tap, never by a guess."""
    buttons = (
        (InlineButton(t(N_("🆘 Yes, alert the embassy now")), SOS),),
        (InlineButton(t(N_("No, continue")), NO_DANGER),),
    )
    return Reply(t(N_("Are you in danger now?")), InlineKeyboard(buttons))


def sos_alert(ctx: Context, t: Translator, first: bool) -> Reply:
    """What the citizen reads after an SOS, in one message: the officers know; (on the first message
    ever) that the embassy never asks for a transfer; the emergency number; and, in one tap, whether
    the embassy may write first (until they answer, it may not: bot.core.contact)."""
    parts = [t(N_("🆘 The officers on duty have been alerted. If you can, send your location."))]
    if first:
        parts.append(t(TRANSFER_WARNING))
    if ctx.phone:
        parts.append(t(N_("If you can call, the emergency number is {phone}."), phone=ctx.phone))
    parts.append(t(N_("May we write to you first, or should we wait until you write to us?")))
    buttons = (
        (InlineButton(t(N_("✅ You may write to me first")), callback(Scope.CONTACT, ContactPref.ANY)),),
        (InlineButton(t(N_("⏸ Wait until I write")), callback(Scope.CONTACT, ContactPref.ON_REPLY)),),
    )
    return Reply("\n\n".join(parts), InlineKeyboard(buttons))


def restart(state: State, ctx: Context, t: Translator) -> Outcome:
    fresh = state.with_(step=Step.WELCOME, data={})
    new_state, out = ask(fresh, ctx, t)
    return Outcome(new_state, out)
