"""A case's way home: the stages it goes through after the report, stored as their string values on
`Report.stage`, and the facts each one records (`Report.journey`). Shared by the chat commands, the
console's board, flights, the situation report and the exports.

A stage changes only through `bot.services.stages.move` (the officers' /stage, the console, flights),
which checks the facts, keeps `Report.status` in step and records a "stage" event (actor, time,
detail {"from", "to", "facts"[, "status", "before"]}): who moved a case and when is in its events.

The journey's keys (constants in bot.services.stages), each set by one stage and kept after it:

    identity         identity_verified  passport | ktp | kk | birth_certificate | interview | other
    document         document_ready     "splp" (an SPLP issued) | "passport" (the passport recovered)
    document_number  document_ready     the SPLP's number, e.g. "B1234567" (absent with "passport")
    document_date    document_ready     the SPLP's day of issue, ISO "2026-12-03" (absent with "passport")
    fine             cleared            the overstay fine: waived | paid | none
    exit_permit      cleared            the exit permit's number, when there is one
    flight           on_flight/departed the flight's id (flights.id; also Report.flight_id)
    arrived_place    arrived            where they arrived, e.g. "Soekarno-Hatta"
    referred_to      referred           the partner it went to, e.g. "IOM"
    reason           staying/closed     why, in the officer's words, when said (never shown to the citizen)

A correction back to an earlier stage keeps the facts recorded so far (the events say what changed).
"""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    REPORTED = "reported"  # nothing done towards going home yet
    IDENTITY_VERIFIED = "identity_verified"  # how: journey["identity"] (passport, ktp, kk, interview, …)
    DOCUMENT_READY = "document_ready"  # an SPLP issued (number, date) or the passport recovered
    CLEARED = "cleared"  # immigration: the overstay fine waived or paid, an exit permit
    ON_FLIGHT = "on_flight"  # a passenger of a planned flight or convoy (Report.flight_id)
    DEPARTED = "departed"
    ARRIVED = "arrived"  # where: journey["arrived_place"]
    # Endings off the way home
    REFERRED = "referred"
    STAYING = "staying"
    CLOSED = "closed"


# The way home in order: the board's columns and the situation report's funnel
WAY_HOME = (
    Stage.REPORTED,
    Stage.IDENTITY_VERIFIED,
    Stage.DOCUMENT_READY,
    Stage.CLEARED,
    Stage.ON_FLIGHT,
    Stage.DEPARTED,
    Stage.ARRIVED,
)
ENDINGS = (Stage.REFERRED, Stage.STAYING, Stage.CLOSED)

# A case may be put on a flight once it has a travel document and immigration's clearance
CAN_TRAVEL = (Stage.CLEARED,)
