"""The console's Broadcasts screen: compose with the audience counted live, preview exactly as a
citizen sees it, confirm, follow the progress and the answers, stop. Staff and supervisors only;
the rules are the chat's /broadcast's (services.broadcasts), nothing of their own here."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.console.web import CONSOLE, person_of, render
from bot.core.actions import InlineKeyboard
from bot.i18n import N_
from bot.services.broadcasts import CATEGORIES, PRESETS, Filters, citizen_message, describe
from bot.services.broadcasts.filters import allowed
from bot.services.broadcasts.message import MAX_TEXT
from bot.services.broadcasts.plans import Form
from bot.services.broadcasts.problems import SAID, Problem
from bot.services.broadcasts.states import DONE, SCHEDULED, STOPPED

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
STATES = {
    SCHEDULED: N_("Scheduled"),
    DONE: N_("Finished"),
    STOPPED: N_("Stopped"),
}
SENDING = N_("Being sent")
_SPLIT = re.compile(r"[\s,;]+")


def staff_only(page: Handler) -> Handler:
    """Officers work cases; only staff and supervisors send broadcasts."""

    async def guarded(request: web.Request) -> web.StreamResponse:
        if not person_of(request).is_staff:
            log.warning("console: officer %s refused the broadcasts screen", person_of(request).user_id)
            return render(request, "error.html", status=403, problem="staff_only")
        return await page(request)

    return guarded


def audience_of(data: Any) -> Filters:
    """The filters a form or a query names; values no category has are dropped (a forged form)."""
    chosen: dict[str, tuple[str, ...]] = {}
    for category in CATEGORIES:
        values = [str(v) for v in data.getall(category.code, [])]
        if category.code == "tag":
            values += _SPLIT.split(str(data.get("more_tags", "")).strip().lower())
        kept = tuple(dict.fromkeys(v for v in values if v and allowed(category.code, v)))
        if kept:
            chosen[category.code] = kept
    return Filters(chosen)


def form_of(data: Any) -> Form:
    return Form(
        filters=audience_of(data),
        text_id=str(data.get("text_id", "")),
        text_en=str(data.get("text_en", "")),
        buttons=str(data.get("buttons", "none")),
        when=str(data.get("when", ""))[:32],
    )


async def _compose(request: web.Request, form: Form, problem: str = "", status: int = 200) -> web.Response:
    broadcasting = request.app[CONSOLE].broadcasting
    tags = (await broadcasting.audience(form.filters, "tag")).values
    counts = await broadcasting.counts(form.filters)
    return render(
        request, "broadcast_new.html", status=status, form=form, counts=counts, problem=problem,
        categories=CATEGORIES, tags=sorted(set(tags) | set(form.filters.get("tag"))), presets=PRESETS,
        max_text=MAX_TEXT, audience=describe(form.filters, _t(request)),
    )  # fmt: skip


def _t(request: web.Request) -> Any:
    return request.app[CONSOLE].catalogs[person_of(request).language]


@staff_only
async def listing(request: web.Request) -> web.Response:
    found = await request.app[CONSOLE].broadcasting.listed()
    t = _t(request)
    return render(request, "broadcasts.html", found=found, states=STATES, sending=SENDING,
                  described={b.id: describe(b.filters, t) for b in found})  # fmt: skip


@staff_only
async def new(request: web.Request) -> web.Response:
    """A new broadcast; the query may name its audience (the cases table links here with its filters),
    and a POST brings a previewed one back to be changed, nothing typed lost."""
    data = await request.post() if request.method == "POST" else request.query
    return await _compose(request, form_of(data))


@staff_only
async def audience_count(request: web.Request) -> web.Response:
    """The live count under the filters as they are ticked."""
    t = _t(request)
    filters = audience_of(request.query)
    counts = await request.app[CONSOLE].broadcasting.counts(filters)
    return web.json_response({
        "total": counts.total,
        "audience": describe(filters, t),
        "line": t(N_("👥 {n} citizens: {id} in Indonesian, {en} in English"),
                  n=counts.total, id=counts.language("id"), en=counts.language("en")),
        "held": t(N_("⏸ {held} only when they write · ⛔ {blocked} blocked the bot"),
                  held=counts.held, blocked=counts.blocked),
    })  # fmt: skip


def _preview(request: web.Request, form: Form) -> list[tuple[str, str, InlineKeyboard | None]]:
    """(language, text, buttons) exactly as a citizen reading each language gets it."""
    console = request.app[CONSOLE]
    shown = []
    for lang in ("id", "en"):
        message = citizen_message(
            0, lang, (form.text_id.strip() or None, form.text_en.strip() or None), form.buttons,
            None, console.catalogs, console.mission,
        )  # fmt: skip
        markup = message.markup if isinstance(message.markup, InlineKeyboard) else None
        shown.append((lang, message.text, markup))
    return shown


@staff_only
async def preview(request: web.Request) -> web.Response:
    form = form_of(await request.post())
    checked = await request.app[CONSOLE].broadcasting.check(form)
    if checked.problem is not None:
        return await _compose(request, form, _t(request)(SAID[checked.problem], n=MAX_TEXT), status=400)
    assert checked.plan is not None
    return render(
        request, "broadcast_preview.html", form=form, counts=checked.counts, send_at=checked.plan.send_at,
        audience=describe(form.filters, _t(request)), shown=_preview(request, form),
        preset_name=dict((p.code, p.name) for p in PRESETS)[form.buttons],
    )  # fmt: skip


@staff_only
async def send(request: web.Request) -> web.StreamResponse:
    form = form_of(await request.post())
    person = person_of(request)
    checked, broadcast_id = await request.app[CONSOLE].broadcasting.launch_form(form, person.user_id)
    if broadcast_id is None:
        problem = SAID[checked.problem or Problem.NO_ONE]
        return await _compose(request, form, _t(request)(problem, n=MAX_TEXT), status=400)
    log.info("console: user %s launched broadcast %s", person.user_id, broadcast_id)
    return web.HTTPSeeOther(f"/broadcasts/{broadcast_id}")


def _number(request: web.Request) -> int | None:
    value = request.match_info["number"]
    return int(value) if value.isdigit() and len(value) < 10 else None


@staff_only
async def one(request: web.Request) -> web.Response:
    number = _number(request)
    found = await request.app[CONSOLE].broadcasting.follow(number) if number else None
    if found is None:
        return render(request, "error.html", status=404, problem="no_broadcast")
    template = "broadcast_part.html" if request.query.get("part") else "broadcast.html"
    stopped = request.query.get("stopped", "")
    audience = describe(found.filters, _t(request))
    return render(
        request, template, b=found, states=STATES, sending=SENDING, audience=audience, stopped=stopped
    )


@staff_only
async def stop(request: web.Request) -> web.StreamResponse:
    number = _number(request)
    if number is None:
        return render(request, "error.html", status=404, problem="no_broadcast")
    outcome = await request.app[CONSOLE].broadcasting.stop(number)
    log.info("console: user %s stopped broadcast %s (%s)", person_of(request).user_id, number, outcome)
    return web.HTTPSeeOther(f"/broadcasts/{number}?stopped={outcome}")


@staff_only
async def answers_csv(request: web.Request) -> web.StreamResponse:
    number = _number(request)
    body = await request.app[CONSOLE].broadcasting.answers_csv(number, _t(request)) if number else None
    if body is None:
        return render(request, "error.html", status=404, problem="no_broadcast")
    return web.Response(
        body=body, content_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="broadcast-{number}-answers.csv"'},
    )  # fmt: skip


def add_routes(app: web.Application) -> None:
    app.router.add_get("/broadcasts", listing)
    app.router.add_get("/broadcasts/new", new)
    app.router.add_post("/broadcasts/new", new)
    app.router.add_get("/broadcasts/count", audience_count)
    app.router.add_post("/broadcasts/preview", preview)
    app.router.add_post("/broadcasts/send", send)
    app.router.add_get("/broadcasts/{number}", one)
    app.router.add_post("/broadcasts/{number}/stop", stop)
    app.router.add_get("/broadcasts/{number}/answers.csv", answers_csv)
