"""/verify and "report a scam" through the pure step function: what /verify says, the short path
(each step skippable, 🆘 on every question), the report put back where the citizen was, the limit."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.core.actions import InlineKeyboard
from bot.core.incoming import Incoming, Kind
from bot.flow import verify
from bot.flow.engine import advance
from bot.flow.model import Close, Context, Outcome, Redraw, Reply, ReportScam, State, Step
from bot.i18n import Catalogs

CATALOGS = Catalogs(ZoneInfo("Asia/Phnom_Penh"))
CTX = Context(today=datetime(2026, 1, 20, tzinfo=UTC).date(), mission="KBRI Phnom Penh",
              phone="+855 23 000 000", retention_days=180, website="https://kemlu.go.id/phnompenh",
              scam_limit=3)  # fmt: skip
SOS = "sos"


def press(state: State, data: str, ctx: Context = CTX) -> Outcome:
    inp = Incoming(kind=Kind.BUTTON, chat_id=1, user_id=1, callback_data=data, callback_id="c", message_id=9)
    return advance(state, inp, ctx, CATALOGS)


def say(state: State, text: str) -> Outcome:
    return advance(state, Incoming(kind=Kind.TEXT, chat_id=1, user_id=1, text=text), CTX, CATALOGS)


def command(state: State, name: str) -> Outcome:
    inp = Incoming(kind=Kind.COMMAND, chat_id=1, user_id=1, command=name, bot_username="KBRIPhnomPenhBot")
    return advance(state, inp, CTX, CATALOGS)


def texts(outcome: Outcome) -> list[str]:
    return [o.text for o in outcome.out if isinstance(o, Reply)]


def buttons(outcome: Outcome) -> list[str]:
    """The callback data of the last message's buttons."""
    reply = [o for o in outcome.out if isinstance(o, Reply)][-1]
    assert isinstance(reply.markup, InlineKeyboard)
    return [b.data for row in reply.markup.rows for b in row]


def shown(state: State) -> State:
    """The state once the question just asked is on screen (the handler notes its id)."""
    return state.with_(data={**state.data, "_q": 50})


def test_verify_names_the_bot_the_website_the_fees_and_offers_a_scam_report_before_consent() -> None:
    outcome = command(State(step=Step.NEW, lang="en"), "verify")
    text = texts(outcome)[0]
    assert "@KBRIPhnomPenhBot" in text
    assert "https://kemlu.go.id/phnompenh" in text
    assert "never asks you to transfer money" in text
    assert "Emergency phone: +855 23 000 000" in text
    assert "vf:report" in buttons(outcome) and SOS in buttons(outcome)
    assert outcome.state.step == Step.NEW and not outcome.effects  # nothing kept, nothing started
    fees = command(State(step=Step.NEW, lang="en"), "verify")
    assert "Official fees" not in texts(fees)[0]
    with_fees = advance(
        State(step=Step.NEW, lang="en"), Incoming(kind=Kind.COMMAND, chat_id=1, user_id=1, command="verify"),
        replace(CTX, fees="SPLP: free of charge"), CATALOGS,
    )  # fmt: skip
    assert "Official fees: SPLP: free of charge" in texts(with_fees)[0]


def test_a_scam_report_all_the_way_then_back_to_the_question_that_was_open() -> None:
    state = State(step="full_name", data={"safe": "yes"}, lang="en", report_id=None)
    outcome = press(state, "vf:report")
    assert "How did they contact you?" in texts(outcome)[-1]
    assert {"vf:how:whatsapp", "vf:how:-", SOS} <= set(buttons(outcome))
    outcome = press(shown(outcome.state), "vf:how:whatsapp")
    assert isinstance(outcome.out[0], Close) and "WhatsApp" in outcome.out[0].text
    assert texts(outcome)[-1].startswith("Who contacted you?") and SOS in buttons(outcome)
    outcome = say(shown(outcome.state), "Pak Budi KBRI +62 812 0000 0000")
    assert texts(outcome)[-1].startswith("What did they ask you for?")
    state = shown(outcome.state)
    for value in ("money", "data"):
        toggled = press(state, f"vf:asked:{value}")
        assert isinstance(toggled.out[0], Redraw)  # the buttons show what is ticked
        state = toggled.state
    outcome = press(state, "vf:asked:done")
    assert texts(outcome)[-1].startswith("Anything else we should know?")
    outcome = press(shown(outcome.state), "vf:more:-")
    check = texts(outcome)[-1]
    assert "How: WhatsApp" in check and "Who: Pak Budi KBRI +62 812 0000 0000" in check
    assert "Asked for: Money or a transfer, Personal data or codes" in check and "More: —" in check
    outcome = press(shown(outcome.state), "vf:send")
    assert outcome.effects == [ReportScam("whatsapp", "Pak Budi KBRI +62 812 0000 0000", "money,data", None)]
    said = texts(outcome)
    assert "do not pay them" in said[0]
    assert said[-1].startswith("What is your full name")  # where they were
    assert outcome.state.step == "full_name" and verify.DRAFT not in outcome.state.data


def test_every_step_can_be_skipped() -> None:
    state = press(State(step=Step.DONE, lang="en", submitted=True), "vf:report").state
    for data in ("vf:how:-", "vf:who:-", "vf:asked:-", "vf:more:-"):
        state = shown(press(shown(state), data).state)
    outcome = press(state, "vf:send")
    assert outcome.effects == [ReportScam(None, None, None, None)]
    assert outcome.state.step == Step.DONE and len(texts(outcome)) == 1  # nothing to put back after a report


def test_verify_in_the_middle_of_the_scam_report_puts_its_question_back() -> None:
    state = press(State(step=Step.NEW, lang="en"), "vf:report").state
    state = press(shown(state), "vf:how:telegram").state
    outcome = command(shown(state), "verify")
    assert "How to know you are talking to the real" in texts(outcome)[0]
    assert texts(outcome)[-1].startswith("Who contacted you?")
    outcome = say(shown(outcome.state), "@kbri_official_help")  # still the answer to "who"
    assert texts(outcome)[-1].startswith("What did they ask you for?")


def test_verify_in_the_middle_of_the_report_puts_the_open_question_back() -> None:
    outcome = command(State(step="passport", data={"safe": "yes", "city": "phnom_penh"}, lang="en"), "verify")
    assert "How to know you are talking to the real" in texts(outcome)[0]
    assert texts(outcome)[-1].startswith("Where is your passport?")


def test_a_very_long_who_is_kept_cut_short() -> None:
    state = press(State(step=Step.NEW, lang="en"), "vf:report").state
    state = press(shown(state), "vf:how:phone").state
    outcome = say(shown(state), "x" * 4096)
    kept = outcome.state.data[verify.DRAFT]["who"]
    assert len(kept) == 200 and kept.endswith("…")
    assert all(len(r.text) < 4096 for r in outcome.out if isinstance(r, (Reply, Close)))


def test_anything_else_drops_the_scam_report_and_an_sos_is_still_an_sos() -> None:
    state = press(State(step="full_name", data={"safe": "yes"}, lang="en"), "vf:report").state
    outcome = press(shown(state), SOS)
    assert verify.DRAFT not in outcome.state.data
    assert any("officers on duty have been alerted" in text for text in texts(outcome))
    state = press(State(step=Step.NEW, lang="en"), "vf:report").state
    state = press(shown(state), "vf:how:facebook").state
    outcome = say(shown(state), "SOS")
    assert any("officers on duty have been alerted" in text for text in texts(outcome))


def test_cancel_drops_the_scam_report_only() -> None:
    state = press(State(step="full_name", data={"safe": "yes", "city": "x"}, lang="en"), "vf:report").state
    outcome = command(shown(state), "cancel")
    assert "Your scam report is cancelled" in texts(outcome)[0]
    assert outcome.state.step == "full_name" and outcome.state.data == {"safe": "yes", "city": "x"}


def test_a_few_a_day_then_a_plain_sentence() -> None:
    busy = replace(CTX, scams_today=3)
    outcome = press(State(step=Step.NEW, lang="en"), "vf:report", busy)
    assert "already sent several scam reports today" in texts(outcome)[0]
    assert verify.DRAFT not in outcome.state.data
    state = press(State(step=Step.NEW, lang="en"), "vf:report").state
    state = press(shown(state), "vf:how:-").state
    state = press(shown(state), "vf:who:-").state
    state = press(shown(state), "vf:asked:-").state
    state = press(shown(state), "vf:more:-").state
    refused = press(shown(state), "vf:send", busy)
    assert not refused.effects and "already sent several" in texts(refused)[0]


def test_an_old_button_does_nothing() -> None:
    outcome = press(State(step=Step.DONE, lang="en", submitted=True), "vf:how:telegram")
    assert not outcome.effects and not texts(outcome)
