"""Why a broadcast cannot go as composed, and how that is said: the chat's draft and the console's
form are refused for the same reasons, in the same words."""

from __future__ import annotations

from enum import StrEnum

from bot.i18n import N_


class Problem(StrEnum):
    STALE = "stale"  # not the current panel, no draft, or a button of another step
    NO_ONE = "no_one"  # the filters match nobody
    NO_TEXT = "no_text"  # both texts skipped
    USE_BUTTONS = "use_buttons"  # typed where buttons are expected
    TOO_LONG = "too_long"  # a text longer than MAX_TEXT
    BAD_TIME = "bad_time"
    PAST_TIME = "past_time"  # passed, or more than 60 days away
    BAD_BUTTONS = "bad_buttons"  # answer buttons that are not one of the presets (a forged form)


STALE = N_("This button is no longer active.")
SAID: dict[Problem, str] = {  # msgids; {n} is MAX_TEXT
    Problem.STALE: STALE,
    Problem.NO_ONE: N_("No one matches these filters."),
    Problem.NO_TEXT: N_("Write at least one of the two texts."),
    Problem.USE_BUTTONS: N_("Please use the buttons of the last message, or /cancel."),
    Problem.TOO_LONG: N_("That is too long: at most {n} characters."),
    Problem.BAD_TIME: N_("I could not read that time. Write it like 18:30 or 25-01 08:00."),
    Problem.PAST_TIME: N_("That time has passed or is more than 60 days away."),
    Problem.BAD_BUTTONS: N_("Choose the answer buttons from the list."),
}
