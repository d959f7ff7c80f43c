"""A case's way home: the stages it goes through after the report, stored as their string values on
`Report.stage`, and the facts each one records (`Report.journey`). Shared by the chat commands, the
console's board, flights, the situation report and the exports."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    REPORTED = "reported"  # nothing done towards going home yet
    IDENTITY_VERIFIED = "identity_verified"  # how: journey["identity"] (passport, ktp, kk, interview, …)
    DOCUMENT_READY = "document_ready"  # an SPLP issued (number, date) or the passport recovered
    CLEARED = "cleared"  # immigration: the overstay fine waived or paid, an exit permit
    ON_FLIGHT = "on_flight"  # a passenger of a planned flight or convoy (Report.flight_id)
    DEPARTED = "departed"
    ARRIVED = "arrived"  # where: journey["arrived_at_place"]
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
