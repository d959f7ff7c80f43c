"""Commands a citizen types (/start, /help, /language, /cancel, /status, /update, /sos, /delete, /hide)."""

from __future__ import annotations

from bot.core.actions import InlineButton, InlineKeyboard, RemoveKeyboard
from bot.core.callbacks import Callback, Scope, callback
from bot.core.case import Status
from bot.core.incoming import Incoming, Kind
from bot.core.stage import Stage
from bot.flow import screening
from bot.flow.asking import TRANSFER_WARNING, ask, commands_text, hide_offer, restart, with_sos
from bot.flow.model import WIPED, Context, EraseMyData, Notice, Outcome, Reply, State, Step, Wipe
from bot.flow.sos import is_danger_word, is_sos, sos_now
from bot.flow.steps import BY_ID, HOME_QUESTIONS, next_question
from bot.i18n import N_, Catalogs, Translator

STATUS: dict[str, str] = {
    Status.NEW: N_("received, waiting for an officer"),
    Status.ACKNOWLEDGED: N_("seen by an officer"),
    Status.IN_PROGRESS: N_("an officer is working on it"),
    Status.AWAITING_DOCUMENTS: N_("waiting for documents"),
    Status.SCHEDULED: N_("scheduled to go home"),
    Status.REPATRIATED: N_("you are back home"),
    Status.CLOSED: N_("closed"),
    Status.REFERRED: N_("passed to a partner organisation"),
}
# Where a case stands on its way home, as the citizen reads it: plain, kind, nothing internal (no
# notes, no officer, no document number: a captor may read the phone, and the paper is theirs anyway)
STAGE_WORDS: dict[str, str] = {
    Stage.IDENTITY_VERIFIED: N_("We have checked who you are."),
    Stage.DOCUMENT_READY: N_("Your travel document is ready."),
    Stage.CLEARED: N_("Immigration has cleared you to go home."),
    Stage.ON_FLIGHT: N_("You have a seat home: we will tell you when and where to be."),
    Stage.DEPARTED: N_("You are on your way home. Safe travels!"),
    Stage.ARRIVED: N_("Welcome home! Take care."),
    Stage.REFERRED: N_("We have passed your case to a partner who can help."),
    Stage.STAYING: N_("You chose to stay. Write to us here if you need help again."),
    Stage.CLOSED: N_("Your case is closed. Write to us here if you need help again."),
}
FIND_HELP = N_("/find – look for a family member or friend who may have come to the embassy")
IN_FORM = (*BY_ID, Step.SUMMARY, Step.CHANGE)
# Buttons that only confirm, cancel or close something: pressing them is not the citizen writing
# (held messages wait on: see releases_held)
CLOSING_BUTTONS = (Scope.HIDE, Scope.DELETE, Scope.CANCEL)
# the cancel buttons of a scam report (flow.verify) and of a search (flow.seeking): they write nothing
CANCELS = (
    callback(Scope.VERIFY, "drop"),
    callback(Scope.SEEK, "agree", "no"),
    callback(Scope.SEEK, "sum", "cancel"),
)


def releases_held(inp: Incoming) -> bool:
    """Whether this update is the citizen writing to the embassy, after which what waits for them
    (officers' answers, broadcasts held by "wait until I write") may go: their own message or an
    answer, never a command (/hide, /delete, /status …), a confirmation, or a live location moving
    by itself. Nor an SOS or words of fear: until they say whether we may write first, we may not."""
    if inp.kind is Kind.COMMAND or inp.kind is Kind.LIVE_LOCATION or is_sos(inp):
        return False
    if inp.kind is Kind.TEXT and is_danger_word(inp.text):
        return False
    if inp.kind is Kind.BUTTON:
        pressed = Callback.parse(inp.callback_data)
        if pressed is None or pressed.scope in CLOSING_BUTTONS or inp.callback_data in CANCELS:
            return False
        return not screening.closes(pressed)
    return True


def yes_no(t: Translator, scope: Scope, yes: str) -> InlineKeyboard:
    return InlineKeyboard(
        (
            (InlineButton(yes, callback(scope, "yes")),),
            (InlineButton(t(N_("No, go back")), callback(scope, "no")),),
        )
    )


def run(state: State, inp: Incoming, ctx: Context, catalogs: Catalogs) -> Outcome:
    t = catalogs[state.lang]
    name = inp.command or ""
    if name == "start":
        if state.step in (Step.NEW, Step.DECLINED):
            return restart(state, ctx, t)
        new_state, out = ask(state, ctx, t)
        return Outcome(new_state, [Reply(t(N_("Let's continue where you stopped."))), *out])
    if name == "help":
        return again(state, Reply(help_text(ctx, t)), ctx, t)
    if name == "language":
        keyboard = InlineKeyboard(
            (
                (InlineButton("Bahasa Indonesia", callback(Scope.LANGUAGE, "id")),),
                (InlineButton("English", callback(Scope.LANGUAGE, "en")),),
            )
        )
        return Outcome(state, [Reply(t(N_("Choose your language:")), keyboard)])
    if name == "sos":
        return sos_now(state, ctx, t)
    if name == "hide":  # before the report too: someone who only opened the chat may want it gone
        return Outcome(state, [hide_offer(t)])
    if state.step in (Step.NEW, Step.WELCOME, Step.DECLINED):
        return restart(state, ctx, t)
    if name == "cancel":
        if state.step in IN_FORM and not state.submitted:
            return ask_cancel(state, t)
        return Outcome(state, [Reply(t(N_("There is nothing to cancel.")))])
    if name == "status":
        return again(state, Reply(status_text(state, ctx, t), with_sos(t)), ctx, t)
    if name == "update":
        if not state.submitted:
            return Outcome(state, [Reply(t(N_("You can update your report after you send it.")))])
        choices = [
            (InlineButton(t(N_("📍 My location")), callback(Scope.UPDATE, "location")),),
            (InlineButton(t(N_("🛡️ How I am now")), callback(Scope.UPDATE, "safety")),),
        ]
        if state.data.get("_short"):
            choices.append((InlineButton(t(N_("✍️ The rest of my report")), callback(Scope.UPDATE, "more")),))
        else:  # the short report's "rest" asks these too
            home = InlineButton(t(N_("🏠 Going home, health, documents")), callback(Scope.UPDATE, "home"))
            choices.append((home,))
        choices.append(screening.update_button(t))
        return Outcome(state, [Reply(t(N_("What do you want to update?")), with_sos(t, *choices))])
    if name == "delete":
        text = t(N_("Delete all your data from the hotline? The embassy will no longer see your report."))
        return Outcome(state, [Reply(text, yes_no(t, Scope.DELETE, t(N_("Yes, delete my data"))))])
    unknown = Reply(t(N_("I do not know that command. Send /help to see what I can do.")))
    return again(state, unknown, ctx, t)


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
        commands_text(t) + "\n" + t(N_("/verify – is this the real embassy? Report a scam")),
        t(FIND_HELP),
        t(TRANSFER_WARNING),
    ]  # fmt: skip
    if ctx.phone:
        parts.append(t(N_("Emergency phone: {phone}"), phone=ctx.phone))
    return "\n\n".join(parts)


def status_text(state: State, ctx: Context, t: Translator) -> str:
    if ctx.reference and state.submitted:
        status = t(STATUS.get(ctx.status or "new", STATUS["new"]))
        said = t(N_("Your report {reference}: {status}."), reference=ctx.reference, status=status)
        where = STAGE_WORDS.get(ctx.stage or "")
        return f"{said}\n\n{t(where)}" if where else said
    return t(N_("Your report is not sent yet. Answer the questions, then tap «Send»."))


def ask_cancel(state: State, t: Translator) -> Outcome:
    text = t(N_("Delete the answers you gave so far?"))
    return Outcome(state, [Reply(text, yes_no(t, Scope.CANCEL, t(N_("Yes, delete them"))))])


def confirmed(state: State, kind: Scope, answer: str, ctx: Context, catalogs: Catalogs) -> Outcome:
    """Buttons of the confirmations and of /update."""
    t = catalogs[state.lang]
    if kind is Scope.CANCEL and answer == "yes" and state.step in IN_FORM and not state.submitted:
        fresh = state.with_(step=Step.NEW, data={}, report_id=None)
        return Outcome(fresh, [Reply(t(N_("Your answers have been deleted. Send /start to begin again.")))])
    if kind is Scope.DELETE and answer == "yes" and ctx.searching:
        # officers are looking for them after an SOS: once more, plainly, before they lose the trail
        text = t(
            N_(
                "Officers are looking for you right now because of your SOS. If you delete your data, "
                "they lose where you are and what you told them. Delete it anyway?"
            )
        )
        sure = InlineKeyboard(
            (
                (InlineButton(t(N_("Yes, delete it anyway")), callback(Scope.DELETE, "sure")),),
                (InlineButton(t(N_("No, go back")), callback(Scope.DELETE, "no")),),
            )
        )
        return Outcome(state, [Reply(text, sure)])
    if kind is Scope.DELETE and answer in ("yes", "sure"):
        fresh = State(step=Step.NEW, lang=state.lang)
        goodbye = Reply(t(N_("Your data has been deleted. Send /start if you need help again.")))
        return Outcome(fresh, [goodbye], [EraseMyData()])
    if kind is Scope.UPDATE and answer in ("location", "safety") and state.submitted:
        data = {**state.data, "_return": Step.DONE, "_mode": "update"}
        return Outcome(*ask(state.with_(step=answer, data=data), ctx, t))
    if kind is Scope.UPDATE and answer == "home" and state.submitted and not state.data.get("_short"):
        data = {k: v for k, v in state.data.items() if k != "_return"}
        data["_mode"] = "home"  # each answer reaches the case as given; the last one ends it (engine)
        return Outcome(*ask(state.with_(step=HOME_QUESTIONS[0], data=data), ctx, t))
    if kind is Scope.UPDATE and answer == "more" and state.submitted:
        data = {k: v for k, v in state.data.items() if k not in ("_short", "_return")}
        data["_mode"] = "more"
        following = next_question("safety", data)
        return Outcome(*ask(state.with_(step=following.id if following else Step.DONE, data=data), ctx, t))
    if kind is Scope.HIDE and answer == "yes":
        # the question message goes too: nothing is left to close or answer on screen
        data = {k: v for k, v in state.data.items() if k not in ("_q", "_kb")}
        if state.step in IN_FORM:
            data[WIPED] = True  # the open question is gone from the screen: ask it before reading
        gone = Notice(t(N_("Deleted. Send /sos at any time if you are in danger.")))
        if state.data.get("_kb"):  # a share button stays on screen after its message goes: take it off
            return Outcome(state.with_(data=data), [gone, Reply(t(N_("✓ Noted.")), RemoveKeyboard()), Wipe()])
        return Outcome(state.with_(data=data), [gone, Wipe()])
    if kind is Scope.HIDE and answer == "no":
        return Outcome(state, [Notice(t(N_("Alright, the chat stays as it is.")))])
    if kind in (Scope.CANCEL, Scope.DELETE) and answer == "no":
        new_state, out = ask(state, ctx, t)
        return Outcome(new_state, out)
    return Outcome(state, [Notice(t(N_("This button is no longer active.")))])
