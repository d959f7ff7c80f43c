"""The console's Flights: plan a flight or convoy, put cases on it (by references, or every case the
cases table's filters keep), follow the answers, remove a passenger, mark it departed, download
the manifest; and the check-in page a passenger's QR code opens. Staff and supervisors plan;
officers see the flights and check passengers in. The rules are services.flights'."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from multidict import MultiDict

from bot.console.broadcasts import staff_only
from bot.console.views import _safe_query
from bot.console.web import CONSOLE, PAGES, person_of, render, table_filters
from bot.i18n import N_
from bot.services.flight_notices import flight_name
from bot.services.flights import CANCELLED, DEPARTED, PLANNED, FlightForm, Flights

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_SPLIT = re.compile(r"[\s,;]+")
MOST_TYPED = 500  # references in one textarea
ANSWER_LABELS = {"coming": "✅", "cannot": "❌"}


def _flights(request: web.Request) -> Flights:
    return request.app[CONSOLE].flights


def _t(request: web.Request) -> Any:
    return request.app[CONSOLE].catalogs[person_of(request).language]


def _number(request: web.Request, name: str = "number") -> int | None:
    value = request.match_info.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _form_of(data: Any) -> FlightForm:
    names = FlightForm.__dataclass_fields__
    return FlightForm(**{name: str(data.get(name, ""))[:1000] for name in names if name in data})


async def listing(request: web.Request) -> web.Response:
    return render(request, "flights.html", found=await _flights(request).listed())


@staff_only
async def new(request: web.Request) -> web.StreamResponse:
    if request.method == "GET":
        return render(request, "flight_form.html", form=FlightForm(), problems=[], flight_id=None)
    form = _form_of(await request.post())
    flight_id, problems = await _flights(request).create(form, person_of(request).user_id)
    if flight_id is None:
        return render(request, "flight_form.html", status=400, form=form, problems=problems, flight_id=None)
    return web.HTTPSeeOther(f"/flights/{flight_id}")


@staff_only
async def edit(request: web.Request) -> web.StreamResponse:
    number = _number(request)
    view = await _flights(request).one(number) if number else None
    if number is None or view is None:
        return render(request, "error.html", status=404, problem="no_flight")
    if request.method == "GET":
        form = FlightForm.of(view.flight, _flights(request).zone)
        return render(request, "flight_form.html", form=form, problems=[], flight_id=number)
    form = _form_of(await request.post())
    _, problems, told = await _flights(request).edit(number, form, person_of(request).user_id)
    if problems:
        return render(request, "flight_form.html", status=400, form=form, problems=problems, flight_id=number)
    return web.HTTPSeeOther(f"/flights/{number}?told={told}")


async def _page(request: web.Request, number: int, status: int = 200, **values: Any) -> web.Response:
    view = await _flights(request).one(number)
    if view is None:
        return render(request, "error.html", status=404, problem="no_flight")
    told = request.query.get("told", "")
    values.setdefault("done", request.query.get("done", ""))
    return render(request, "flight.html", status=status, v=view, answers=ANSWER_LABELS,
                  told=int(told) if told.isdigit() else None, **values)  # fmt: skip


async def one(request: web.Request) -> web.Response:
    number = _number(request)
    if number is None:
        return render(request, "error.html", status=404, problem="no_flight")
    return await _page(request, number)


@staff_only
async def add(request: web.Request) -> web.StreamResponse:
    """References typed in the textarea, or (`back`) every case the cases table's filters keep."""
    return await _add(request, _number(request), await request.post())


async def _add(request: web.Request, number: int | None, form: Any) -> web.Response:
    if number is None:
        return render(request, "error.html", status=404, problem="no_flight")
    by = person_of(request).user_id
    back = _safe_query(str(form.get("back", "")))
    if form.get("all") == "1":
        filters = table_filters(request, MultiDict(parse_qsl(back)))
        added = await _flights(request).add_matching(number, filters, by)
    else:
        typed = [r for r in _SPLIT.split(str(form.get("references", ""))) if r][:MOST_TYPED]
        added = await _flights(request).add(number, typed, by)
    if added is None:
        return render(request, "error.html", status=404, problem="no_flight")
    log.info("console: user %s added %d cases to flight %s", by, len(added.added), number)
    typed_back = "" if form.get("all") == "1" else str(form.get("references", ""))[:5000]
    return await _page(request, number, added=added, typed=typed_back if added.refused else "")


@staff_only
async def assign(request: web.Request) -> web.Response:
    """From the cases table: the filtered cases, onto a planned flight (chosen here)."""
    filters = table_filters(request)
    total, _ = await request.app[CONSOLE].casework.matching(filters)
    planned = await _flights(request).planned()
    back = _safe_query(request.query_string)
    return render(request, "flight_assign.html", total=total, planned=planned, back=back)


@staff_only
async def assign_to(request: web.Request) -> web.StreamResponse:
    """The flight chosen on the assign page: the filtered cases go onto it."""
    form = await request.post()
    chosen = str(form.get("flight", ""))
    return await _add(request, int(chosen) if chosen.isdigit() and len(chosen) < 10 else None, form)


@staff_only
async def remove(request: web.Request) -> web.StreamResponse:
    """First a confirmation naming the case, then the removal (the passenger is told)."""
    number, report_id = _number(request), _number(request, "report")
    if number is None or report_id is None:
        return render(request, "error.html", status=404, problem="no_flight")
    form = await request.post()
    if form.get("confirm") != "1":
        view = await _flights(request).one(number)
        if view is None:
            return render(request, "error.html", status=404, problem="no_flight")
        who = next((p.reference for p in view.passengers if p.report_id == report_id), "")
        return render(
            request, "flight_confirm.html", v=view, what="remove", reference=who, report_id=report_id
        )
    done = await _flights(request).remove(number, report_id, person_of(request).user_id)
    return web.HTTPSeeOther(f"/flights/{number}?done={'removed' if done else 'not_removed'}")


@staff_only
async def close(request: web.Request) -> web.StreamResponse:
    """Departed or cancelled, after a confirmation."""
    number, what = _number(request), request.match_info["what"]
    if number is None:
        return render(request, "error.html", status=404, problem="no_flight")
    form = await request.post()
    if form.get("confirm") != "1":
        view = await _flights(request).one(number)
        if view is None:
            return render(request, "error.html", status=404, problem="no_flight")
        return render(request, "flight_confirm.html", v=view, what=what, reference="", report_id=None)
    flights, by = _flights(request), person_of(request).user_id
    done = await (flights.depart(number, by) if what == "depart" else flights.cancel(number, by))
    return web.HTTPSeeOther(f"/flights/{number}?done={what if done else 'not_' + what}")


@staff_only
async def manifest(request: web.Request) -> web.StreamResponse:
    number, fmt = _number(request), request.match_info["fmt"]
    person = person_of(request)
    made = await _flights(request).manifest(number, fmt, person.user_id, _t(request)) if number else None
    if made is None:
        return render(request, "error.html", status=404, problem="no_flight")
    content, name, mime = made
    log.info("console: user %s downloaded the manifest of flight %s as %s", person.user_id, number, fmt)
    return web.Response(
        body=content, headers={"Content-Type": mime, "Content-Disposition": f'attachment; filename="{name}"'}
    )


async def checkin(request: web.Request) -> web.Response:
    """What a passenger's QR code opens: who they are, their flight, and one big button."""
    token = request.match_info["token"][:160]
    person = person_of(request)
    if request.method == "POST":
        found = await _flights(request).board(token, person.user_id, person.name or str(person.user_id))
        just = found.state == "ok"
    else:
        found = await _flights(request).check_in(token, person.user_id)
        just = False
    name = flight_name(found.flight) if found.flight is not None else ""
    return render(request, "checkin.html", c=found, token=token, just=just, flight_name=name,
                  status=404 if found.state == "invalid" else 200)  # fmt: skip


FLIGHT_STATES = {PLANNED: N_("Planned"), DEPARTED: N_("Departed"), CANCELLED: N_("Cancelled")}
DONE = {
    "removed": N_("Taken off the flight; the citizen is told."),
    "not_removed": N_("Nothing changed: that case is not on this flight."),
    "depart": N_("Marked as departed."),
    "cancel": N_("The flight is cancelled; every passenger is told."),
    "not_depart": N_("Nothing changed: the flight has departed or is cancelled already."),
    "not_cancel": N_("Nothing changed: the flight has departed or is cancelled already."),
}


def add_routes(app: web.Application) -> None:
    app[PAGES].globals.update(flight_states=FLIGHT_STATES, flight_done=DONE)
    app.router.add_get("/flights", listing)
    app.router.add_get("/flights/new", new)
    app.router.add_post("/flights/new", new)
    app.router.add_get("/flights/assign", assign)
    app.router.add_post("/flights/assign", assign_to)
    app.router.add_get("/flights/{number}", one)
    app.router.add_get("/flights/{number}/edit", edit)
    app.router.add_post("/flights/{number}/edit", edit)
    app.router.add_post("/flights/{number}/add", add)
    app.router.add_post("/flights/{number}/remove/{report}", remove)
    app.router.add_post("/flights/{number}/{what:depart|cancel}", close)
    app.router.add_get("/flights/{number}/manifest.{fmt:csv|xlsx|pdf}", manifest)
    app.router.add_get("/checkin/{token}", checkin)
    app.router.add_post("/checkin/{token}", checkin)
