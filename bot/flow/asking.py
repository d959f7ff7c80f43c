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
from bot.flow.model import Context, Output, Reply, State
from bot.flow.steps import BY_ID, FORM, Question, option_label
from bot.i18n import N_, Translator
from bot.validators import province_by_code

SKIP = "-"


def rows(buttons: list[InlineButton], columns: int) -> tuple[tuple[InlineButton, ...], ...]:
    return tuple(tuple(buttons[i : i + columns]) for i in range(0, len(buttons), columns))


def question_keyboard(q: Question, t: Translator) -> InlineKeyboard | None:
    buttons = [InlineButton(t(o.label), f"f:{q.id}:{o.value}") for o in q.options]
    grid = rows(buttons, q.columns)
    if q.skip:
        grid += ((InlineButton(t(N_("Skip this question ➡️")), f"f:{q.id}:{SKIP}"),),)
    return InlineKeyboard(grid) if grid else None


def ask_question(state: State, q: Question, t: Translator) -> tuple[State, list[Output]]:
    data = dict(state.data)
    out: list[Output] = []
    keyboard = question_keyboard(q, t)
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
                "safe, and how we can reach you. It takes about 3 minutes. You may skip most questions."
            )
        ),
        t(
            N_(
                "Only embassy officers see your answers. They are used to help you and bring you home, "
                "and are deleted {days} days after your case is closed."
            ),
            days=ctx.retention_days,
        ),
        t(N_("⚠️ The embassy never asks for money. Anyone who asks you to pay in its name is a scammer.")),
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
    if q.id == "companions":
        return t.number(int(value))
    return t(label) if label else str(value)


def summary(state: State, t: Translator) -> Reply:
    lines = [t(N_("Please check your report:")), ""]
    for q in FORM:
        if q.summary_label:
            lines.append(f"{t(q.summary_label)}: {show(q, state.data, t)}")
    buttons = (
        (InlineButton(t(N_("✅ Send")), "sum:send"),),
        (InlineButton(t(N_("✏️ Change an answer")), "sum:change"),),
        (InlineButton(t(N_("✖️ Cancel")), "sum:cancel"),),
    )
    return Reply("\n".join(lines), InlineKeyboard(buttons), question=True, protect=True)


def change_picker(t: Translator) -> Reply:
    buttons = [InlineButton(t(q.summary_label), f"chg:{q.id}") for q in FORM if q.summary_label]
    grid = (*rows(buttons, 2), (InlineButton(t(N_("⬅️ Back to the summary")), "chg:back"),))
    return Reply(t(N_("Which answer do you want to change?")), InlineKeyboard(grid), question=True)


def sent_text(state: State, t: Translator) -> str:
    parts = [
        t(N_("✅ Your report is sent. Your reference number is {reference}. Please keep it.")),
        t(N_("An embassy officer will read your report and contact you here.")),
    ]
    if state.data.get("safe") == "on_reply":
        parts.append(t(N_("We will only write to you right after you write to us.")))
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


def hide_offer(t: Translator) -> Reply:
    """The offer to delete the chat from the phone; the citizen chooses, nothing happens unasked."""
    text = t(
        N_(
            "Do you want to delete this chat from your phone? Then someone who checks your phone will "
            "not read it. But an empty chat can also look suspicious. Your report stays with the embassy.\n\n"
            "Telegram lets me delete only the messages of the last 2 days. You can write /sos at any time."
        )
    )
    buttons = (
        (InlineButton(t(N_("🗑 Delete the chat")), "hide:yes"),),
        (InlineButton(t(N_("Keep it")), "hide:no"),),
    )
    return Reply(text, InlineKeyboard(buttons))


def ask(state: State, ctx: Context, t: Translator) -> tuple[State, list[Output]]:
    """The messages that put the current step in front of the citizen again."""
    q = BY_ID.get(state.step)
    if q is not None and q.id == "welcome":
        data = {k: v for k, v in state.data.items() if k != "_kb"}
        keyboard = question_keyboard(q, t)
        return state.with_(data=data), [Reply(welcome_text(ctx, t), keyboard, question=True)]
    if q is not None:
        return ask_question(state, q, t)
    if state.step == "summary":
        return drop_reply_keyboard(state, [summary(state, t)], t)
    if state.step == "change":
        return drop_reply_keyboard(state, [change_picker(t)], t)
    if state.step == "done":
        text = t(N_("Your report {reference} is with the embassy."), reference=ctx.reference or "")
        return drop_reply_keyboard(state, [Reply(f"{text}\n\n{commands_text(t)}")], t)
    return state, [Reply(t(N_("Send /start when you want to report to the embassy.")))]
