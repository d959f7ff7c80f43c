"""The report conversation declared as data: each question, its options, how typed text is read.

The order of QUESTIONS is the order of the conversation; `ask_if` skips a question that does not
apply. See flow.mmd beside this file for the diagram.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.flow.model import Step
from bot.i18n import N_
from bot.validators import COMMON_ORIGIN_CODES, province_by_code


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str  # a msgid; translated when shown


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    prompt: str  # a msgid
    options: tuple[Option, ...] = ()
    columns: int = 1
    reads: str | None = None  # how typed text is read: a key of flow.reading.READERS
    share: str | None = None  # "location" or "contact": a reply-keyboard button that shares it
    share_label: str = ""
    skip: bool = True
    field: str | None = None  # the draft key (= report column) the answer goes to
    group: str = ""  # questions changed together from the summary
    ask_if: Callable[[dict[str, Any]], bool] | None = None
    summary_label: str = ""  # a msgid; empty: not shown in the summary
    multi: bool = False  # several options at once: they toggle, "Done" answers (see `single`)
    single: tuple[str, ...] = ()  # of a multi question, the options that answer alone, at once
    short: bool = False  # asked in the short report (someone who cannot talk long)
    upto: str | None = None  # a number question: its buttons go no higher than this draft answer


CITIES = (
    Option("phnom_penh", N_("Phnom Penh")),
    Option("sihanoukville", N_("Sihanoukville")),
    Option("bavet", N_("Bavet")),
    Option("poipet", N_("Poipet")),
    Option("koh_kong", N_("Koh Kong")),
    Option("other", N_("Another place")),
)

PASSPORT = (
    Option("with_me", N_("I have it with me")),
    Option("held", N_("Held by my boss, the company or an agent")),
    Option("lost", N_("Lost or stolen")),
    Option("expired", N_("I have it, but it has expired")),
    Option("never", N_("I never had one")),
)

SAFETY = (
    Option("free", N_("Safe, I can leave on my own")),
    Option("not_free", N_("I cannot leave on my own")),
    Option("threatened", N_("Threatened or hurt")),
    Option("police", N_("Held by police or immigration")),
    Option("doctor", N_("I need a doctor")),
)

GOING_HOME = (
    Option("yes", N_("Yes, I want to go home")),
    Option("not_yet", N_("Not yet")),
    Option("unsure", N_("I am not sure")),
)

MEDICAL = (
    Option("injury", N_("I am injured")),
    Option("illness", N_("I am ill")),
    Option("medicine", N_("I need medicine")),
    Option("pregnant", N_("I am pregnant")),
    Option("none", N_("None of these")),
)

DOCUMENTS = (
    Option("ktp", N_("KTP")),
    Option("kk", N_("KK (family card)")),
    Option("birth", N_("Birth certificate")),
    Option("passport_copy", N_("A copy of my passport")),
    Option("none", N_("None of these")),
)

SEX = (
    Option("female", N_("Woman")),
    Option("male", N_("Man")),
)

# The questions of the way home (issue 18), asked after "how many are with you", before "anything
# else", on the full report only; /update asks them again in one go (bot.flow.commands).
HOME_QUESTIONS = ("going_home", "home_city", "medical", "documents_held", "sex", "children")

WELCOME = Question(
    "welcome",
    N_("Do you agree to continue?"),
    options=(
        Option("agree", N_("✅ I agree")),
        Option("find", N_("🔎 I am looking for someone")),
        Option("not_now", N_("Not now")),
        Option("sos", N_("🆘 I am in danger now")),
    ),
    skip=False,
)

SAFE = Question(
    "safe",
    N_("Is it safe for you to talk now?"),
    options=(
        Option("yes", N_("Yes, it is safe")),
        Option("on_reply", N_("Not safe yet: wait until I write")),
        Option("sos", N_("🆘 I am in danger now")),
    ),
    skip=False,
)


def in_full(data: dict[str, Any]) -> bool:
    """The full report: not the short one of someone who said it is not safe to talk."""
    return not data.get("_short")


def in_the_full_report(id: str, prompt: str, **more: Any) -> Question:
    """A question of the full report only, whose answer is kept in the report's field of its name."""
    return Question(id, prompt, field=id, ask_if=in_full, **more)


def safety_values(value: str | None) -> list[str]:
    """The answers to "how are you now", stored comma-separated."""
    return [v for v in (value or "").split(",") if v]


def _province_options() -> tuple[Option, ...]:
    found = (province_by_code(code) for code in COMMON_ORIGIN_CODES)
    return tuple(Option(p.code, p.name) for p in found if p is not None)


QUESTIONS: tuple[Question, ...] = (
    WELCOME,
    SAFE,
    Question(
        "location",
        N_(
            "Where are you now?\n\nTap «📍 Send my location» below. It is the fastest way for us to find you."
        ),
        options=CITIES,
        columns=2,
        reads="place",
        share="location",
        share_label=N_("📍 Send my location"),
        field="city",
        group="location",
        summary_label=N_("Location"),
        short=True,
    ),
    Question(
        "place",
        N_("Type the name of the place, building or compound, and a landmark near it."),
        reads="place",
        field="place",
        group="location",
        ask_if=lambda d: d.get("city") is not None and not d.get("place") and d.get("latitude") is None,
        short=True,
    ),
    Question(
        "passport",
        N_("Where is your passport?"),
        options=PASSPORT,
        field="passport_status",
        group="passport",
        summary_label=N_("Passport"),
        short=True,
    ),
    Question(
        "passport_number",
        N_("If you know your passport number, type it (for example A1234567)."),
        reads="passport",
        field="passport_number",
        group="passport",
        ask_if=lambda d: d.get("passport_status") not in (None, "never"),
        short=True,
    ),
    Question(
        "safety",
        N_("How are you now? Choose all that fit, then tap «Done»."),
        options=SAFETY,
        field="safety",
        group="safety",
        summary_label=N_("How you are now"),
        multi=True,
        single=("free",),
        short=True,
    ),
    in_the_full_report(
        "full_name",
        N_("What is your full name, as written in your passport?"),
        reads="name",
        summary_label=N_("Name"),
    ),
    in_the_full_report(
        "birth_date",
        N_("What is your date of birth? For example 17-08-1995."),
        reads="birth_date",
        summary_label=N_("Date of birth"),
    ),
    in_the_full_report(
        "nik",
        N_("If you know your NIK (the 16-digit number on your KTP), type it."),
        reads="nik",
        summary_label=N_("NIK"),
    ),
    Question(
        "home_province",
        N_("Which province in Indonesia are you from? Choose, or type its name."),
        options=_province_options(),
        columns=2,
        reads="province",
        field="home_province",
        summary_label=N_("Home province"),
        # a valid NIK names the province already (its first two digits: flow.reading)
        ask_if=lambda d: in_full(d) and not (d.get("nik") and d.get("home_province")),
    ),
    in_the_full_report(
        "phone",
        N_("Which HP or WA number can we reach you on? Tap «📞 Send my number» or type it."),
        reads="phone",
        share="contact",
        share_label=N_("📞 Send my number"),
        summary_label=N_("HP/WA number"),
    ),
    in_the_full_report(
        "family_contact",
        N_(
            "Is there a family member in Indonesia we may contact? Type their name, who they are to you "
            "(for example ibu, suami, kakak) and their phone number."
        ),
        reads="free_text",
        summary_label=N_("Family contact"),
    ),
    in_the_full_report(
        "companions",
        N_("How many other Indonesians are with you? Choose or type a number."),
        options=tuple(Option(str(n), str(n)) for n in range(6)),
        columns=6,
        reads="count",
        summary_label=N_("Indonesians with you"),
    ),
    in_the_full_report(
        "going_home",
        N_(
            "A few more questions help us plan your way home. You may skip any.\n\n"
            "Do you want to go home to Indonesia?"
        ),
        options=GOING_HOME,
        group="going_home",
        summary_label=N_("Going home"),
    ),
    Question(
        "home_city",
        N_("Which city or regency will you go home to? Type its name, for example Malang."),
        reads="city",
        field="home_city",
        group="going_home",
        # not for "not yet": the city is asked when they want to go, or are not sure yet
        ask_if=lambda d: in_full(d) and d.get("going_home") in ("yes", "unsure"),
    ),
    in_the_full_report(
        "medical",
        N_("Do you need medical help? Choose all that fit, then tap «Done»."),
        options=MEDICAL,
        summary_label=N_("Medical needs"),
        multi=True,
        single=("none",),
    ),
    in_the_full_report(
        "documents_held",
        N_(
            "Which of these do you still have (the paper or a photo)? They help the embassy issue your "
            "SPLP. Choose all that fit, then tap «Done»."
        ),
        options=DOCUMENTS,
        columns=2,
        summary_label=N_("Documents you have"),
        multi=True,
        single=("none",),
    ),
    in_the_full_report(
        "sex", N_("Are you a woman or a man?"), options=SEX, columns=2, summary_label=N_("Sex")
    ),
    Question(
        "children",
        N_("How many of the Indonesians with you are children (under 18)? Choose or type a number."),
        options=tuple(Option(str(n), str(n)) for n in range(6)),
        columns=6,
        reads="children",
        field="children",
        summary_label=N_("Children with you"),
        upto="companions",
        ask_if=lambda d: in_full(d) and bool(d.get("companions")),
    ),
    in_the_full_report(
        "notes",
        N_("Is there anything else we should know?"),
        reads="free_text",
        summary_label=N_("Anything else"),
    ),
)

BY_ID: dict[str, Question] = {q.id: q for q in QUESTIONS}
FORM = tuple(q for q in QUESTIONS if q.id not in (Step.WELCOME, Step.SAFE))
SHORT_FORM = tuple(q for q in FORM if q.short)
# the questions read as free text: what a citizen types there is their answer, whatever it says
FREE_TEXT = frozenset(q.id for q in QUESTIONS if q.reads == "free_text")
# the questions whose answer is a number: a button reads like the typed number
COUNTS = frozenset(("count", "children"))


def next_question(after: str, data: dict[str, Any]) -> Question | None:
    """The first question after `after` that applies to these answers; None: the form is complete."""
    ids = [q.id for q in QUESTIONS]
    for q in QUESTIONS[ids.index(after) + 1 :]:
        if q.ask_if is None or q.ask_if(data):
            return q
    return None


def option_label(question: Question, value: Any) -> str | None:
    for option in question.options:
        if option.value == value:
            return option.label
    return None
