"""The console's "Families looking": relatives' searches with the cases that may be the person they
look for (score, reasons), and per match "Ask this person" (the bot asks them whether the family may
be told they are safe) and "Not this person". Officers, staff and supervisors alike; the rules are
services.searches'."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.console.web import CONSOLE, PAGES, person_of, render
from bot.flow.seeking import RELATIONS
from bot.i18n import N_
from bot.services.families import Families

log = logging.getLogger(__name__)
SEARCH_STATES = {
    "open": N_("Looking"),
    "asking": N_("Asked: waiting for the answer"),
    "told": N_("Told: the family knows the person is safe"),
    "declined": N_("Declined: the family is told nothing"),
}
REASONS = {
    "name_same": N_("same name"),
    "name_spelling": N_("name spelled differently"),
    "name_spacing": N_("name written apart or together"),
    "name_order": N_("name in another order"),
    "name_part": N_("part of the name"),
    "name_close": N_("a close name"),
    "name_different": N_("a different name"),
    "birth": N_("same date of birth"),
    "birth_differs": N_("another date of birth"),
    "place": N_("same place"),
}
DONE = {
    "asked": N_("The person is asked through the bot. Their family is told only if they say yes."),
    "rejected": N_("Noted: not this person."),
    "stale": N_("This search or match is no longer open."),
}


def _families(request: web.Request) -> Families:
    families = request.app[CONSOLE].families
    if families is None:
        raise web.HTTPNotFound()
    return families


def _ids(request: web.Request) -> tuple[int, int] | None:
    search, report = request.match_info.get("search", ""), request.match_info.get("report", "")
    if not (search.isdigit() and report.isdigit() and len(search) < 10 and len(report) < 10):
        return None
    return int(search), int(report)


async def listing(request: web.Request) -> web.Response:
    person = person_of(request)
    t = request.app[CONSOLE].catalogs[person.language]
    found = await _families(request).board(person.user_id, t)
    done = request.query.get("done", "")
    return render(request, "searches.html", found=found, done=done if done in DONE else "")


async def act(request: web.Request) -> web.StreamResponse:
    ids = _ids(request)
    if ids is None:
        return render(request, "error.html", status=404, problem="no_case")
    families, who = _families(request), person_of(request).user_id
    if request.match_info["what"] == "ask":
        done = await families.ask(*ids, who)
        outcome = "asked" if done else "stale"
    else:
        outcome = "rejected" if await families.reject(*ids) else "stale"
    log.info("console: user %s, search %s, case %s: %s", who, ids[0], ids[1], outcome)
    return web.HTTPSeeOther(f"/searches?done={outcome}#search-{ids[0]}")


def add_routes(app: web.Application) -> None:
    app[PAGES].globals.update(
        search_states=SEARCH_STATES, search_reasons=REASONS, search_done=DONE, relations=RELATIONS
    )
    app.router.add_get("/searches", listing)
    app.router.add_post("/searches/{search}/{report}/{what:ask|reject}", act)
