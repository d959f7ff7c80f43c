"""The optional screening questions after a report, through the pure step function: offered once
after a full report (and at the end of a short one's rest), from /update at any time; each answer an
effect of its own, skippable, stoppable, with 🆘; nothing said back about what the answers mean."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.core.actions import InlineKeyboard
from bot.core.incoming import Incoming, Kind
from bot.flow import screening
from bot.flow.commands import releases_held
from bot.flow.engine import advance
from bot.flow.model import Close, Context, Notice, Outcome, Redraw, Reply, Screened, State, Step, Submit
from bot.flow.steps import next_question
from bot.i18n import Catalogs

CATALOGS = Catalogs(ZoneInfo("Asia/Phnom_Penh"))
CTX = Context(today=datetime(2026, 1, 20, tzinfo=UTC).date(), mission="KBRI Phnom Penh", phone=None,
              retention_days=365, reference="PNH-000001", status="new")  # fmt: skip
OFFER = "A few more questions help us help you"


def press(state: State, data: str) -> Outcome:
    inp = Incoming(kind=Kind.BUTTON, chat_id=1, user_id=1, callback_data=data, callback_id="c", message_id=9)
    return advance(state, inp, CTX, CATALOGS)


def command(state: State, name: str) -> Outcome:
    return advance(state, Incoming(kind=Kind.COMMAND, chat_id=1, user_id=1, command=name), CTX, CATALOGS)


def texts(outcome: Outcome) -> list[str]:
    return [o.text for o in outcome.out if isinstance(o, Reply)]


def data_of(outcome: Outcome) -> list[str]:
    reply = [o for o in outcome.out if isinstance(o, Reply)][-1]
    assert isinstance(reply.markup, InlineKeyboard)
    return [b.data for row in reply.markup.rows for b in row]


def sent() -> State:
    return State(step=Step.DONE, data={}, lang="en", report_id=1, submitted=True)


def answered(outcome: Outcome) -> list[Screened]:
    return [e for e in outcome.effects if isinstance(e, Screened)]


def test_a_full_report_sent_is_followed_by_the_hide_offer_then_the_screening_offer() -> None:
    at_summary = State(step=Step.SUMMARY, data={"safe": "yes"}, lang="en", report_id=None)
    outcome = press(at_summary, "sum:send")
    said = texts(outcome)
    assert said[0].startswith("✅ Your report is sent") and "delete this chat" in said[1]
    assert said[2].startswith(OFFER) and data_of(outcome) == ["scr:start", "scr:no"]
    assert any(isinstance(e, Submit) for e in outcome.effects)
    assert not any("victim" in text.lower() for text in said)


def test_the_short_report_is_not_offered_the_questions_until_the_rest_is_added() -> None:
    short = State(step=Step.SUMMARY, data={"safe": "on_reply", "_short": True}, lang="en")
    assert not any(text.startswith(OFFER) for text in texts(press(short, "sum:send")))
    # the rest of the report, added later with /update: the offer comes at its end
    rest = State(step="notes", data={"_mode": "more"}, lang="en", report_id=1, submitted=True)
    assert next_question("notes", rest.data) is None
    end = press(rest, "f:notes:-")
    assert end.state.step == Step.DONE and texts(end)[-1].startswith(OFFER)


def test_answers_each_saved_as_given_skip_and_several_at_once() -> None:
    started = press(sent(), "scr:start")
    assert Redraw(9, None) in started.out  # the offer's buttons go
    assert texts(started) == ["How did you hear about the job? Choose all that fit, then tap «Done»."]
    assert started.state.step == Step.DONE  # what they type still reaches the case
    state = press(started.state, "scr:a:recruited:online_chat").state
    toggled = press(state, "scr:a:recruited:friend")
    assert toggled.effects == [] and isinstance(toggled.out[0], Redraw)  # ticked on the same message
    done = press(toggled.state, "scr:a:recruited:done")
    assert answered(done) == [Screened("recruited", ["online_chat", "friend"], True)]
    assert isinstance(done.out[0], Close) and texts(done)[0].startswith("Which app")  # met online: which app
    skipped = press(done.state, "scr:a:app:-")
    assert answered(skipped) == [Screened("app", None, False)]
    assert texts(skipped)[0].startswith("Was the work")
    promised = press(skipped.state, "scr:a:promised:other_work")
    assert answered(promised) == [Screened("promised", "other_work", False)]
    again = press(promised.state, "scr:a:promised:yes")  # an older screen's button
    assert again.effects == [] and isinstance(again.out[0], Notice)


def test_no_app_question_for_someone_recruited_by_a_friend() -> None:
    state = press(press(sent(), "scr:start").state, "scr:a:recruited:friend").state
    assert texts(press(state, "scr:a:recruited:done"))[0].startswith("Was the work")


def test_the_last_answer_thanks_says_nothing_of_what_it_means_and_offers_to_delete_the_chat() -> None:
    state = sent().with_(data={screening.OPEN: "debt", screening.GOT: {"leave": "no"}})
    last = press(state, "scr:a:debt:yes")
    assert answered(last) == [Screened("debt", "yes", False)]
    thanks, hide = texts(last)
    assert thanks.startswith("Thank you for telling us") and "delete this chat" in hide
    assert not any(k.startswith("_scr") for k in last.state.data)
    assert "victim" not in thanks.lower() and "indicator" not in thanks.lower()


def test_stop_at_any_time_and_not_now() -> None:
    state = press(press(sent(), "scr:start").state, "scr:a:recruited:-").state
    stopped = press(state, "scr:stop")
    assert stopped.effects == [] and texts(stopped)[0].startswith("Alright, we stop here")
    assert not any(k.startswith("_scr") for k in stopped.state.data)
    assert isinstance(press(stopped.state, "scr:a:promised:yes").out[0], Notice)  # nothing open any more
    later = press(sent(), "scr:no")
    assert later.effects == [] and Redraw(9, None) in later.out
    assert "/update" in next(o.text for o in later.out if isinstance(o, Notice))


def test_update_offers_the_questions_and_a_draft_cannot_use_them() -> None:
    assert "scr:start" in data_of(command(sent(), "update"))
    draft = State(step="passport", data={}, lang="en")
    assert isinstance(press(draft, "scr:start").out[0], Notice)


def test_an_answer_releases_what_was_held_and_not_now_or_stop_do_not() -> None:
    def tap(data: str) -> Incoming:
        return Incoming(kind=Kind.BUTTON, chat_id=1, user_id=1, callback_data=data, callback_id="c")

    assert releases_held(tap("scr:a:debt:yes")) and releases_held(tap("scr:start"))
    assert not releases_held(tap("scr:no")) and not releases_held(tap("scr:stop"))


def test_typed_text_while_asked_reaches_the_case_and_the_sos_button_works() -> None:
    state = press(sent(), "scr:start").state
    typed = advance(state, Incoming(kind=Kind.TEXT, chat_id=1, user_id=1, text="saya takut"), CTX, CATALOGS)
    assert [type(e).__name__ for e in typed.effects] == ["CitizenMessage"]
    sos = press(state, "sos")
    assert "RecordSOS" in [type(e).__name__ for e in sos.effects]
