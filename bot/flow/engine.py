"""The step function: (state, incoming, context) -> (new state, messages, effects). No I/O here."""

from __future__ import annotations

from typing import Any

from bot.core.callbacks import Callback, Scope
from bot.core.contact import ContactPref
from bot.core.incoming import Incoming, Kind
from bot.flow import commands, screening, seeking, verify
from bot.flow.asking import (
    DONE,
    NO_DANGER,
    PICKED,
    SKIP,
    SOS,
    ask,
    danger_question,
    drop_reply_keyboard,
    hide_offer,
    question_keyboard,
    restart,
    sent_text,
    show,
    with_sos,
)
from bot.flow.model import (
    NOT_ON_SCREEN,
    CitizenMessage,
    Close,
    Context,
    Effect,
    GiveConsent,
    Notice,
    Outcome,
    Output,
    PatchReport,
    Redraw,
    Reply,
    SetContactPref,
    SetLanguage,
    State,
    Step,
    Submit,
    unsent_replies,
)
from bot.flow.reading import PROBLEMS, read
from bot.flow.sos import call_for_help, is_danger_word, is_sos_word, sos_now
from bot.flow.steps import BY_ID, COUNTS, FREE_TEXT, HOME_QUESTIONS, Question, next_question, option_label
from bot.i18n import LANGUAGES, N_, Catalogs, Translator
from bot.validators import Invalid

REPORT_FIELDS = (
    "latitude", "longitude", "city", "place", "passport_status", "passport_number", "safety",
    "full_name", "birth_date", "nik", "home_province", "phone", "family_contact", "companions", "notes",
    "going_home", "home_city", "medical", "documents_held", "sex", "children",
)  # fmt: skip
BEFORE_CONSENT = (Step.NEW, Step.WELCOME, Step.DECLINED)
GROUP_FIELDS = {"location": ("latitude", "longitude", "city", "place"), "safety": ("safety",)}
# answers that no longer hold once another is given: no home city for someone not going home yet
CLEARED_BY = {"going_home": ("home_city",)}
# what /update's "add the rest" copies to the report once the citizen reaches the end of the form
REST_FIELDS = (
    "full_name",
    "birth_date",
    "nik",
    "home_province",
    "phone",
    "family_contact",
    "companions",
    "going_home",
    "home_city",
    "medical",
    "documents_held",
    "sex",
    "children",
    "notes",
)


def advance(state: State, inp: Incoming, ctx: Context, catalogs: Catalogs) -> Outcome:
    t = catalogs[state.lang]
    # /verify and the scam report: beside the report and a search, any time
    if verify.takes(state, inp) and inp.command != "delete":
        return verify.advance(state, inp, ctx, catalogs)
    state = verify.aside(state, inp)
    if (sought := seeking.route(state, inp, ctx, catalogs)) is not None:  # looking for someone
        return sought
    if verify.takes(state, inp):  # /delete before consent: someone who only reported a scam may erase it
        return verify.advance(state, inp, ctx, catalogs)
    if inp.kind is Kind.TEXT and is_sos_word(inp.text):
        return sos_now(state, ctx, t)  # the word SOS typed alone is an SOS, at any step
    if inp.kind is Kind.TEXT and is_danger_word(inp.text):
        return alarmed(state, inp.text or "", ctx, t)
    if state.step == Step.NEW and inp.kind not in (Kind.BUTTON, Kind.COMMAND):
        return restart(state, ctx, t)
    if inp.kind is Kind.COMMAND:
        return commands.run(state, inp, ctx, catalogs)
    if inp.kind is Kind.BUTTON:
        return press(state, inp.callback_data or "", ctx, catalogs, inp.message_id)
    if inp.kind is Kind.LIVE_LOCATION:
        return moved(state, inp)
    if any(state.data.get(mark) for mark in NOT_ON_SCREEN):  # text cannot answer a question not on screen
        waiting = unsent_replies(state.data)
        state = state.with_(data={k: v for k, v in state.data.items() if k not in NOT_ON_SCREEN})
        if inp.kind is not Kind.LOCATION:  # the answer that never went, else the open question
            return Outcome(state, list[Output](waiting)) if waiting else Outcome(*ask(state, ctx, t))
    if state.step in (Step.NEW, Step.DECLINED):
        return restart(state, ctx, t)
    if inp.kind is Kind.LOCATION and inp.location is not None:
        if state.step == Step.WELCOME:  # nothing is kept before the citizen agrees
            return problem(state, "choose", ctx, t)
        fields = {"latitude": inp.location.latitude, "longitude": inp.location.longitude}
        return located(state, fields, ctx, t)
    if inp.kind is Kind.CONTACT and inp.contact is not None and state.step in ("phone", "family_contact"):
        contact = inp.contact
        text = contact.phone_number
        if state.step == "family_contact":  # a shared contact card of a relative: their name and number
            text = f"{contact.first_name} {contact.phone_number}".strip()
        return typed(state, text, ctx, t)
    if inp.kind is Kind.TEXT and inp.text is not None and inp.text.strip():
        return typed(state, inp.text.strip(), ctx, t)
    return problem(state, "unsupported", ctx, t)


def alarmed(state: State, text: str, ctx: Context, t: Translator) -> Outcome:
    """The words of a frightened person typed alone ("tolong", "help", "bahaya"): are they in danger
    now? One tap away from an SOS,
    never an SOS by itself. Where the question asked for free text (or the report is sent and the
    text is a message for the embassy), the text is also taken as it always is: "tolong" is "please"
    too."""
    if state.step in FREE_TEXT or state.step == Step.DONE:
        outcome = advance_text(state, text, ctx, t)
        return Outcome(outcome.state, [*outcome.out, danger_question(t)], outcome.effects)
    return Outcome(state, [danger_question(t)])


def advance_text(state: State, text: str, ctx: Context, t: Translator) -> Outcome:
    if any(state.data.get(mark) for mark in NOT_ON_SCREEN):  # see advance: the question is not on screen
        waiting = unsent_replies(state.data)
        state = state.with_(data={k: v for k, v in state.data.items() if k not in NOT_ON_SCREEN})
        return Outcome(state, list[Output](waiting)) if waiting else Outcome(*ask(state, ctx, t))
    return typed(state, text.strip(), ctx, t)


def problem(state: State, code: str, ctx: Context, t: Translator) -> Outcome:
    """A short re-ask in the citizen's language; the draft stays as it was."""
    new_state, out = ask(state, ctx, t)
    return Outcome(new_state, [Reply(t(PROBLEMS[code])), *out])


def typed(state: State, text: str, ctx: Context, t: Translator) -> Outcome:
    if state.step == Step.DONE:
        if len(text) > 1000:
            return Outcome(state, [Reply(t(PROBLEMS["too_long"]))])
        note = t(N_("Thank you. Your message is added to your report {reference}."), reference=ctx.reference)
        return Outcome(state, [Reply(note)], [CitizenMessage(text)])
    q = BY_ID.get(state.step)
    if q is None or q.reads is None:
        return problem(state, "choose", ctx, t)
    try:
        fields = read(q.reads, q.field, text, state.data, ctx)
    except Invalid as exc:
        return problem(state, exc.code if exc.code in PROBLEMS else "choose", ctx, t)
    shown = show(q, {**state.data, **fields}, t) if q.summary_label else text
    return answered(state, q, fields, shown if len(shown) <= 200 else shown[:200] + "…", ctx, t)


def located(state: State, fields: dict[str, Any], ctx: Context, t: Translator) -> Outcome:
    if state.step in ("location", "place"):  # a pin answers "where" and makes "which place" moot
        return answered(state, BY_ID[state.step], fields, t(N_("📍 Location received")), ctx, t)
    data = {**state.data, **fields}
    effects: list[Effect] = [PatchReport(fields, "location_shared")] if state.report_id else []
    thanks = Reply(t(N_("📍 Thank you, your location is saved.")))
    if state.step == Step.DONE:
        return Outcome(state.with_(data=data), [thanks], effects)
    new_state, out = ask(state.with_(data=data), ctx, t)
    return Outcome(new_state, [thanks, *out], effects)


def moved(state: State, inp: Incoming) -> Outcome:
    """A live location moved: keep the newest position, say nothing."""
    if state.step in BEFORE_CONSENT or inp.location is None:
        return Outcome(state)
    fields = {"latitude": inp.location.latitude, "longitude": inp.location.longitude}
    effects: list[Effect] = [PatchReport(fields, "live_location")] if state.report_id else []
    return Outcome(state.with_(data={**state.data, **fields}), [], effects)


def press(
    state: State, data: str, ctx: Context, catalogs: Catalogs, message_id: int | None = None
) -> Outcome:
    t = catalogs[state.lang]
    if data == SOS:  # the 🆘 under every question
        return sos_now(state, ctx, t)
    if data == NO_DANGER:  # not in danger: on with where they were
        if state.step in (Step.NEW, Step.DECLINED):
            return restart(state, ctx, t)
        return Outcome(*ask(state, ctx, t))
    pressed = Callback.parse(data)
    if pressed is None:
        return Outcome(state, [Notice(t(N_("This button is no longer active.")))])
    kind, rest = pressed.scope, pressed.field(0)
    if kind is Scope.CONTACT and rest in (ContactPref.ANY, ContactPref.ON_REPLY):
        return contact_answer(state, rest, message_id, t)
    if kind is Scope.FORM:
        step, value = rest, pressed.field(1)
        q = BY_ID.get(step)
        if q is None or step != state.step:
            return Outcome(state, [Notice(t(N_("This question is already answered.")))])
        if q.multi and value != SKIP and value not in q.single:
            return toggled(state, q, value, ctx, t)
        return chosen(state, q, value, ctx, t)
    if kind is Scope.SCREEN:  # the optional questions after the report (bot.flow.screening)
        return screening.press(state, pressed, message_id, t)
    if kind is Scope.LANGUAGE and rest in LANGUAGES:
        return switch_language(state, rest, ctx, catalogs)
    if kind is Scope.SUMMARY and state.step == Step.SUMMARY:
        return summary_choice(state, rest, ctx, t)
    if kind is Scope.CHANGE and state.step == Step.CHANGE:
        if rest == "back":
            return Outcome(*ask(state.with_(step=Step.SUMMARY), ctx, t))
        if rest not in BY_ID:
            return Outcome(state, [Notice(t(N_("This button is no longer active.")))])
        again = state.with_(step=rest, data={**state.data, "_return": Step.SUMMARY})
        return Outcome(*ask(again, ctx, t))
    return commands.confirmed(state, kind, rest, ctx, catalogs)


def contact_answer(state: State, pref: str, message_id: int | None, t: Translator) -> Outcome:
    """The one-tap question after an SOS: may the embassy write first? The buttons go, a pop-up
    confirms; the open question of the report stays as it is."""
    out: list[Output] = [Redraw(message_id, None)] if message_id is not None else []
    if pref == ContactPref.ANY:
        out.append(Notice(t(N_("✓ We may write to you first."))))
    else:
        out.append(Notice(t(N_("✓ We will wait until you write to us."))))
    return Outcome(state, out, [SetContactPref(pref)])


def toggled(state: State, q: Question, value: str, ctx: Context, t: Translator) -> Outcome:
    """A question that takes several answers: an answer toggles (the buttons show it), Done answers."""
    picked = [v for v in state.data.get(PICKED) or [] if isinstance(v, str)]
    if value == DONE:
        if not picked:
            return Outcome(state, [Notice(t(PROBLEMS["choose_some"]))])
        ordered = [o.value for o in q.options if o.value in picked]
        data = {k: v for k, v in state.data.items() if k != PICKED}
        fields = {q.field: ",".join(ordered)} if q.field else {}
        return answered(state.with_(data=data), q, fields, show(q, fields, t), ctx, t)
    if option_label(q, value) is None:
        return Outcome(state, [Notice(t(N_("This question is already answered.")))])
    picked = [v for v in picked if v != value] if value in picked else [*picked, value]
    data = {**state.data, PICKED: picked}
    message_id = state.data.get("_q")
    if not isinstance(message_id, int):  # the question is not known on screen: ask it again, ticked
        return Outcome(*ask(state.with_(data=data), ctx, t))
    return Outcome(state.with_(data=data), [Redraw(message_id, question_keyboard(q, t, data))])


def switch_language(state: State, lang: str, ctx: Context, catalogs: Catalogs) -> Outcome:
    t = catalogs[lang]
    new_state, out = ask(state.with_(lang=lang), ctx, t)
    return Outcome(new_state, [Reply(t(N_("Language: English ✓"))), *out], [SetLanguage(lang)])


def chosen(state: State, q: Question, value: str, ctx: Context, t: Translator) -> Outcome:
    state = state.with_(data={k: v for k, v in state.data.items() if k != PICKED})
    cleared = dict.fromkeys(CLEARED_BY.get(q.id, ()) if value in (SKIP, "not_yet") else ())
    if value == SKIP and q.skip:
        fields: dict[str, Any] = {q.field: None, **cleared} if q.field else {}
        if state.submitted and state.data.get("_mode") == "home":  # /update: a skip keeps what was said
            fields = {}
        return answered(state, q, fields, t(N_("Skipped")), ctx, t)
    label = option_label(q, value)
    if label is None:
        return Outcome(state, [Notice(t(N_("This question is already answered.")))])
    if q.id == Step.WELCOME:
        return welcomed(state, value, ctx, t)
    if q.id == "safe":
        return safe_answer(state, value, ctx, t)
    fields = {q.field: value, **cleared} if q.field else {}
    if q.reads in COUNTS:  # a number button reads like the typed number
        try:
            fields = read(q.reads, q.field, value, state.data, ctx)
        except Invalid as exc:  # a button of an older screen: more children than people with them
            return problem(state, exc.code if exc.code in PROBLEMS else "choose", ctx, t)
    if q.id == "location":
        fields.update(latitude=None, longitude=None, place=None)
    return answered(state, q, fields, t(label), ctx, t)


def welcomed(state: State, value: str, ctx: Context, t: Translator) -> Outcome:
    q = BY_ID[Step.WELCOME]
    close = closing(state, q, t(option_label(q, value) or ""), t)
    if value == "not_now":
        text = t(N_("That is alright. If you need help later, send /start."))
        return Outcome(state.with_(step=Step.DECLINED, data={}), [*close, Reply(text)])
    if value == "sos":
        return call_for_help(state.with_(data={**state.data, "safe": "sos"}), close, [GiveConsent()], ctx, t)
    new_state, out = ask(state.with_(step="safe"), ctx, t)
    # "not said" until the next question answers it (someone who only searched was written to first)
    return Outcome(new_state, [*close, *out], [GiveConsent(), SetContactPref(ContactPref.UNSET)])


def safe_answer(state: State, value: str, ctx: Context, t: Translator) -> Outcome:
    q = BY_ID["safe"]
    close = closing(state, q, t(option_label(q, value) or ""), t)
    data = {**state.data, "safe": value}
    if value == "sos":
        return call_for_help(state.with_(data=data), close, [], ctx, t)
    if value == "on_reply":  # not safe to talk: the short report, the rest later
        data["_short"] = True
    effects: list[Effect] = [SetContactPref(ContactPref.ON_REPLY if value == "on_reply" else ContactPref.ANY)]
    new_state, out = ask(state.with_(step="location", data=data), ctx, t)
    if value == "on_reply":
        wait = t(N_("We will only write to you right after you write to us."))
        out = [Reply(f"{wait}\n\n{t(SHORT)}"), *out]
    return Outcome(new_state, [*close, *out], effects)


SHORT = N_(
    "Only three short questions now: where you are, your passport and how you are. "
    "You can add the rest later with /update."
)


def closing(state: State, q: Question, shown: str, t: Translator) -> list[Output]:
    """Take the buttons off the answered question and show the answer in their place."""
    message_id = state.data.get("_q")
    if not isinstance(message_id, int):
        return []
    head = "" if q.share else t(q.prompt).split("\n\n")[-1] + "\n"
    return [Close(message_id, f"{head}✓ {shown}")]


def answered(
    state: State, q: Question, fields: dict[str, Any], shown: str, ctx: Context, t: Translator
) -> Outcome:
    data = {k: v for k, v in {**state.data, **fields}.items() if k != "_q"}
    out: list[Output] = closing(state, q, shown, t)
    effects: list[Effect] = []
    report_fields = {k: v for k, v in fields.items() if k in REPORT_FIELDS}
    mode = data.get("_mode") if state.submitted else None
    if state.report_id and not state.submitted and report_fields:
        effects.append(PatchReport(report_fields, "answer_added"))
    elif state.report_id and mode == "home" and report_fields:  # /update of the way home: each as given
        effects.append(PatchReport(report_fields, "updated_by_citizen"))
    following = next_question(q.id, data)
    back = data.get("_return")
    done = t(N_("Thank you. Your report {reference} is updated."), reference=ctx.reference or "")
    if back and not (following and following.group and following.group == q.group):
        data.pop("_return")
        if mode in ("update", "more"):  # the answers of an /update (or after an SOS) reach the case now
            group = GROUP_FIELDS.get(q.group, tuple(report_fields))
            effects.append(PatchReport({k: data.get(k) for k in group}, "updated_by_citizen"))
        if mode == "update":
            data.pop("_mode")
            new_state, more = drop_reply_keyboard(state.with_(step=Step.DONE, data=data), [Reply(done)], t)
            return Outcome(new_state, [*out, *more], effects)
        step = str(back)
    elif mode == "more" and following is None:  # /update's "the rest of my report", to its end
        data.pop("_mode")
        effects.append(PatchReport({k: data.get(k) for k in REPORT_FIELDS}, "updated_by_citizen"))
        new_state, more = drop_reply_keyboard(state.with_(step=Step.DONE, data=data), [Reply(done)], t)
        return Outcome(new_state, [*out, *more, screening.offer(t)], effects)  # now it is safe to talk
    elif mode == "home" and (following is None or following.id not in HOME_QUESTIONS):
        data.pop("_mode")  # /update's questions of the way home: the last one answered
        new_state, more = drop_reply_keyboard(state.with_(step=Step.DONE, data=data), [Reply(done)], t)
        return Outcome(new_state, [*out, *more], effects)
    else:
        step = following.id if following else Step.SUMMARY
    new_state, more = ask(state.with_(step=step, data=data), ctx, t)
    return Outcome(new_state, [*out, *more], effects)


def summary_choice(state: State, choice: str, ctx: Context, t: Translator) -> Outcome:
    if choice == "send":
        done = state.with_(step=Step.DONE, submitted=True)
        new_state, out = drop_reply_keyboard(done, [Reply(sent_text(state, t), with_sos(t))], t)
        return Outcome(new_state, [*out, hide_offer(t), *screening.offered(state, t)], [Submit()])
    if choice == "change":
        return Outcome(*ask(state.with_(step=Step.CHANGE), ctx, t))
    if choice == "more":  # the short report, made whole after all
        data = {k: v for k, v in state.data.items() if k != "_short"}
        following = next_question("safety", data)
        return Outcome(*ask(state.with_(step=following.id if following else Step.SUMMARY, data=data), ctx, t))
    if choice == "cancel":
        return commands.ask_cancel(state, t)
    return Outcome(state, [Notice(t(N_("This button is no longer active.")))])
