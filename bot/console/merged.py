"""What a case page shows of the same person's other cases: the cases merged into it (their
history and their chat, marked, each with an "Undo merge"), the open likely duplicates, and the
notice when a merged case's reference brought the officer here."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from bot.console.web import CONSOLE
from bot.i18n import Translator

_REFERENCE = re.compile(r"^[A-Z]{2,5}-\d{6,9}$")


async def merged_parts(request: web.Request, report: Any, t: Translator) -> dict[str, Any]:
    console = request.app[CONSOLE]
    if console.duplicates is None:
        return {}
    merged = []
    for report_id, reference in await console.duplicates.merged_in(report.id):
        history = await console.casework.history(report_id, t) or ""
        merged.append((reference, history, await console.casework.thread(report_id)))
    came = request.query.get("merged", "")
    return {
        "merged_in": merged,
        "alike": await console.duplicates.open_for(report.id),
        "came_from": came if _REFERENCE.match(came) else "",
    }
