"""Commands a citizen types (/start, /help, /language, /cancel, /status, /update, /sos, /delete, /hide)."""

from __future__ import annotations

from bot.core.actions import InlineButton, InlineKeyboard, RemoveKeyboard
from bot.core.incoming import Incoming, Kind
from bot.flow import engine
from bot.flow.asking import ask, commands_text, hide_offer
from bot.flow.model import Context, EraseMyData, GiveConsent, Notice, Outcome, Reply, State, Wipe
from bot.flow.steps import BY_ID
from bot.i18n import N_, Catalogs, Translator

STATUS = {
    "new": N_("received, waiting for an officer"),
    "acknowledged": N_("seen by an officer"),
    "in_progress": N_("an officer is working on it"),
    "awaiting_documents": N_("waiting for documents"),
    "scheduled": N_("scheduled to go home"),
    "repatriated": N_("you are back home"),
    "closed": N_("closed"),
    "referred": N_("passed to a partner organisation"),
}
IN_FORM = (*BY_ID, "summary", "change")
SOS_BUTTONS = ("f:welcome:sos", "f:safe:sos")


def is_sos(inp: Incoming) -> bool:
    """An SOS in any of its forms: the /sos command, an SOS button, or the word SOS typed alone."""
    if inp.kind is Kind.COMMAND:
        return inp.command == "sos"
    if inp.kind is Kind.BUTTON:
        return inp.callback_data in SOS_BUTTONS
    return inp.kind is Kind.TEXT and is_sos_word(inp.text)


def is_sos_word(text: str | None) -> bool:
    return text is not None and text.strip().strip("!.").strip().lower() == "sos"


def yes_no(t: Translator, kind: str, yes: str) -> InlineKeyboard:
    return InlineKeyboard(
        ((InlineButton(yes, f"{kind}:yes"),), (InlineButton(t(N_("No, go back")), f"{kind}:no"),))
    )


def run(state: State, inp: Incoming, ctx: Context, catalogs: Catalogs) -> Outcome:
    t = catalogs[state.lang]
    name = inp.command or ""
    if name == "start":
        if state.step in ("new", "declined"):
            return engine.restart(state, ctx, t)
        new_state, out = ask(state, ctx, t)
        return Outcome(new_state, [Reply(t(N_("Let's continue where you stopped."))), *out])
    if name == "help":
        return again(state, Reply(help_text(ctx, t)), ctx, t)
    if name == "language":
        keyboard = InlineKeyboard(
            ((InlineButton("Bahasa Indonesia", "lang:id"),), (InlineButton("English", "lang:en"),))
        )
        return Outcome(state, [Reply(t(N_("Choose your language:")), keyboard)])
    if name == "sos":
        return sos_now(state, ctx, t)
    if name == "hide":  # before the report too: someone who only opened the chat may want it gone
        return Outcome(state, [hide_offer(t)])
    if state.step in ("new", "welcome", "declined"):
        return engine.restart(state, ctx, t)
    if name == "cancel":
        if state.step in IN_FORM and not state.submitted:
            return ask_cancel(state, t)
        return Outcome(state, [Reply(t(N_("There is nothing to cancel.")))])
    if name == "status":
        return again(state, Reply(status_text(state, ctx, t)), ctx, t)
    if name == "update":
        if not state.submitted:
            return Outcome(state, [Reply(t(N_("You can update your report after you send it.")))])
        keyboard = InlineKeyboard(
            (
                (InlineButton(t(N_("📍 My location")), "upd:location"),),
                (InlineButton(t(N_("🛡️ How I am now")), "upd:safety"),),
            )
        )
        return Outcome(state, [Reply(t(N_("What do you want to update?")), keyboard)])
    if name == "delete":
        text = t(N_("Delete all your data from the hotline? The embassy will no longer see your report."))
        return Outcome(state, [Reply(text, yes_no(t, "del", t(N_("Yes, delete my data"))))])
    unknown = Reply(t(N_("I do not know that command. Send /help to see what I can do.")))
    return again(state, unknown, ctx, t)


def sos_now(state: State, ctx: Context, t: Translator) -> Outcome:
    if state.step in ("new", "welcome", "declined"):
        # SOS before consent: an emergency overrides the form; the citizen asked for help.
        return engine.sos(state.with_(step="new"), [], [GiveConsent()], ctx, t)
    return engine.sos(state, [], [], ctx, t)


def again(state: State, reply: Reply, ctx: Context, t: Translator) -> Outcome:
    """A command in the middle of the form: answer it, then put the open question back in front."""
    if state.step not in IN_FORM:
        return Outcome(state, [reply])
    new_state, out = ask(state, ctx, t)
    return Outcome(new_state, [reply, *out])


def help_text(ctx: Context, t: Translator) -> str:
    parts = [
        t(N_("This is the hotline of {mission}. Answer the questions and an officer will contact you."),
          mission=ctx.mission),
        commands_text(t),
        t(N_("⚠️ The embassy never asks for money. Anyone who asks you to pay in its name is a scammer.")),
    ]  # fmt: skip
    if ctx.phone:
        parts.append(t(N_("Emergency phone: {phone}"), phone=ctx.phone))
    return "\n\n".join(parts)


def status_text(state: State, ctx: Context, t: Translator) -> str:
    if ctx.reference and state.submitted:
        status = t(STATUS.get(ctx.status or "new", STATUS["new"]))
        return t(N_("Your report {reference}: {status}."), reference=ctx.reference, status=status)
    return t(N_("Your report is not sent yet. Answer the questions, then tap «Send»."))


def ask_cancel(state: State, t: Translator) -> Outcome:
    text = t(N_("Delete the answers you gave so far?"))
    return Outcome(state, [Reply(text, yes_no(t, "cx", t(N_("Yes, delete them"))))])


def confirmed(state: State, kind: str, answer: str, ctx: Context, catalogs: Catalogs) -> Outcome:
    """Buttons of the confirmations and of /update."""
    t = catalogs[state.lang]
    if kind == "cx" and answer == "yes" and state.step in IN_FORM and not state.submitted:
        fresh = state.with_(step="new", data={}, report_id=None)
        return Outcome(fresh, [Reply(t(N_("Your answers have been deleted. Send /start to begin again.")))])
    if kind == "del" and answer == "yes":
        fresh = State(step="new", lang=state.lang)
        goodbye = Reply(t(N_("Your data has been deleted. Send /start if you need help again.")))
        return Outcome(fresh, [goodbye], [EraseMyData()])
    if kind == "upd" and answer in ("location", "safety") and state.submitted:
        data = {**state.data, "_return": "done", "_mode": "update"}
        return Outcome(*ask(state.with_(step=answer, data=data), ctx, t))
    if kind == "hide" and answer == "yes":
        # the question message goes too: nothing is left to close or answer on screen
        data = {k: v for k, v in state.data.items() if k not in ("_q", "_kb")}
        if state.step in IN_FORM:
            data["_wiped"] = True  # the open question is gone from the screen: ask it before reading
        gone = Notice(t(N_("Deleted. Send /sos at any time if you are in danger.")))
        if state.data.get("_kb"):  # a share button stays on screen after its message goes: take it off
            return Outcome(state.with_(data=data), [gone, Reply(t(N_("✓ Noted.")), RemoveKeyboard()), Wipe()])
        return Outcome(state.with_(data=data), [gone, Wipe()])
    if kind == "hide" and answer == "no":
        return Outcome(state, [Notice(t(N_("Alright, the chat stays as it is.")))])
    if kind in ("cx", "del") and answer == "no":
        new_state, out = ask(state, ctx, t)
        return Outcome(new_state, out)
    return Outcome(state, [Notice(t(N_("This button is no longer active.")))])
