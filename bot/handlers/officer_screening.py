"""/screen REF decision [note]: the officer's screening decision, after an interview in person
(services.screening: the citizen's answers only point to what to ask about; officers decide)."""

from __future__ import annotations

from bot.core.incoming import Incoming
from bot.handlers.officer_desk import OfficerDesk
from bot.i18n import N_
from bot.services.screening import DECISIONS, parse_decision

USAGE = N_(
    "Record the screening decision, after talking with the citizen:\n"
    "/screen REF possible_victim [note]\n"
    "/screen REF victim [note]\n"
    "/screen REF not_victim [note]\n"
    "/screen REF unclear [note]\n"
    "Indonesian words work too: mungkin, korban, bukan, belum_jelas."
)
HELP = N_("/screen REF decision [note] – the screening decision (/screen alone says how)")


async def screen(desk: OfficerDesk, inp: Incoming, report_id: int, rest: str) -> str:
    """The answer to the officer (the card is edited by the service)."""
    t = desk.t
    word, _, note = rest.partition(" ")
    decision = parse_decision(word) if word else None
    if decision is None:
        return t(USAGE)
    done = await desk.casework.screening.decide(report_id, inp.user_id, decision, note)
    if done is None:
        return ""
    return t(
        N_("{reference}: screening decision recorded: {decision}."),
        reference=done.reference,
        decision=t(DECISIONS[done.decision][0]),
    )
