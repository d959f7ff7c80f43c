"""The console's Duplicates: the likely duplicate pairs by score, two cases side by side, and a
person's decision (merge, keeping one; not the same person; undo a merge). Officers, staff and
supervisors. The rules are services.merges'."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.console.web import CONSOLE, person_of, render
from bot.i18n import N_
from bot.services.cards import ALIKE_REASONS
from bot.services.merges import Decision, Duplicates

log = logging.getLogger(__name__)
# How two names compare (services.names.similarity's reasons), after "name:"
NAME_REASONS = {
    "same": N_("same name"),
    "spelling": N_("name spelled another way"),
    "spacing": N_("name spaced another way"),
    "order": N_("name in another order"),
    "part": N_("one name holds the other"),
    "close": N_("close names"),
    "different": N_("different names"),
}
DONE = {
    Decision.MERGED: N_("Merged. The other reference now opens the case kept."),
    Decision.UNDONE: N_("The merge is undone: both cases stand on their own again."),
    Decision.DISTINCT: N_("Marked as not the same person. This pair is not proposed again."),
    Decision.GONE: N_("Someone decided this pair already."),
    Decision.REFUSED: N_("Not merged: one of the cases is already merged with another. Undo that first."),
    Decision.TRAVELS: N_(
        "Not merged: the case not kept has a seat on a planned flight. Keep that case, or take it off "
        "the flight first."
    ),
}


def reason_labels() -> dict[str, str]:
    return {**ALIKE_REASONS, **{f"name:{k}": v for k, v in NAME_REASONS.items()}}


def _duplicates(request: web.Request) -> Duplicates:
    found = request.app[CONSOLE].duplicates
    if found is None:
        raise web.HTTPNotFound()
    return found


def _number(request: web.Request) -> int | None:
    value = request.match_info.get("number", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


async def listing(request: web.Request) -> web.Response:
    pairs = await _duplicates(request).listed()
    done = request.query.get("done", "")
    return render(request, "duplicates.html", pairs=pairs, reasons=reason_labels(),
                  done=DONE.get(done, ""))  # fmt: skip


async def _pair_page(request: web.Request, number: int | None, viewer: int | None = None) -> web.Response:
    view = await _duplicates(request).pair(number, viewer) if number is not None else None
    if view is None:
        return render(request, "error.html", status=404, problem="no_pair")
    done = request.query.get("done", "")
    return render(request, "duplicate.html", v=view, reasons=reason_labels(), personal=viewer is not None,
                  done=DONE.get(done, ""), cases=(view.low, view.high))  # fmt: skip


async def pair(request: web.Request) -> web.Response:
    return await _pair_page(request, _number(request))


async def personal(request: web.Request) -> web.Response:
    """NIK, passport, phone and date of birth of both cases, on a click; recorded on both."""
    return await _pair_page(request, _number(request), viewer=person_of(request).user_id)


async def merge(request: web.Request) -> web.StreamResponse:
    """First a page asking to confirm which case is kept, then the merge."""
    number, form = _number(request), await request.post()
    keep = str(form.get("keep", ""))
    view = await _duplicates(request).pair(number) if number is not None else None
    if view is None or not keep.isdigit() or int(keep) not in (view.low.id, view.high.id):
        return render(request, "error.html", status=404, problem="no_pair")
    kept, gone = (view.low, view.high) if int(keep) == view.low.id else (view.high, view.low)
    if form.get("confirm") != "1":
        return render(request, "duplicate_confirm.html", v=view, kept=kept, gone=gone)
    by = person_of(request).user_id
    done = await _duplicates(request).merge(view.pair_id, kept.id, by)
    log.info("console: user %s merged %s into %s: %s", by, gone.reference, kept.reference, done)
    return web.HTTPSeeOther(f"/duplicates/{view.pair_id}?done={done}")


async def distinct(request: web.Request) -> web.StreamResponse:
    number = _number(request)
    if number is None:
        return render(request, "error.html", status=404, problem="no_pair")
    done = await _duplicates(request).distinct(number, person_of(request).user_id)
    return web.HTTPSeeOther(f"/duplicates?done={done}")


async def undo(request: web.Request) -> web.StreamResponse:
    """Undo the merge of the case the path names (`/cases/<merged>/unmerge`), back to the kept case."""
    casework, duplicates = request.app[CONSOLE].casework, _duplicates(request)
    report = await casework.find(request.match_info["reference"], follow=False)
    if report is None or report.merged_into_id is None:
        return render(request, "error.html", status=404, problem="no_case")
    kept = report.merged_into_id
    done = await duplicates.undo(report.id, person_of(request).user_id)
    pair_id = await duplicates.pair_of(report.id, kept)
    return web.HTTPSeeOther(f"/duplicates/{pair_id}?done={done}" if pair_id else "/duplicates")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/duplicates", listing)
    app.router.add_get("/duplicates/{number}", pair)
    app.router.add_post("/duplicates/{number}/personal", personal)
    app.router.add_post("/duplicates/{number}/merge", merge)
    app.router.add_post("/duplicates/{number}/distinct", distinct)
    app.router.add_post("/cases/{reference}/unmerge", undo)
