"""The case page's referrals: ask the citizen whether the case may go to a partner (services.referrals:
the citizen is asked first, through the bot), withdraw a question not answered yet, and after the
citizen's yes take the partner's file (HTCDS JSON, recorded as an export and as the referral)."""

from __future__ import annotations

from aiohttp import web

from bot.console.views import Case, _case, on_case
from bot.console.web import CONSOLE, person_of
from bot.services.casework import Officer
from bot.services.referrals import DETAILS_LIMIT, ReferralProblem, ReferralView


def _mine(found: list[ReferralView], number: str) -> ReferralView | None:
    return next((r for r in found if str(r.id) == number), None)


@on_case
async def refer(request: web.Request, report: Case, officer: Officer) -> web.StreamResponse:
    referrals, form = request.app[CONSOLE].referrals, await request.post()
    if referrals is None:
        raise web.HTTPNotFound()
    partner = str(form.get("partner", ""))
    reasons = [str(r) for r in form.getall("reason", [])]
    details = str(form.get("details", "")).strip()[: DETAILS_LIMIT + 1]
    try:
        asked = await referrals.refer(report.id, officer.id, partner, reasons, details)
    except ReferralProblem as refused:
        t = request.app[CONSOLE].catalogs[person_of(request).language]
        typed = {"partner": partner, "reasons": reasons, "details": details}
        return await _case(request, report, status=400, done="bad_refer", refer_problem=refused.said(t),
                           typed_refer=typed)  # fmt: skip
    done = "refer_held" if asked.held else "refer"
    return web.HTTPSeeOther(f"/cases/{report.reference}?done={done}#referrals")


@on_case
async def withdraw(request: web.Request, report: Case, officer: Officer) -> web.StreamResponse:
    referrals = request.app[CONSOLE].referrals
    found = await referrals.of_case(report.id) if referrals is not None else []
    chosen = _mine(found, request.match_info["referral"])
    if referrals is None or chosen is None:
        raise web.HTTPNotFound()
    await referrals.withdraw(chosen.id, officer.id)
    return web.HTTPSeeOther(f"/cases/{report.reference}?done=refer_withdrawn#referrals")


@on_case
async def partner_file(request: web.Request, report: Case, officer: Officer) -> web.StreamResponse:
    """The file for the partner: only after the citizen's yes (404 before, and after a no)."""
    referrals = request.app[CONSOLE].referrals
    found = await referrals.of_case(report.id) if referrals is not None else []
    chosen = _mine(found, request.match_info["referral"])
    made = await referrals.partner_file(chosen.id, officer.id) if referrals and chosen else None
    if made is None:
        raise web.HTTPNotFound(text="There is no file for this referral: the citizen has not agreed.")
    return web.Response(
        body=made.content,
        content_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{made.name}"', "Cache-Control": "no-store"},
    )


def add_routes(app: web.Application) -> None:
    app.router.add_post("/cases/{reference}/refer", refer)
    app.router.add_post("/cases/{reference}/referrals/{referral:\\d+}/withdraw", withdraw)
    app.router.add_post("/cases/{reference}/referrals/{referral:\\d+}/file", partner_file)
