"""The console's scam reports: what people reported of someone posing as the embassy (/verify →
report a scam), newest first, as the officer group's cards show them. Staff and supervisors only;
of the reporter, only the reference of their own case (officers see that case anyway)."""

from __future__ import annotations

from aiohttp import web

from bot.console.broadcasts import staff_only
from bot.console.web import CONSOLE, person_of, render
from bot.core.scam import ASKED, CHANNELS


@staff_only
async def page(request: web.Request) -> web.Response:
    console = request.app[CONSOLE]
    if console.scams is None:
        raise web.HTTPNotFound(text="Scam reports are not available here.")
    t = console.catalogs[person_of(request).language]
    rows = [
        {
            "at": one.at,
            "how": t(CHANNELS[one.channel]) if one.channel in CHANNELS else "—",
            "asked": ", ".join(t(ASKED[v]) for v in one.asked_for) or "—",
            "who": one.who or "—",
            "detail": one.detail or "—",
            "reference": one.reference,
            "erased": one.erased,
        }
        for one in await console.scams.recent()
    ]
    return render(request, "scams.html", rows=rows)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/scams", page)
