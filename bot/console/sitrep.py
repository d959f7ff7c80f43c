"""The daily situation report in the console: the same figures, chart and PDF as the morning's post
(services.sitreps), for any day; everyone who sees cases sees it."""

from __future__ import annotations

from datetime import date

from aiohttp import web

from bot.console.web import CONSOLE, day_of, person_of, render
from bot.core.stage import ENDINGS, WAY_HOME
from bot.i18n import N_
from bot.services.sitrep import STAGE_LABELS, flight_line, scam_line, scope, waiting_lines
from bot.services.sitreps import Sitreps

# the cases behind each line of what waits (services.sitrep.waiting_lines, in its order)
LINKS = (
    "/cases?sos=1",
    "/cases?status=new",
    "/cases?status=open&stage=reported",
    "/cases?status=open&stage=document_ready",
    "/cases?status=open&stage=cleared",
    "",  # passengers: the flights' pages
)


def _sitreps(request: web.Request) -> Sitreps:
    found = request.app[CONSOLE].sitreps
    if found is None:
        raise web.HTTPNotFound(text="The daily report is not available here.")
    return found


def _day(request: web.Request, sitreps: Sitreps) -> date:
    """?date=YYYY-MM-DD, else yesterday (the day the morning's report is about); never after today."""
    asked = day_of(request.query.get("date"))
    today = sitreps.today()
    if asked is None:
        return sitreps.due_day()
    return min(asked, today)


async def page(request: web.Request) -> web.Response:
    sitreps = _sitreps(request)
    day = _day(request, sitreps)
    figures = await sitreps.figures(day)
    t = request.app[CONSOLE].catalogs[person_of(request).language]
    stages = [(str(s), STAGE_LABELS[s], figures.stages.get(s, 0)) for s in (*WAY_HOME, *ENDINGS)]
    waiting = [(words, n, LINKS[i]) for i, (words, n) in enumerate(waiting_lines(figures, t))]
    flights = [t(N_("Departed: {flight}"), flight=flight_line(one, t, True)) for one in figures.departed]
    flights += [t(N_("Planned: {flight}"), flight=flight_line(one, t, False)) for one in figures.planned]
    return render(request, "sitrep.html", f=figures, day=day.isoformat(), today=sitreps.today().isoformat(),
                  scope=scope(figures, t), stages=stages, waiting=waiting, flights=flights,
                  scams=scam_line(figures, t))  # fmt: skip


async def chart(request: web.Request) -> web.Response:
    sitreps = _sitreps(request)
    figures = await sitreps.figures(_day(request, sitreps))
    return web.Response(body=sitreps.chart(figures, person_of(request).language), content_type="image/png")


async def pdf(request: web.Request) -> web.Response:
    sitreps = _sitreps(request)
    day = _day(request, sitreps)
    figures = await sitreps.figures(day)
    return web.Response(
        body=sitreps.pdf(figures, person_of(request).language),
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="sitrep-{day.isoformat()}.pdf"'},
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get("/sitrep", page)
    app.router.add_get("/sitrep/chart.png", chart)
    app.router.add_get("/sitrep.pdf", pdf)
