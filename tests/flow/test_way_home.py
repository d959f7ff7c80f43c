"""The questions of the way home (issue 18), through the pure step function: when each is asked,
what its buttons offer, what a later change or /update does to the answers given before."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.actions import InlineKeyboard
from bot.core.incoming import Incoming, Kind
from bot.flow.engine import advance
from bot.flow.model import Context, Outcome, PatchReport, Reply, State, Step
from bot.flow.steps import BY_ID, FORM, SHORT_FORM, next_question
from bot.i18n import Catalogs

CATALOGS = Catalogs(ZoneInfo("Asia/Phnom_Penh"))
CTX = Context(today=datetime(2026, 1, 20, tzinfo=UTC).date(), mission="KBRI Phnom Penh", phone=None,
              retention_days=365, reference="PNH-000001", status="new")  # fmt: skip
NEW = ("going_home", "home_city", "medical", "documents_held", "sex", "children")


def press(state: State, data: str) -> Outcome:
    inp = Incoming(kind=Kind.BUTTON, chat_id=1, user_id=1, callback_data=data, callback_id="c", message_id=9)
    return advance(state, inp, CTX, CATALOGS)


def say(state: State, text: str) -> Outcome:
    return advance(state, Incoming(kind=Kind.TEXT, chat_id=1, user_id=1, text=text), CTX, CATALOGS)


def labels(outcome: Outcome) -> list[str]:
    """The button labels of the question the outcome asks (its last message)."""
    reply = [o for o in outcome.out if isinstance(o, Reply)][-1]
    assert isinstance(reply.markup, InlineKeyboard)
    return [b.text for row in reply.markup.rows for b in row]


def texts(outcome: Outcome) -> list[str]:
    return [o.text for o in outcome.out if isinstance(o, Reply)]


def test_the_short_report_stays_short_and_the_full_one_asks_the_way_home_before_anything_else() -> None:
    assert not any(q.id in NEW for q in SHORT_FORM)
    ids = [q.id for q in FORM]
    assert ids[ids.index("companions") + 1 : ids.index("notes")] == list(NEW)
    everything: dict[str, Any] = {"companions": 2, "going_home": "yes"}
    assert next_question("companions", everything).id == "going_home"  # type: ignore[union-attr]
    # not going home yet: no city; alone: no children
    assert next_question("going_home", {"going_home": "not_yet"}).id == "medical"  # type: ignore[union-attr]
    assert next_question("sex", {"companions": 0}).id == "notes"  # type: ignore[union-attr]
    assert next_question("sex", {"companions": None}).id == "notes"  # type: ignore[union-attr]
    assert next_question("sex", {"companions": 2}).id == "children"  # type: ignore[union-attr]


def test_children_are_never_more_than_the_people_with_them() -> None:
    state = State(step="children", data={"companions": 2}, lang="en")
    asked = press(State(step="sex", data={"companions": 2}, lang="en"), "f:sex:female")
    assert labels(asked)[:3] == ["0", "1", "2"] and "3" not in labels(asked)
    too_many = say(state, "3")
    assert too_many.state.step == "children" and "children" not in too_many.state.data
    assert texts(too_many)[0] == "That is more than the Indonesians with you. Please check the number."
    stale = press(state, "f:children:5")  # a button of an older screen
    assert stale.state.step == "children" and "children" not in stale.state.data
    assert say(state, "2").state.data["children"] == 2


def test_fewer_people_with_them_later_drops_a_children_count_that_no_longer_fits() -> None:
    data = {"companions": 4, "children": 3, "_return": Step.SUMMARY}
    fewer = say(State(step="companions", data=data, lang="en"), "2")
    assert fewer.state.data["companions"] == 2 and fewer.state.data["children"] is None
    fits = say(State(step="companions", data=data, lang="en"), "3")
    assert fits.state.data["children"] == 3


def test_the_home_city_is_typed_plainly_and_goes_when_they_are_not_going_home_yet() -> None:
    city = State(step="home_city", data={"going_home": "yes"}, lang="en")
    assert texts(say(city, "7"))[0] == "Please type the name of the city or regency, for example Malang."
    assert say(city, "  Kota   Malang ").state.data["home_city"] == "Kota Malang"
    data = {"going_home": "yes", "home_city": "Malang", "_return": Step.SUMMARY}
    later = press(State(step="going_home", data=data, lang="en"), "f:going_home:not_yet")
    assert later.state.data["home_city"] is None and later.state.step == Step.SUMMARY
    summary = texts(later)[-1]
    assert "Going home: Not yet" in summary and "Malang" not in summary


def test_medical_needs_and_documents_take_several_answers_or_none() -> None:
    state = State(step="medical", data={"_q": 9}, lang="en")
    state = press(state, "f:medical:injury").state
    state = press(state, "f:medical:pregnant").state
    done = press(state, "f:medical:done")
    assert done.state.data["medical"] == "injury,pregnant" and done.state.step == "documents_held"
    none = press(State(step="documents_held", data={"_q": 9}, lang="en"), "f:documents_held:none")
    assert none.state.data["documents_held"] == "none"


def test_update_asks_the_way_home_again_saves_each_answer_and_a_skip_keeps_what_was_said() -> None:
    given = {"companions": 1, "going_home": "yes", "home_city": "Malang", "medical": "illness",
             "documents_held": "ktp", "sex": "male", "children": 0}  # fmt: skip
    state = State(step=Step.DONE, data=given, lang="en", report_id=1, submitted=True)
    menu = advance(state, Incoming(kind=Kind.COMMAND, chat_id=1, user_id=1, command="update"), CTX, CATALOGS)
    assert "🏠 Going home, health, documents" in labels(menu)
    outcome = press(state, "upd:home")
    assert outcome.state.step == "going_home"
    outcome = press(outcome.state, "f:going_home:-")  # skipped: still going home to Malang
    assert outcome.state.data["going_home"] == "yes" and outcome.effects == []
    assert outcome.state.step == "home_city"
    outcome = press(outcome.state, "f:home_city:-")
    ticked = labels(outcome)
    assert "☑️ I am ill" in ticked and "▫️ I am injured" in ticked  # the answer so far, ticked
    outcome = press(outcome.state, "f:medical:injury")
    outcome = press(outcome.state, "f:medical:done")
    assert outcome.effects == [PatchReport({"medical": "injury,illness"}, "updated_by_citizen")]
    for skip in ("documents_held", "sex", "children"):
        outcome = press(outcome.state, f"f:{skip}:-")
    assert outcome.state.step == Step.DONE
    assert texts(outcome)[-1] == "Thank you. Your report PNH-000001 is updated."
    assert {k: outcome.state.data[k] for k in given} == {**given, "medical": "injury,illness"}


def test_someone_who_sent_the_short_report_adds_the_way_home_with_the_rest() -> None:
    state = State(step=Step.DONE, data={"_short": True}, lang="en", report_id=1, submitted=True)
    menu = advance(state, Incoming(kind=Kind.COMMAND, chat_id=1, user_id=1, command="update"), CTX, CATALOGS)
    assert "✍️ The rest of my report" in labels(menu)
    assert "🏠 Going home, health, documents" not in labels(menu)
    assert BY_ID["going_home"].skip and all(BY_ID[q].skip for q in NEW)
