"""The step function: (state, incoming, context) -> (new state, messages, effects). No I/O here."""

from __future__ import annotations

from typing import Any

from bot.core.incoming import Incoming, Kind
from bot.flow import commands
from bot.flow.asking import SKIP, ask, drop_reply_keyboard, hide_offer, sent_text, show
from bot.flow.model import (
    CitizenMessage,
    Close,
    Context,
    Effect,
    GiveConsent,
    Notice,
    Outcome,
    Output,
    PatchReport,
    RecordSOS,
    Reply,
    SetContactPref,
    SetLanguage,
    State,
    Submit,
)
from bot.flow.reading import PROBLEMS, read
from bot.flow.steps import BY_ID, Question, next_question, option_label
from bot.i18n import LANGUAGES, N_, Catalogs, Translator
from bot.validators import Invalid

REPORT_FIELDS = (
    "latitude", "longitude", "city", "place", "passport_status", "passport_number", "safety",
    "full_name", "birth_date", "nik", "home_province", "phone", "family_contact", "companions", "notes",
)  # fmt: skip
BEFORE_CONSENT = ("new", "welcome", "declined")
GROUP_FIELDS = {"location": ("latitude", "longitude", "city", "place"), "safety": ("safety",)}


def advance(state: State, inp: Incoming, ctx: Context, catalogs: Catalogs) -> Outcome:
    t = catalogs[state.lang]
    if inp.kind is Kind.TEXT and commands.is_sos_word(inp.text):
        return commands.sos_now(state, ctx, t)  # the word SOS typed alone is an SOS, at any step
    if state.step == "new" and inp.kind not in (Kind.BUTTON, Kind.COMMAND):
        return restart(state, ctx, t)
    if inp.kind is Kind.COMMAND:
        return commands.run(state, inp, ctx, catalogs)
    if inp.kind is Kind.BUTTON:
        return press(state, inp.callback_data or "", ctx, catalogs)
    if inp.kind is Kind.LIVE_LOCATION:
        return moved(state, inp)
    if state.data.get("_wiped"):  # the chat was deleted: text now cannot answer a question not on screen
        state = state.with_(data={k: v for k, v in state.data.items() if k != "_wiped"})
        if inp.kind is not Kind.LOCATION:
            return Outcome(*ask(state, ctx, t))
    if state.step in ("new", "declined"):
        return restart(state, ctx, t)
    if inp.kind is Kind.LOCATION and inp.location is not None:
        if state.step == "welcome":  # nothing is kept before the citizen agrees
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


def restart(state: State, ctx: Context, t: Translator) -> Outcome:
    fresh = state.with_(step="welcome", data={})
    new_state, out = ask(fresh, ctx, t)
    return Outcome(new_state, out)


def problem(state: State, code: str, ctx: Context, t: Translator) -> Outcome:
    """A short re-ask in the citizen's language; the draft stays as it was."""
    new_state, out = ask(state, ctx, t)
    return Outcome(new_state, [Reply(t(PROBLEMS[code])), *out])


def typed(state: State, text: str, ctx: Context, t: Translator) -> Outcome:
    if state.step == "done":
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
    if state.step == "done":
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


def press(state: State, data: str, ctx: Context, catalogs: Catalogs) -> Outcome:
    t = catalogs[state.lang]
    kind, _, rest = data.partition(":")
    if kind == "f":
        step, _, value = rest.partition(":")
        q = BY_ID.get(step)
        if q is None or step != state.step:
            return Outcome(state, [Notice(t(N_("This question is already answered.")))])
        return chosen(state, q, value, ctx, t)
    if kind == "lang" and rest in LANGUAGES:
        return switch_language(state, rest, ctx, catalogs)
    if kind == "sum" and state.step == "summary":
        return summary_choice(state, rest, ctx, t)
    if kind == "chg" and state.step == "change":
        if rest == "back" or rest not in BY_ID:
            return Outcome(*ask(state.with_(step="summary"), ctx, t))
        again = state.with_(step=rest, data={**state.data, "_return": "summary"})
        return Outcome(*ask(again, ctx, t))
    return commands.confirmed(state, kind, rest, ctx, catalogs)


def switch_language(state: State, lang: str, ctx: Context, catalogs: Catalogs) -> Outcome:
    t = catalogs[lang]
    new_state, out = ask(state.with_(lang=lang), ctx, t)
    return Outcome(new_state, [Reply(t(N_("Language: English ✓"))), *out], [SetLanguage(lang)])


def chosen(state: State, q: Question, value: str, ctx: Context, t: Translator) -> Outcome:
    if value == SKIP and q.skip:
        fields: dict[str, Any] = {q.field: None} if q.field else {}
        return answered(state, q, fields, t(N_("Skipped")), ctx, t)
    label = option_label(q, value)
    if label is None:
        return Outcome(state, [Notice(t(N_("This question is already answered.")))])
    if q.id == "welcome":
        return welcomed(state, value, ctx, t)
    if q.id == "safe":
        return safe_answer(state, value, ctx, t)
    fields = {q.field: value} if q.field else {}
    if q.reads == "count":  # a number button reads like the typed number
        fields = read(q.reads, q.field, value, state.data, ctx)
    if q.id == "location":
        fields.update(latitude=None, longitude=None, place=None)
    return answered(state, q, fields, t(label), ctx, t)


def welcomed(state: State, value: str, ctx: Context, t: Translator) -> Outcome:
    q = BY_ID["welcome"]
    close = closing(state, q, t(option_label(q, value) or ""), t)
    if value == "not_now":
        text = t(N_("That is alright. If you need help later, send /start."))
        return Outcome(state.with_(step="declined", data={}), [*close, Reply(text)])
    if value == "sos":
        return sos(state.with_(data={**state.data, "safe": "sos"}), close, [GiveConsent()], ctx, t)
    new_state, out = ask(state.with_(step="safe"), ctx, t)
    return Outcome(new_state, [*close, *out], [GiveConsent()])


def safe_answer(state: State, value: str, ctx: Context, t: Translator) -> Outcome:
    q = BY_ID["safe"]
    close = closing(state, q, t(option_label(q, value) or ""), t)
    data = {**state.data, "safe": value}
    if value == "sos":
        return sos(state.with_(data=data), close, [SetContactPref("any")], ctx, t)
    effects: list[Effect] = [SetContactPref("on_reply" if value == "on_reply" else "any")]
    new_state, out = ask(state.with_(step="location", data=data), ctx, t)
    if value == "on_reply":
        out = [Reply(t(N_("We will only write to you right after you write to us."))), *out]
    return Outcome(new_state, [*close, *out], effects)


def sos(state: State, before: list[Output], effects: list[Effect], ctx: Context, t: Translator) -> Outcome:
    """Alert the officers at once, then ask where the citizen is (and come back to where they were)."""
    alert = [Reply(t(N_("🆘 The officers on duty have been alerted. If you can, send your location.")))]
    if ctx.phone:
        alert.append(Reply(t(N_("If you can call, the emergency number is {phone}."), phone=ctx.phone)))
    if ctx.queued and state.step not in ("new", "welcome", "declined"):
        # what the citizen wrote before the SOS still waits (services.flood): it must land on the
        # questions it answers, so the step stays; a location sent later is taken at any step
        return Outcome(state, [*before, *alert], [*effects, RecordSOS()])
    data = dict(state.data)
    back = state.step
    if back in ("welcome", "safe", "new", "declined"):
        back = ""
    if back and back != "location":
        data["_return"] = back
        if state.submitted:
            data["_mode"] = "update"
    new_state, out = ask(state.with_(step="location", data=data), ctx, t)
    return Outcome(new_state, [*before, *alert, *out], [*effects, RecordSOS()])


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
    if state.report_id and not state.submitted and report_fields:
        effects.append(PatchReport(report_fields, "answer_added"))
    following = next_question(q.id, data)
    back = data.get("_return")
    if back and not (following and following.group and following.group == q.group):
        data.pop("_return")
        if data.pop("_mode", None) == "update":
            group = GROUP_FIELDS.get(q.group, tuple(report_fields))
            effects.append(PatchReport({k: data.get(k) for k in group}, "updated_by_citizen"))
            done = t(N_("Thank you. Your report {reference} is updated."), reference=ctx.reference or "")
            new_state, more = drop_reply_keyboard(state.with_(step="done", data=data), [Reply(done)], t)
            return Outcome(new_state, [*out, *more], effects)
        step = str(back)
    else:
        step = following.id if following else "summary"
    new_state, more = ask(state.with_(step=step, data=data), ctx, t)
    return Outcome(new_state, [*out, *more], effects)


def summary_choice(state: State, choice: str, ctx: Context, t: Translator) -> Outcome:
    if choice == "send":
        done = state.with_(step="done", submitted=True)
        new_state, out = drop_reply_keyboard(done, [Reply(sent_text(state, t))], t)
        return Outcome(new_state, [*out, hide_offer(t)], [Submit()])
    if choice == "change":
        return Outcome(*ask(state.with_(step="change"), ctx, t))
    return commands.ask_cancel(state, t)
