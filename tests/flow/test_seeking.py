"""Looking for someone through the pure step function: the welcome's button and /find, every question
but the name skippable, a citizen mid-report who searches and comes back to their report, and a
relative's /status that never tells a no apart from a search still going."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.core.actions import InlineKeyboard
from bot.core.contact import ContactPref
from bot.core.incoming import Incoming, Kind
from bot.flow.engine import advance
from bot.flow.model import Context, GiveConsent, Outcome, Reply, SendSearch, SetContactPref, State, Step
from bot.flow.seeking import SEEK
from bot.i18n import Catalogs

CATALOGS = Catalogs(ZoneInfo("Asia/Phnom_Penh"))
CTX = Context(today=datetime(2026, 1, 20, tzinfo=UTC).date(), mission="KBRI Phnom Penh", phone=None,
              retention_days=180)  # fmt: skip


def press(state: State, data: str, ctx: Context = CTX) -> Outcome:
    inp = Incoming(kind=Kind.BUTTON, chat_id=1, user_id=1, callback_data=data, callback_id="c", message_id=9)
    return advance(state, inp, ctx, CATALOGS)


def say(state: State, text: str) -> Outcome:
    return advance(state, Incoming(kind=Kind.TEXT, chat_id=1, user_id=1, text=text), CTX, CATALOGS)


def command(state: State, name: str, ctx: Context = CTX) -> Outcome:
    return advance(state, Incoming(kind=Kind.COMMAND, chat_id=1, user_id=1, command=name), ctx, CATALOGS)


def texts(outcome: Outcome) -> str:
    return "\n".join(o.text for o in outcome.out if isinstance(o, Reply))


def buttons(outcome: Outcome) -> list[str]:
    reply = [o for o in outcome.out if isinstance(o, Reply) and isinstance(o.markup, InlineKeyboard)][-1]
    assert isinstance(reply.markup, InlineKeyboard)
    return [b.data for row in reply.markup.rows for b in row]


def test_the_welcome_offers_looking_for_someone_and_nothing_is_agreed_to_for_a_report() -> None:
    welcome = command(State(step=Step.NEW, lang="en"), "start")
    assert "f:welcome:find" in buttons(welcome)
    asked = press(welcome.state, "f:welcome:find")
    assert "kept for 180 days and used only for this search" in texts(asked)
    assert not any(isinstance(e, GiveConsent) for e in asked.effects)  # not a case: no consent to one
    assert "sk:agree:yes" in buttons(asked) and "sos" in buttons(asked)


def test_a_search_with_only_a_name_is_sent_and_the_rest_skipped() -> None:
    state = command(State(step=Step.NEW, lang="en"), "find").state
    state = press(state, "sk:agree:yes").state
    named = say(state, "Budi Santoso")
    assert "What is their date of birth?" in texts(named)
    state = named.state
    for step in ("birth", "place", "relation", "seeker"):
        state = press(state, f"sk:{step}:-").state
    summary = press(state, "sk:contact:-")
    assert "Looking for: Budi Santoso" in texts(summary) and "Date of birth: —" in texts(summary)
    sent = press(summary.state, "sk:sum:send")
    assert [e.fields for e in sent.effects if isinstance(e, SendSearch)] == [
        {
            "name": "Budi Santoso",
            "birth": None,
            "place": None,
            "relation": None,
            "seeker": None,
            "contact": None,
        }
    ]
    assert "{search}" in texts(sent)  # the reference, filled in by the service that stores it
    assert SEEK not in sent.state.data and sent.state.step == Step.NEW


def test_the_name_cannot_be_skipped_and_a_date_is_read_like_the_reports() -> None:
    named = press(command(State(step=Step.NEW, lang="en"), "find").state, "sk:agree:yes")
    assert "sk:name:-" not in buttons(named) and "sk:sum:cancel" in buttons(named)
    state = named.state
    assert "Please type their name in letters." in texts(say(state, "12345"))
    state = say(state, "Siti").state
    assert "I could not read that date." in texts(say(state, "someday"))
    dated = say(state, "17/08/1995")
    assert dated.state.data[SEEK]["birth"] == "1995-08-17"


def test_a_citizen_mid_report_searches_then_comes_back_to_their_question() -> None:
    mid = State(step="full_name", data={"safe": "yes", "city": "bavet"}, lang="en")
    asked = command(mid, "find")
    assert "Looking for a family member" in texts(asked)
    # the report's own buttons wait while the search is written
    assert press(asked.state, "f:full_name:-").state.data == asked.state.data
    cancelled = command(press(asked.state, "sk:agree:yes").state, "cancel")
    assert "Your search is cancelled" in texts(cancelled)
    assert "What is your full name" in texts(cancelled)
    assert cancelled.state.step == "full_name" and cancelled.state.data["city"] == "bavet"
    assert SEEK not in cancelled.state.data


def test_an_sos_while_searching_is_an_sos() -> None:
    state = command(State(step=Step.NEW, lang="en"), "find").state
    helped = press(state, "sos")
    assert "The officers on duty have been alerted" in texts(helped)
    assert SEEK not in helped.state.data


def test_status_never_tells_a_no_apart_from_a_search_still_going() -> None:
    still = "We are still looking. We will write to you here if we can tell you something."
    for status in ("open", "asking", "declined", "closed"):
        ctx = Context(today=CTX.today, mission=CTX.mission, phone=None, retention_days=180,
                      searches=(("CARI-000001", status),))  # fmt: skip
        assert (
            texts(command(State(step=Step.NEW, lang="en"), "status", ctx))
            == f"Your search CARI-000001: {still}"
        )
    told = Context(today=CTX.today, mission=CTX.mission, phone=None, retention_days=180,
                   searches=(("CARI-000001", "told"),))  # fmt: skip
    assert "is safe and in touch with the embassy" in texts(
        command(State(step=Step.NEW, lang="en"), "status", told)
    )
    # a relative who never reported can still erase what they gave
    deleting = command(State(step=Step.NEW, lang="en"), "delete", told)
    assert "del:yes" in buttons(deleting)


def test_a_command_while_searching_before_any_report_keeps_the_search() -> None:
    state = press(command(State(step=Step.NEW, lang="en"), "find").state, "sk:agree:yes").state
    state = say(state, "Siti").state
    for name in ("status", "update", "start"):
        again = command(state, name)
        assert "What is their date of birth?" in texts(again) and again.state.data[SEEK]["name"] == "Siti"
    help_ = command(state, "help")
    assert "/find" in texts(help_) and "What is their date of birth?" in texts(help_)


def test_a_relative_who_later_reports_is_not_written_to_first_until_they_say_so() -> None:
    """Sending a search lets the embassy write to the one who searched (services.searches); agreeing
    to a report sets that back to "not said" until the next question answers it."""
    welcome = command(State(step=Step.NEW, lang="en"), "start")
    agreed = press(welcome.state, "f:welcome:agree")
    assert SetContactPref(ContactPref.UNSET) in agreed.effects and GiveConsent() in agreed.effects


def test_words_of_fear_in_a_search_ask_are_you_in_danger_and_no_continues_the_search() -> None:
    """ "tolong" typed while searching is not the name of the person looked for: the same one-tap
    question as everywhere else, and "No, continue" puts the search's question back."""
    state = command(State(step=Step.NEW, lang="en"), "find").state
    state = press(state, "sk:agree:yes").state
    alarmed = say(state, "help me")
    assert "Are you in danger now?" in texts(alarmed) and "sos" in buttons(alarmed)
    assert "What is their date of birth?" not in texts(alarmed)
    assert alarmed.state.data[SEEK] == {"step": "name", "agree": True}
    back = press(alarmed.state, "dgr:no")
    assert "What is the full name of the person you are looking for?" in texts(back)
    assert back.state.step == Step.NEW and SEEK in back.state.data
    assert "Are you in danger now?" in texts(say(state, "tolong!!"))


def test_a_name_not_in_letters_is_asked_as_theirs_not_yours() -> None:
    """The relative types the name of the one they look for: "type your name" would ask for theirs."""
    state = press(command(State(step=Step.NEW, lang="en"), "find").state, "sk:agree:yes").state
    again = texts(say(state, "🙂🙂"))
    assert "Please type their name in letters." in again and "your name" not in again


def test_find_warns_about_transfers_before_anything_is_asked() -> None:
    """Families are who impostors call ("we found your son, pay the fee"): /find says plainly, before
    the first question, that the embassy never asks for a transfer, as the welcome does."""
    asked = command(State(step=Step.NEW, lang="en"), "find")
    assert "The embassy never asks you to transfer money" in texts(asked)
    assert "Do you agree?" in texts(asked)
