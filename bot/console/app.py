"""The console's web application: aiohttp, pages rendered on the server (Jinja2), a little script
of our own, no build chain and nothing from a CDN."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.console import views
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
from bot.flow.steps import CITIES, PASSPORT
from bot.services.cards import STATUSES
from bot.services.case_table import SORTS

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
    pages.globals.update(
        STATUSES=list(Status),
        PRIORITIES=list(Priority),
        status_labels=STATUSES,
        sent_labels=SENT,
        CITIES=CITIES,
        PASSPORT=PASSPORT,
        SORTS=SORTS,
        sort_labels=SORT_LABELS,
    )
    app[PAGES] = pages
    views.add_routes(app)
    app.router.add_static("/static/", HERE / "static", append_version=True)
    return app
