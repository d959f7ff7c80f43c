"""The console's pages. Each calls the services the chat's handlers call; none holds a rule of its own."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from aiohttp import web
from multidict import MultiDict

from bot.console.merged import merged_parts
from bot.console.web import (
    COME_BACK,
    CONSOLE,
    COOKIE,
    NEXT,
    SESSION_ID,
    day_of,
    language_of,
    person_of,
    render,
    table_filters,
)
from bot.core.case import Status
from bot.core.stage import ENDINGS, WAY_HOME
from bot.services.cards import way_home
from bot.services.case_table import MOST_AT_ONCE, EventFilters
from bot.services.cases import TAG, reference_of
from bot.services.casework import Officer, Relay
from bot.services.console_access import LANGUAGES
from bot.services.exports import EXPORT_FORMATS
from bot.services.stages import BULK_FACT, COLUMNS, FLIGHT, KEYS, StageProblem, summary

log = logging.getLogger(__name__)
ANSWER_LIMIT = 4096
AUDIENCE_NAMES = frozenset({"status", "priority", "city", "passport", "tag", "lang"})  # a broadcast's too
QUERY_NAMES = frozenset({
    "status", "priority", "sos", "city", "passport", "tag", "q", "sort", "lang", "mine", "page", "safety",
    "since", "until", "taken", "stage",
})  # fmt: skip


def _safe_next(value: str) -> str:
    """A path on this site to go back to (never another site's)."""
    return value if value.startswith("/") and not value.startswith("//") else "/"


async def login_page(request: web.Request) -> web.Response:
    """The link from /console opens this page; its button logs in. A GET never spends the link
    (a chat app's link preview would), the POST does."""
    coming_back = request.cookies.get(NEXT, "").startswith(COME_BACK)
    return render(request, "login.html", token=request.query.get("token", "")[:128], coming_back=coming_back)


async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    access = request.app[CONSOLE].access
    asked = str(form.get("lang", ""))
    lang = asked if asked in LANGUAGES else language_of(request)
    session_id = await access.redeem(str(form.get("token", ""))[:128], language=lang)
    if session_id is None:
        return render(request, "login.html", status=403, token="", problem="refused")
    back = request.cookies.get(NEXT, "")
    response = web.HTTPSeeOther(_safe_next(back) if back.startswith(COME_BACK) else "/")
    if back:
        response.del_cookie(NEXT, path="/")
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
    """Today: the SOS part refreshes every few seconds (?part=sos), the slower figures every minute
    (?part=figures), so an open page does not count every open case every five seconds."""
    console, part = request.app[CONSOLE], request.query.get("part", "")
    zone = console.catalogs[person_of(request).language].zone
    figures = await console.casework.today() if part != "figures" else None
    more = await console.casework.overview(zone) if part != "sos" else None
    template = {"sos": "today_sos.html", "figures": "today_part.html"}.get(part, "today.html")
    return render(request, template, today=figures, more=more)


async def cases(request: web.Request) -> web.Response:
    filters = table_filters(request)
    found = await request.app[CONSOLE].casework.table(filters, _page_of(request))
    changed = request.query.get("changed", "")
    audience = {k: v for k, v in filters.query().items() if k in AUDIENCE_NAMES and v != "open"}
    takers = await request.app[CONSOLE].casework.takers()
    return render(request, "cases.html", filters=filters, found=found, query=filters.query(),
                  changed=int(changed) if changed.isdigit() else None, audience=audience,
                  takers=[(str(who), name) for who, name in takers])  # fmt: skip


def _page_of(request: web.Request) -> int:
    value = request.query.get("page", "1")
    return int(value) if value.isdigit() else 1


def _event_filters(request: web.Request) -> EventFilters:
    query = request.query
    zone = str(request.app[CONSOLE].catalogs[person_of(request).language].zone)
    return EventFilters(
        kind=query.get("kind", "")[:32], actor=query.get("actor", "")[:64],
        reference=query.get("case", "")[:32], since=day_of(query.get("since")),
        until=day_of(query.get("until")), zone=zone,
    )  # fmt: skip


async def history(request: web.Request) -> web.Response:
    """Every change and every view of personal values, by whom and when, filterable."""
    filters = _event_filters(request)
    found, kinds = await request.app[CONSOLE].casework.history_of_all(filters, _page_of(request))
    choices = [(one, one) for one in kinds]
    return render(request, "history.html", found=found, kinds=choices, filters=filters, query=filters.query())


async def history_csv(request: web.Request) -> web.StreamResponse:
    """The filtered history as CSV, every page of it."""
    total, body = await request.app[CONSOLE].casework.history_csv(_event_filters(request))
    log.info("console: user %s exported the history (%d rows)", person_of(request).user_id, total)
    return web.Response(
        body=body,
        content_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="history.csv"'},
    )


async def bulk(request: web.Request) -> web.StreamResponse:
    """Tag, set the status of or assign the ticked cases, or every case the filters keep: first a
    page naming the count, then the change."""
    casework, person = request.app[CONSOLE].casework, person_of(request)
    form = await request.post()
    back = _safe_query(str(form.get("back", "")))
    every = form.get("all") == "1"
    if every:
        total, ids = await casework.matching(table_filters(request, MultiDict(parse_qsl(back))))
    else:
        ids = sorted({int(i) for i in map(str, form.getall("ids", [])) if i.isdigit() and len(i) < 16})
        total, ids = len(ids), ids[:MOST_AT_ONCE]
    what = str(form.get("what", ""))
    value = str(form.get(what, "")).strip().lower() if what in ("tag", "status", "assign", "stage") else ""
    takers = dict(await casework.takers()) | {person.user_id: person.name or str(person.user_id)}
    problem = _bulk_problem(ids, what, value, takers)
    fact, said, facts = " ".join(str(form.get("fact", "")).split())[:200], "", {}
    if what == "stage" and not problem:
        t = request.app[CONSOLE].catalogs[person.language]
        try:
            facts = casework.check_stage(value, {BULK_FACT[value]: fact})
            said = summary(value, facts, t)
        except StageProblem as refused:
            problem, said = "stage", refused.said(t)
    # every case the filters find: confirmed for the count the page named, not for more found since
    confirmed = form.get("confirm") == "1" and (not every or str(form.get("count", "")) == str(len(ids)))
    if problem or not confirmed:
        return render(request, "bulk.html", ids=ids if not every else [], count=len(ids), total=total,
                      every=every, what=what, value=value, back=back, problem=problem, fact=fact, said=said,
                      taker=takers.get(int(value), "") if what == "assign" and value.isdigit() else "",
                      status=400 if problem else 200)  # fmt: skip
    if what == "stage":
        moved = await casework.move_many(ids, Officer(person.user_id, person.name), value, facts)
        return web.HTTPSeeOther(f"/cases?{back}&changed={moved}" if back else f"/cases?changed={moved}")
    if what == "assign":
        value = f"{value}:{takers[int(value)]}"
    changed = await casework.change_many(ids, Officer(person.user_id, person.name), what, value)
    return web.HTTPSeeOther(f"/cases?{back}&changed={changed}" if back else f"/cases?changed={changed}")


def _bulk_problem(ids: list[int], what: str, value: str, takers: dict[int, str]) -> str:
    if not ids:
        return "none"
    if what == "tag" and not TAG.match(value):
        return "tag"
    if what == "status" and value not in set(Status):
        return "status"
    if what == "assign" and not (value.isdigit() and int(value) in takers):
        return "assign"
    if what == "stage" and value not in BULK_FACT:
        return "stage_choice"
    return "" if what in ("tag", "status", "assign", "stage") else "what"


STREAM_PIECE = 256 * 1024


async def export_cases(request: web.Request) -> web.StreamResponse:
    """Exactly the cases the table's filters keep, as CSV, XLSX, GeoJSON or HTCDS JSON; each case's
    history records the export (it shows personal values)."""
    form = await request.post()
    fmt = str(form.get("format", ""))
    if fmt not in EXPORT_FORMATS:
        return render(request, "error.html", status=400, problem="format")
    person = person_of(request)
    filters = table_filters(request, MultiDict(parse_qsl(_safe_query(str(form.get("back", ""))))))
    t = request.app[CONSOLE].catalogs[person.language]
    exported = await request.app[CONSOLE].casework.export(
        filters, fmt, Officer(person.user_id, person.name), t.zone
    )
    written = exported.written
    log.info("console: user %s exported %d cases as %s", person.user_id, len(written.ids), fmt)
    name = f"cases-{request.app[CONSOLE].casework.clock().astimezone(t.zone):%Y%m%d-%H%M}.{written.extension}"
    headers = {"Content-Type": written.mime, "Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "geojson":  # what the map holds, and what it could not place
        headers["X-Features"], headers["X-Unplaced"] = str(written.rows), str(written.unplaced)
    response = web.StreamResponse(headers=headers)
    with exported.file as file:  # the file, a piece at a time
        await response.prepare(request)
        while piece := file.read(STREAM_PIECE):
            await response.write(piece)
    await response.write_eof()
    return response


def _safe_query(value: str) -> str:
    """The table's query to go back to, as it was (only the table's own names survive)."""
    kept = {k: v for k, v in parse_qsl(value) if k in QUERY_NAMES}
    return urlencode(kept)


Case = Any  # the case as the services return it (the console never imports storage's models)
CaseAction = Callable[[web.Request, Case, Officer], Awaitable[web.StreamResponse]]


def on_case(act: CaseAction) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """A page about the case its path names: 404 when there is none, else `act` with the case and
    the person as the officer who acts."""

    async def page(request: web.Request) -> web.StreamResponse:
        report = await request.app[CONSOLE].casework.find(request.match_info["reference"])
        if report is None:
            return render(request, "error.html", status=404, problem="no_case")
        person = person_of(request)
        return await act(request, report, Officer(person.user_id, person.name))

    return page


async def _case(request: web.Request, report: Case, status: int = 200, **values: Any) -> web.Response:
    console = request.app[CONSOLE]
    t = console.catalogs[person_of(request).language]
    history = await console.casework.history(report.id, t) or ""
    said = await console.casework.thread(report.id)
    located = report.latitude is not None and report.longitude is not None
    values.setdefault("done", request.query.get("done", ""))
    values.setdefault("typed_stage", {})
    moves = await console.casework.stage_moves(report.id)
    way = [(m, summary(m.to, m.facts, t)) for m in moves]
    where = summary(report.stage, report.journey, t)
    if console.referrals is not None and console.referrals.partners:  # bot.console.referrals
        values.setdefault("referral_partners", console.referrals.partners)
        values.setdefault("referrals", await console.referrals.of_case(report.id))
    values.update(await merged_parts(request, report, t))
    return render(request, "case.html", status=status, case=report, history=history, said=said, way=way,
                  where=where,
                  sent=request.query.get("sent", ""), located=located, tiles=console.tiles,
                  way_home=way_home(report, t), **values)  # fmt: skip


@on_case
async def case_page(request: web.Request, report: Case, officer: Officer) -> web.StreamResponse:
    typed = reference_of(request.match_info["reference"], request.app[CONSOLE].casework.prefix)
    if typed is not None and typed != report.reference:  # a merged case: the case kept, said so
        return web.HTTPSeeOther(f"/cases/{report.reference}?merged={typed}")
    return await _case(request, report)


@on_case
async def personal(request: web.Request, report: Case, officer: Officer) -> web.StreamResponse:
    """Personal values, on a click; the view is recorded in the case's history (who, when)."""
    t = request.app[CONSOLE].catalogs[person_of(request).language]
    details = await request.app[CONSOLE].casework.view_personal(report.id, officer, t)
    return await _case(request, report, details=details or "")


@on_case
async def answer(request: web.Request, report: Case, officer: Officer) -> web.StreamResponse:
    """The officer's words to the citizen, as the mission (held if the citizen asked so)."""
    text = str((await request.post()).get("text", "")).strip()
    if not text:
        return web.HTTPSeeOther(f"/cases/{report.reference}?sent=empty")
    if len(text) > ANSWER_LIMIT:
        return web.HTTPSeeOther(f"/cases/{report.reference}?sent={Relay.TOO_LONG}")
    relayed = await request.app[CONSOLE].casework.reply(report.id, officer, text)
    return web.HTTPSeeOther(f"/cases/{report.reference}?sent={relayed.outcome}")


NOTE_LIMIT = 2000


@on_case
async def change(request: web.Request, report: Case, officer: Officer) -> web.StreamResponse:
    """The status, a note or a tag, from the case's page (the chat's /status, /note and /tag)."""
    casework, form = request.app[CONSOLE].casework, await request.post()
    what = request.match_info["what"]
    value = str(form.get("value", "")).strip()
    if what == "status" and value in set(Status):
        await casework.set_status(report.id, officer, value)
    elif what == "note" and 0 < len(value) <= NOTE_LIMIT:
        await casework.note(report.id, officer, value)
    elif what == "tag" and TAG.match(value.lower()):
        await casework.tag(report.id, officer, value.lower())
    else:
        return await _case(request, report, status=400, done=f"bad_{what}", typed=value[:NOTE_LIMIT])
    return web.HTTPSeeOther(f"/cases/{report.reference}?done={what}")


STAGE_FIELDS = tuple(key for key in KEYS if key != FLIGHT)  # flights put cases on flights


@on_case
async def move_stage(request: web.Request, report: Case, officer: Officer) -> web.StreamResponse:
    """The case moved on its way home from its page (the chat's /stage): the facts of the stage
    chosen; a plain sentence and what was typed kept when they will not do."""
    form = await request.post()
    stage = str(form.get("stage", ""))
    typed = {key: " ".join(str(form.get(key, "")).split())[:200] for key in STAGE_FIELDS}
    try:
        await request.app[CONSOLE].casework.move_stage(report.id, officer, stage, typed)
    except StageProblem as refused:
        t = request.app[CONSOLE].catalogs[person_of(request).language]
        typed["stage"] = stage
        return await _case(request, report, status=400, done="bad_stage", problem=refused.said(t),
                           typed_stage=typed)  # fmt: skip
    return web.HTTPSeeOther(f"/cases/{report.reference}?done=stage")


async def board(request: web.Request) -> web.Response:
    """How many cases stand at each stage of the way home, and how many ended otherwise; each count
    opens the cases table filtered by that stage."""
    counts = await request.app[CONSOLE].casework.board()
    return render(request, "board.html", counts=counts, way=WAY_HOME, endings=ENDINGS,
                  total=sum(counts[stage] for stage in COLUMNS))  # fmt: skip


@on_case
async def acknowledge(request: web.Request, report: Case, officer: Officer) -> web.StreamResponse:
    await request.app[CONSOLE].casework.acknowledge(report.id, officer)
    return web.HTTPSeeOther(f"/cases/{report.reference}")


@on_case
async def take(request: web.Request, report: Case, officer: Officer) -> web.StreamResponse:
    await request.app[CONSOLE].casework.take(report.id, officer)
    return web.HTTPSeeOther(f"/cases/{report.reference}")


async def map_page(request: web.Request) -> web.Response:
    """Every located case as a marker coloured by priority, with the table's filters."""
    filters = table_filters(request)
    return render(
        request, "map.html", filters=filters, query=filters.query(), tiles=request.app[CONSOLE].tiles
    )


async def map_points(request: web.Request) -> web.Response:
    points = await request.app[CONSOLE].casework.located(table_filters(request))
    body = [[p.reference, p.priority, p.sos, round(p.latitude, 5), round(p.longitude, 5)] for p in points]
    return web.json_response(body, headers={"Cache-Control": "no-store"})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/map", map_page)
    app.router.add_get("/map.json", map_points)
    app.router.add_get("/login", login_page)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)
    app.router.add_post("/logout-everywhere", logout_everywhere)
    app.router.add_post("/language", language)
    app.router.add_get("/", today)
    app.router.add_get("/cases", cases)
    app.router.add_get("/board", board)
    app.router.add_get("/history", history)
    app.router.add_get("/history.csv", history_csv)
    app.router.add_post("/cases/bulk", bulk)
    app.router.add_post("/cases/export", export_cases)
    app.router.add_get("/cases/{reference}", case_page)
    app.router.add_post("/cases/{reference}/personal", personal)
    app.router.add_post("/cases/{reference}/answer", answer)
    app.router.add_post("/cases/{reference}/acknowledge", acknowledge)
    app.router.add_post("/cases/{reference}/take", take)
    app.router.add_post("/cases/{reference}/stage", move_stage)
    app.router.add_post("/cases/{reference}/{what:status|note|tag}", change)
