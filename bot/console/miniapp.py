"""The console as a Telegram Mini App: the menu button the bot sets in a staff member's or an
officer's chat opens /app inside Telegram, whose script hands Telegram's signed init data to
/app/login; a valid one opens a session as a login link does (bot.services.console_access).

Both routes need no session (bot.console.web.MINI_APP). The login takes JSON only: a browser sends
that to another site only after asking it (CORS), so no other site can post to it from a page.
"""

from __future__ import annotations

from aiohttp import web

from bot.console.web import CONSOLE, COOKIE, render
from bot.i18n import N_
from bot.services.webapp_auth import Refusal

AGAIN = N_(
    "The console could not confirm that Telegram opened it for you. Open it again from the bot's "
    "menu button, or type /console to the bot."
)
PROBLEMS = {Refusal.NOT_ALLOWED: N_("Sorry, only the embassy's staff and duty officers can use the console.")}


async def app_page(request: web.Request) -> web.Response:
    """What Telegram opens; its script (static/console-app.js) reads the launch parameters."""
    return render(request, "app.html")


async def _init_data(request: web.Request) -> str:
    if request.content_type != "application/json":
        return ""
    try:
        body = await request.json()
    except ValueError:
        return ""
    value = body.get("init_data") if isinstance(body, dict) else None
    return value if isinstance(value, str) else ""


async def app_login(request: web.Request) -> web.Response:
    """A session for the person Telegram signed the init data for: {"go": "/"} and the cookie, or
    403 and {"problem": a sentence in their language saying what to do}."""
    console = request.app[CONSOLE]
    opened = await console.access.open_webapp(await _init_data(request))
    if opened.session_id is None:
        t = console.catalogs[opened.language]
        problem = PROBLEMS.get(opened.refusal, AGAIN) if opened.refusal else AGAIN
        return web.json_response({"problem": t(problem)}, status=403)
    response = web.json_response({"go": "/"})
    response.set_cookie(
        COOKIE, opened.session_id, httponly=True, samesite="Strict", secure=console.secure, path="/"
    )
    return response


def add_routes(app: web.Application) -> None:
    app.router.add_get("/app", app_page)
    app.router.add_post("/app/login", app_login)
