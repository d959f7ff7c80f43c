"""The console's pages. Each calls the services the chat's handlers call; none holds a rule of its own."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.console.web import CONSOLE, COOKIE, SESSION_ID, filters_of, language_of, person_of, render
from bot.services.casework import Officer, Relay
from bot.services.console_access import LANGUAGES

ANSWER_LIMIT = 4096


def _safe_next(value: str) -> str:
    """A path on this site to go back to (never another site's)."""
    return value if value.startswith("/") and not value.startswith("//") else "/"


async def login_page(request: web.Request) -> web.Response:
    """The link from /console opens this page; its button logs in. A GET never spends the link
    (a chat app's link preview would), the POST does."""
    return render(request, "login.html", token=request.query.get("token", "")[:128])


async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    access = request.app[CONSOLE].access
    asked = str(form.get("lang", ""))
    lang = asked if asked in LANGUAGES else language_of(request)
    session_id = await access.redeem(str(form.get("token", ""))[:128], language=lang)
    if session_id is None:
        return render(request, "login.html", status=403, token="", problem="refused")
    response = web.HTTPSeeOther("/")
    secure = request.app[CONSOLE].secure
    response.set_cookie(COOKIE, session_id, httponly=True, samesite="Strict", secure=secure, path="/")
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    await request.app[CONSOLE].access.end(request[SESSION_ID])
    response = web.HTTPSeeOther("/login")
    response.del_cookie(COOKIE, path="/")
    return response


async def logout_everywhere(request: web.Request) -> web.StreamResponse:
    await request.app[CONSOLE].access.end_everywhere(person_of(request).user_id)
    response = web.HTTPSeeOther("/login")
    response.del_cookie(COOKIE, path="/")
    return response


async def language(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    await request.app[CONSOLE].access.set_language(request[SESSION_ID], str(form.get("lang", "")))
    return web.HTTPSeeOther(_safe_next(str(form.get("next", "/"))))


async def today(request: web.Request) -> web.Response:
    figures = await request.app[CONSOLE].casework.today()
    template = "today_part.html" if request.query.get("part") else "today.html"
    return render(request, template, today=figures)


async def cases(request: web.Request) -> web.Response:
    filters = filters_of(request.query)
    try:
        page = int(request.query.get("page", "1"))
    except ValueError:
        page = 1
    found = await request.app[CONSOLE].casework.table(filters, page)
    return render(request, "cases.html", filters=filters, found=found, query=filters.query())


async def _case(request: web.Request, **values: Any) -> web.Response:
    casework = request.app[CONSOLE].casework
    report = await casework.find(request.match_info["reference"])
    if report is None:
        return render(request, "error.html", status=404, problem="no_case")
    t = request.app[CONSOLE].catalogs[person_of(request).language]
    history = await casework.history(report.id, t) or ""
    return render(
        request, "case.html", case=report, history=history, sent=request.query.get("sent", ""), **values
    )


async def case_page(request: web.Request) -> web.Response:
    return await _case(request)


async def personal(request: web.Request) -> web.Response:
    """Personal values, on a click; the view is recorded in the case's history (who, when)."""
    casework, person = request.app[CONSOLE].casework, person_of(request)
    report = await casework.find(request.match_info["reference"])
    if report is None:
        return render(request, "error.html", status=404, problem="no_case")
    t = request.app[CONSOLE].catalogs[person.language]
    details = await casework.view_personal(report.id, Officer(person.user_id, person.name), t)
    return await _case(request, details=details or "")


async def answer(request: web.Request) -> web.StreamResponse:
    """The officer's words to the citizen, as the mission (held if the citizen asked so)."""
    casework, person = request.app[CONSOLE].casework, person_of(request)
    reference = request.match_info["reference"]
    report = await casework.find(reference)
    if report is None:
        return render(request, "error.html", status=404, problem="no_case")
    text = str((await request.post()).get("text", "")).strip()
    if not text:
        return web.HTTPSeeOther(f"/cases/{report.reference}?sent=empty")
    if len(text) > ANSWER_LIMIT:
        return web.HTTPSeeOther(f"/cases/{report.reference}?sent={Relay.TOO_LONG}")
    relayed = await casework.reply(report.id, Officer(person.user_id, person.name), text)
    return web.HTTPSeeOther(f"/cases/{report.reference}?sent={relayed.outcome}")


async def acknowledge(request: web.Request) -> web.StreamResponse:
    casework, person = request.app[CONSOLE].casework, person_of(request)
    report = await casework.find(request.match_info["reference"])
    if report is None:
        return render(request, "error.html", status=404, problem="no_case")
    await casework.acknowledge(report.id, Officer(person.user_id, person.name))
    return web.HTTPSeeOther(f"/cases/{report.reference}")


async def take(request: web.Request) -> web.StreamResponse:
    casework, person = request.app[CONSOLE].casework, person_of(request)
    report = await casework.find(request.match_info["reference"])
    if report is None:
        return render(request, "error.html", status=404, problem="no_case")
    await casework.take(report.id, Officer(person.user_id, person.name))
    return web.HTTPSeeOther(f"/cases/{report.reference}")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/login", login_page)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)
    app.router.add_post("/logout-everywhere", logout_everywhere)
    app.router.add_post("/language", language)
    app.router.add_get("/", today)
    app.router.add_get("/cases", cases)
    app.router.add_get("/cases/{reference}", case_page)
    app.router.add_post("/cases/{reference}/personal", personal)
    app.router.add_post("/cases/{reference}/answer", answer)
    app.router.add_post("/cases/{reference}/acknowledge", acknowledge)
    app.router.add_post("/cases/{reference}/take", take)
