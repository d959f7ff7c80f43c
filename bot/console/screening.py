"""The case page's screening form (the chat's /screen): the officer's decision and a note, kept apart
from the citizen's answers (services.screening)."""

from __future__ import annotations

from aiohttp import web

from bot.console.views import Case, _case, on_case
from bot.console.web import CONSOLE
from bot.services.casework import Officer
from bot.services.screening import DECISIONS, NOTE_LIMIT


@on_case
async def decide(request: web.Request, report: Case, officer: Officer) -> web.StreamResponse:
    form = await request.post()
    decision = str(form.get("decision", ""))
    note = str(form.get("note", "")).strip()
    if decision not in DECISIONS or len(note) > NOTE_LIMIT:
        return await _case(request, report, status=400, done="bad_screening")
    await request.app[CONSOLE].casework.screening.decide(report.id, officer.id, decision, note)
    return web.HTTPSeeOther(f"/cases/{report.reference}?done=screening#screening")


def add_routes(app: web.Application) -> None:
    app.router.add_post("/cases/{reference}/screening", decide)
