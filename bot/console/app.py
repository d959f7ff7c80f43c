"""The console's web application: aiohttp, pages rendered on the server (Jinja2), a little script
of our own, no build chain and nothing from a CDN."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.console import (
    broadcasts,
    duplicates,
    flights,
    miniapp,
    referrals,
    scams,
    screening,
    searches,
    sitrep,
    views,
)  # fmt: skip
from bot.console.web import (
    CONSOLE,
    MAX_FORM,
    PAGES,
    SENT,
    SORT_LABELS,
    Console,
    security_headers,
    sessions,
)
from bot.core.case import Priority, Status
from bot.flow.steps import CITIES, PASSPORT, SAFETY
from bot.i18n import N_
from bot.services.cards import LANGUAGE_NAMES, STATUSES
from bot.services.case_table import SORTS
from bot.services.casework import BY_FLIGHTS_ONLY
from bot.services.referral_notices import REASON_LABELS
from bot.services.referral_notices import STATUS_LABELS as REFERRAL_STATUS
from bot.services.screening import DECISIONS
from bot.services.screening import view as screening_view
from bot.services.stages import BULK_STAGES, COLUMNS, FINE_LABELS, IDENTITY_LABELS, STAGES

HERE = Path(__file__).parent


def make_app(console: Console) -> web.Application:
    app = web.Application(middlewares=[security_headers, sessions], client_max_size=MAX_FORM)
    app[CONSOLE] = console
    pages = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    statuses = [(status, STATUSES[status]) for status in Status]
    pages.globals.update(
        STATUSES=list(Status),
        PRIORITIES=list(Priority),
        status_labels=STATUSES,
        sent_labels=SENT,
        # the choices of the pages' selects: (value, msgid); parts.html translates them
        STATUS_CHOICES=statuses,
        STATUS_FILTER=[("open", N_("Open")), *statuses],
        PRIORITY_CHOICES=[(priority, priority) for priority in Priority],
        CITY_CHOICES=[(option.value, option.label) for option in CITIES],
        PASSPORT_CHOICES=[(option.value, option.label) for option in PASSPORT],
        SAFETY_CHOICES=[(option.value, option.label) for option in SAFETY],
        EXPORT_CHOICES=[("xlsx", "XLSX"), ("csv", "CSV"), ("geojson", "GeoJSON"), ("json", "HTCDS JSON")],
        LANGUAGE_CHOICES=list(LANGUAGE_NAMES.items()),
        SORT_CHOICES=[(sort, SORT_LABELS[sort]) for sort in SORTS],
        stage_labels=STAGES,
        STAGE_CHOICES=[(stage, STAGES[stage]) for stage in COLUMNS],
        MOVE_STAGE_CHOICES=[(stage, STAGES[stage]) for stage in COLUMNS if stage not in BY_FLIGHTS_ONLY],
        BULK_STAGE_CHOICES=[(stage, STAGES[stage]) for stage in BULK_STAGES],
        IDENTITY_CHOICES=list(IDENTITY_LABELS.items()),
        FINE_CHOICES=list(FINE_LABELS.items()),
        REASON_LABELS=REASON_LABELS,
        REFERRAL_STATUS=REFERRAL_STATUS,
        screening_of=screening_view,  # the case page's screening (screening_part.html)
        SCREENING_DECISIONS=[(decision, label) for decision, (label, _) in DECISIONS.items()],
    )
    app[PAGES] = pages
    views.add_routes(app)
    broadcasts.add_routes(app)
    flights.add_routes(app)
    sitrep.add_routes(app)  # the daily situation report
    searches.add_routes(app)  # families looking for someone
    scams.add_routes(app)  # scam reports (/verify)
    referrals.add_routes(app)  # a case's referrals to partners
    duplicates.add_routes(app)  # likely duplicates: the same person reported twice
    miniapp.add_routes(app)  # the console inside Telegram
    screening.add_routes(app)  # the screening decision on a case's page
    app.router.add_static("/static/", HERE / "static", append_version=True)
    return app
