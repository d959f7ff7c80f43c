"""What a passenger reads about their flight or convoy home: the notice (with its two answer
buttons), a change, a removal or a cancellation, the answer they gave, and the check-in code's
picture. Texts only: the rules are in services.flights."""

from __future__ import annotations

import io

import segno

from bot.core.actions import InlineButton, InlineKeyboard
from bot.core.callbacks import Scope, callback
from bot.i18n import N_, Translator
from storage.models import Flight

COMING, CANNOT = "coming", "cannot"
ANSWERS = {"yes": COMING, "no": CANNOT}  # the buttons' data -> FlightPassenger.answer
BRING_ALWAYS = N_("Bring your SPLP or passport.")
ANSWER_SAID = {
    COMING: N_("✅ You said you will be there. Thank you!"),
    CANNOT: N_("❌ You said you can't come. An officer will contact you."),
}


def flight_name(flight: Flight) -> str:
    """`QZ 123 (AirAsia), Phnom Penh → Jakarta`: the staff's own words, not translated."""
    what = " ".join(part for part in (flight.number.strip(),) if part) or flight.carrier.strip()
    if flight.number.strip() and flight.carrier.strip():
        what = f"{flight.number.strip()} ({flight.carrier.strip()})"
    route = " → ".join(part for part in (flight.origin.strip(), flight.destination.strip()) if part)
    return ", ".join(part for part in (what, route) if part) or f"#{flight.id}"


def notice_text(flight: Flight, t: Translator, mission: str, changed: bool = False, answer: str = "") -> str:
    """The notice a passenger gets when added, and again (`changed`) when the time or place moves."""
    head = t(N_("🏛 Message from {mission}:"), mission=mission)
    lines = [head, ""]
    if changed:
        lines += [t(N_("⚠️ Your trip home has changed: please read it again.")), ""]
    seat = (
        N_("🚌 You have a seat on the way home: {what}.")
        if flight.kind == "convoy"
        else N_("✈️ You have a seat on the way home: {what}.")
    )
    lines.append(t(seat, what=flight_name(flight)))
    lines.append(t(N_("Departs: {when}."), when=t.datetime(flight.departs_at)))
    if flight.meet_place and flight.meet_at:
        lines.append(
            t(N_("Be at {place} at {when}."), place=flight.meet_place, when=t.datetime(flight.meet_at))
        )
    elif flight.meet_place:
        lines.append(t(N_("Meeting point: {place}."), place=flight.meet_place))
    elif flight.meet_at:
        lines.append(t(N_("Be at the meeting point at {when}."), when=t.datetime(flight.meet_at)))
    if flight.bring and flight.bring.strip():
        lines.append(t(N_("What to bring: {bring}"), bring=flight.bring.strip()))
    lines += [t(BRING_ALWAYS), ""]
    if answer in ANSWER_SAID:
        lines.append(t(ANSWER_SAID[answer]))
    else:
        lines.append(t(N_("Please tell us whether you will be there.")))
    return "\n".join(lines)


def notice_buttons(flight_id: int, t: Translator) -> InlineKeyboard:
    return InlineKeyboard((
        (InlineButton(t(N_("✅ I will be there")), callback(Scope.FLIGHT, flight_id, "yes")),),
        (InlineButton(t(N_("❌ I can't")), callback(Scope.FLIGHT, flight_id, "no")),),
    ))  # fmt: skip


def removed_text(flight: Flight, t: Translator, mission: str) -> str:
    head = t(N_("🏛 Message from {mission}:"), mission=mission)
    body = t(
        N_("Your seat on {what} ({when}) is cancelled; we will write to you again."),
        what=flight_name(flight), when=t.datetime(flight.departs_at),
    )  # fmt: skip
    return f"{head}\n\n{body}"


def check_in_caption(flight: Flight, t: Translator) -> str:
    return t(
        N_("🎫 Your check-in code for {what}, {when}. Show it to the embassy's officer at the meeting "
           "point. Do not share it."),
        what=flight_name(flight), when=t.datetime(flight.departs_at),
    )  # fmt: skip


def qr_png(url: str) -> bytes:
    """The URL as a QR code picture (PNG), big enough for any phone's camera."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=8, border=4)
    return out.getvalue()
