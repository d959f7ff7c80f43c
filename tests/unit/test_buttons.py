"""Every button the bot makes: its data is built by the one codec (bot.core.callbacks), reads back
as it was built, fits Telegram's 64 bytes, and, pressed, is taken by the code it belongs to (never
"This button is no longer active." for a button that is on the screen where it belongs)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.actions import InlineButton, InlineKeyboard
from bot.core.callbacks import CITIZEN_SCOPES, MAX_BYTES, Callback, Scope, callback
from bot.core.incoming import Incoming, Kind
from bot.flow import commands
from bot.flow.asking import change_picker, danger_question, hide_offer, question_keyboard, sos_alert, summary
from bot.flow.engine import press
from bot.flow.model import Context, Notice, Reply, State
from bot.flow.steps import QUESTIONS
from bot.handlers import staff_panels as panels
from bot.handlers.broadcast_answers import BroadcastAnswers
from bot.i18n import N_, Catalogs
from bot.services.broadcasts import PRESETS, Counts, Filters
from bot.services.broadcasts.filters import CATEGORIES
from bot.services.broadcasts.presets import keyboard as answer_keyboard
from bot.services.broadcasts.presets import parse_answer
from bot.services.broadcasts.progress import progress_keyboard
from bot.services.broadcasts.report import report_keyboard
from bot.services.cards import card_keyboard, sos_keyboard
from storage.models import Broadcast, Report, SosAlert

CATALOGS = Catalogs(ZoneInfo("Asia/Phnom_Penh"))
T = CATALOGS["en"]
CTX = Context(today=datetime(2026, 1, 20, tzinfo=UTC).date(), mission="KBRI Phnom Penh", phone=None,
              retention_days=365, reference="PNH-000001", status="new")  # fmt: skip
STALE = {T(N_("This button is no longer active.")), T(N_("This question is already answered."))}


def buttons(*keyboards: object) -> list[InlineButton]:
    found: list[InlineButton] = []
    for keyboard in keyboards:
        if isinstance(keyboard, Reply):
            keyboard = keyboard.markup
        if isinstance(keyboard, tuple) and len(keyboard) == 2:  # a staff panel: (text, keyboard)
            keyboard = keyboard[1]
        assert isinstance(keyboard, InlineKeyboard), keyboard
        found += [b for row in keyboard.rows for b in row if b.url is None]
    return found


def well_made(button: InlineButton) -> Callback:
    pressed = Callback.parse(button.data)
    assert pressed is not None, f"{button.text!r}: {button.data!r} is not data the codec reads"
    assert pressed.data == button.data
    assert len(button.data.encode()) <= MAX_BYTES
    return pressed


def taken_by_the_flow(state: State, button: InlineButton) -> None:
    pressed = well_made(button)
    assert pressed.scope in CITIZEN_SCOPES, button.data
    outcome = press(state, button.data, CTX, CATALOGS, message_id=7)
    notices = {o.text for o in outcome.out if isinstance(o, Notice)}
    assert not notices & STALE, f"{button.data!r} at step {state.step!r}: {notices}"


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_every_answer_button_of_every_question_is_taken_at_its_step(question: object) -> None:
    state = State(step=question.id, data={}, lang="en")  # type: ignore[attr-defined]
    keyboard = question_keyboard(question, T)  # type: ignore[arg-type]
    for button in buttons(keyboard):
        taken_by_the_flow(state, button)


def test_the_summary_the_change_picker_and_the_one_tap_questions() -> None:
    data = {"location_text": "Phnom Penh", "passport": "with_me", "safety": "safe"}
    at_summary = State(step="summary", data=data, lang="en")
    for button in buttons(summary(at_summary, T)):
        taken_by_the_flow(at_summary, button)
    at_change = State(step="change", data=data, lang="en")
    for button in buttons(change_picker(at_change, T)):
        taken_by_the_flow(at_change, button)
    anywhere = State(step="passport", data={}, lang="en")
    for button in buttons(hide_offer(T), danger_question(T), sos_alert(CTX, T, first=False)):
        taken_by_the_flow(anywhere, button)


def test_the_buttons_of_the_citizens_commands() -> None:
    def command(name: str, state: State) -> list[InlineButton]:
        inp = Incoming(kind=Kind.COMMAND, chat_id=1, user_id=1, command=name)
        outcome = commands.run(state, inp, CTX, CATALOGS)
        return buttons(
            *[o for o in outcome.out if isinstance(o, Reply) and isinstance(o.markup, InlineKeyboard)]
        )

    in_form = State(step="passport", data={}, lang="en")
    sent = State(step="done", data={}, lang="en", report_id=1, submitted=True)
    made = [(in_form, b) for b in command("language", in_form) + command("cancel", in_form)]
    made += [(sent, b) for b in command("update", sent) + command("delete", sent)]
    searching = commands.confirmed(
        sent, Scope.DELETE, "yes", dataclasses.replace(CTX, searching=True), CATALOGS
    )
    made += [(sent, b) for b in buttons(*[o for o in searching.out if isinstance(o, Reply)])]
    assert {well_made(b).scope for _, b in made} >= {Scope.LANGUAGE, Scope.CANCEL, Scope.UPDATE, Scope.DELETE}
    for state, button in made:
        taken_by_the_flow(state, button)


def test_case_cards_carry_their_case() -> None:
    report = Report(id=123, reference="PNH-000123", acknowledged_at=None, assigned_to=None)
    alert = SosAlert(id=9, report_id=123, acknowledged_at=None)
    for button in buttons(card_keyboard(report, T), sos_keyboard(report, alert, T)):
        pressed = well_made(button)
        assert pressed.scope is Scope.CASE
        assert pressed.field(0) in ("ack", "take", "det") and pressed.number(1) == 123


def test_staff_panels_and_broadcast_buttons_belong_to_staff() -> None:
    counts = Counts(total=3, by_language=(("id", 2), ("en", 1)))
    made: list[object] = [
        panels.audience_panel(Filters(), counts, T),
        panels.text_panel("id", T),
        panels.buttons_panel(T),
        panels.when_panel("Asia/Phnom_Penh", T),
    ]
    made += [panels.category_panel(c.code, Filters(), counts, [v for v, _ in c.values] or ["wave-3"], T)
             for c in CATEGORIES]  # fmt: skip
    made.append(panels.confirm_panel({"text_id": "Halo", "buttons": "none"}, Filters(), counts, None, T))
    broadcast = Broadcast(id=42, status="sending", total=3, buttons="attend")
    made += [report_keyboard(broadcast, T), progress_keyboard(broadcast, T)]
    for button in buttons(*made):
        assert well_made(button).scope is Scope.STAFF, button.data


@pytest.mark.parametrize("preset", [p for p in PRESETS if p.options], ids=lambda p: p.code)
def test_a_broadcasts_answer_buttons_are_read_back_as_its_answers(preset: object) -> None:
    code = preset.code  # type: ignore[attr-defined]
    for button in buttons(answer_keyboard(code, 42, T)):
        assert well_made(button).scope is Scope.ANSWER
        assert BroadcastAnswers.wants(
            Incoming(kind=Kind.BUTTON, chat_id=1, user_id=1, callback_data=button.data)
        )
        parsed = parse_answer(button.data)
        assert parsed is not None and parsed[0] == 42
    for button in buttons(answer_keyboard(code, None, T)):  # a preview's: it records nothing
        assert well_made(button).scope is Scope.STAFF and parse_answer(button.data) is None


@pytest.mark.parametrize(
    "data",
    ["", "nope:1", "o:ack:" + "9" * 80, "x", ":", "f:" + "é" * 40, "O:ack:1", "sos:extra:fields:" + "a" * 60],
)
def test_data_no_button_makes_is_not_read(data: str) -> None:
    assert Callback.parse(data) is None


def test_a_button_that_cannot_be_read_back_cannot_be_made() -> None:
    with pytest.raises(ValueError, match="':'"):
        callback(Scope.FORM, "city", "a:b")
    with pytest.raises(ValueError, match="64 bytes"):
        callback(Scope.CHANGE, "x" * 70)
    assert callback(Scope.CASE, "ack", 5) == "o:ack:5"
