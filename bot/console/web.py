"""The console's web parts: its services, its pages' rendering, its sessions and security headers.

Every page but the login needs a session (bot.services.console_access); every form carries the
session's CSRF token; every answer carries the security headers and a Content-Security-Policy that
allows no inline script. Personal values are shown only when asked for, and each view is recorded.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from jinja2 import Environment

from bot.i18n import N_, Catalogs, Translator
from bot.services.broadcasts.drafting import Broadcasting
from bot.services.case_table import CaseFilters
from bot.services.casework import Casework
from bot.services.console_access import LANGUAGES, ConsoleAccess, Person
from bot.services.families import Families
from bot.services.flights import Flights
from bot.services.merges import Duplicates
from bot.services.referrals import Referrals
from bot.services.scams import ScamReports
from bot.services.sitreps import Sitreps

log = logging.getLogger(__name__)
COOKIE = "hotline_console"
NEXT = "hotline_next"  # where to go after the login (only a check-in page)
COME_BACK = "/checkin/"
MAX_FORM = 64 * 1024  # an answer to a citizen is at most 4,096 characters
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: {tiles}; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; "
    "frame-ancestors 'self' https://web.telegram.org"
)
PUBLIC = ("/login", "/static/")
MINI_APP = ("/app", "/app/login")  # the Mini App's page and its login (bot.console.miniapp): no session yet
SORT_LABELS = {
    "priority": N_("Most urgent first"),
    "newest": N_("Newest first"),
    "oldest": N_("Oldest first"),
    "reference": N_("By reference"),
}
SENT = {  # what became of an answer typed in the console (services.casework.Relay), and an empty one
    "queued": N_("Your answer is on its way to the citizen."),
    "held": N_(
        "Held: the citizen asked to be written to only after they write. It goes after their next message."
    ),
    "blocked": N_("Not sent: the citizen has blocked the bot."),
    "too_long": N_("Not sent: with the embassy's heading it is longer than one message holds. Shorten it."),
    "no_case": N_("There is no case with this reference."),
    "empty": N_("Type an answer first."),
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Console:
    """What the console's pages work with: the same services the chat's handlers call."""

    access: ConsoleAccess
    casework: Casework
    broadcasting: Broadcasting
    flights: Flights
    catalogs: Catalogs
    mission: str
    secure: bool  # served over https: the session cookie is Secure
    tiles: str = ""  # the map's tile URL template ("": a plain background)
    sitreps: Sitreps | None = None  # the daily situation report (/sitrep)
    families: Families | None = None  # families looking for someone (/searches)
    scams: ScamReports | None = None  # what people reported of impostors (/scams)
    referrals: Referrals | None = None  # referrals to partners, on the case page
    duplicates: Duplicates | None = None  # likely duplicates (/duplicates)

    @property
    def tiles_origin(self) -> str:
        """Where the tiles come from, for the Content-Security-Policy."""
        parts = urlsplit(self.tiles)
        return (
            f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""
        )


CONSOLE = web.AppKey("console", Console)
PERSON = web.RequestKey("person", Person)
SESSION_ID = web.RequestKey("session_id", str)
PAGES = web.AppKey("pages", Environment)


def person_of(request: web.Request) -> Person:
    return request[PERSON]


def language_of(request: web.Request) -> str:
    """The console's language before anyone is logged in: ?lang=, else the browser's, else Indonesian."""
    asked = request.query.get("lang", "")
    if asked in LANGUAGES:
        return asked
    accepted = request.headers.get("Accept-Language", "")
    first = accepted.split(",")[0].split(";")[0].strip().lower()[:2]
    return first if first in LANGUAGES else "id"


def render(request: web.Request, template: str, status: int = 200, **values: Any) -> web.Response:
    console = request.app[CONSOLE]
    person = request.get(PERSON)
    lang = person.language if person else language_of(request)
    t: Translator = console.catalogs[lang]
    page = request.app[PAGES].get_template(template)
    html = page.render(
        _=t, t=t, person=person, mission=console.mission, lang=lang, path=request.path, **values
    )
    return web.Response(text=html, status=status, content_type="text/html")


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
    headers = response.headers
    headers["Content-Security-Policy"] = CSP.format(tiles=request.app[CONSOLE].tiles_origin).replace(
        " ;", ";"
    )
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"  # a login link must never leave in a Referer
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if not request.path.startswith("/static/"):
        headers["Cache-Control"] = "no-store"
    if request.app[CONSOLE].secure:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    if isinstance(response, web.HTTPException):
        raise response
    return response


@web.middleware
async def sessions(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Who is asking (or the login page), and every form's CSRF token checked."""
    if request.path.startswith(PUBLIC) or request.path in MINI_APP:
        return await handler(request)
    session_id = request.cookies.get(COOKIE, "")
    person = await request.app[CONSOLE].access.person(session_id) if session_id else None
    if person is None:
        if request.method == "GET" and request.path.startswith(COME_BACK):
            # a passenger's check-in code opened before logging in: back to it after the login
            back = web.HTTPSeeOther("/login")
            back.set_cookie(NEXT, request.path, max_age=900, httponly=True, samesite="Lax", path="/")
            raise back
        if request.method == "GET":
            raise web.HTTPSeeOther("/login")
        raise web.HTTPUnauthorized(text="Your session has ended: log in again.")
    request[PERSON] = person
    request[SESSION_ID] = session_id
    if request.method == "POST":
        form = await request.post()
        token = str(form.get("csrf", ""))
        if not hmac.compare_digest(token.encode(), person.csrf.encode()):
            log.warning("console: a form without its CSRF token from user %s refused", person.user_id)
            return render(request, "error.html", status=403, problem="csrf")
    return await handler(request)


def day_of(value: Any) -> date | None:
    """A day typed or picked (2026-01-25); None when there is none or it is not a day."""
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def filters_of(query: Any, me: int | None = None, zone: str = "UTC") -> CaseFilters:
    """The case filters a URL's query names (unknown values are ignored); `me`: who asks ("mine")."""
    taken = str(query.get("taken", ""))
    mine = query.get("mine") == "1" and me is not None
    return CaseFilters(
        status=str(query.get("status", "")),
        priority=str(query.get("priority", "")),
        sos=query.get("sos") == "1",
        city=str(query.get("city", ""))[:32],
        passport=str(query.get("passport", ""))[:24],
        tag=str(query.get("tag", ""))[:32],
        language=str(query.get("lang", ""))[:8],
        taken_by=me if mine else (int(taken) if taken.isdigit() and len(taken) < 16 else None),
        mine=mine,
        search=str(query.get("q", ""))[:64],
        sort=str(query.get("sort", "priority")),
        safety=str(query.get("safety", ""))[:16],
        since=day_of(query.get("since")),
        until=day_of(query.get("until")),
        zone=zone,
        stage=str(query.get("stage", ""))[:24],
    )


def table_filters(request: web.Request, query: Any = None) -> CaseFilters:
    """The filters of the cases table (and the map, and an export) for the person asking."""
    console, person = request.app[CONSOLE], request[PERSON]
    zone = str(console.catalogs[person.language].zone)
    return filters_of(request.query if query is None else query, person.user_id, zone)
