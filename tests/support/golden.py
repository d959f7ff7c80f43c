"""Golden files for the conversation: inputs and the expected actions and stored state, side by side.

Run with HOTLINE_GOLDEN=update to rewrite the expectations after a deliberate change, then read the
diff before committing it.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.app import Hotline
from bot.config import Settings
from bot.core import (
    Action,
    AnswerCallback,
    Contact,
    EditMarkup,
    EditMessage,
    Incoming,
    InlineKeyboard,
    Kind,
    Location,
    RemoveKeyboard,
    ReplyButton,
    ReplyKeyboard,
    SendMessage,
)
from storage.migrate import upgrade
from storage.models import Citizen, Conversation, Report, ReportEvent
from tests.support.recorder import RecordingPort

CLOCK = datetime(2026, 1, 20, 3, 0, tzinfo=UTC)
UPDATE = os.environ.get("HOTLINE_GOLDEN") == "update"


def incoming(spec: dict[str, Any], user: dict[str, Any], message_id: int, on: int | None = None) -> Incoming:
    base: dict[str, Any] = {
        "chat_id": user["id"],
        "user_id": user["id"],
        "user_name": user.get("name", ""),
        "language_code": user.get("language_code"),
        "message_id": message_id,
    }
    if "text" in spec:
        return Incoming(kind=Kind.TEXT, text=spec["text"], **base)
    if "command" in spec:
        return Incoming(kind=Kind.COMMAND, command=spec["command"], args=spec.get("args", ""), **base)
    if "press" in spec:
        base["message_id"] = spec.get("on", on)
        return Incoming(kind=Kind.BUTTON, callback_data=spec["press"], callback_id=f"cb{message_id}", **base)
    if "location" in spec:
        lat, lon = spec["location"]
        return Incoming(kind=Kind.LOCATION, location=Location(lat, lon), **base)
    if "live" in spec:
        lat, lon = spec["live"]
        return Incoming(kind=Kind.LIVE_LOCATION, location=Location(lat, lon, live_period=900), **base)
    if "contact" in spec:
        return Incoming(kind=Kind.CONTACT, contact=Contact(spec["contact"], user.get("name", "")), **base)
    kind = Kind(spec["kind"]) if spec.get("kind") in set(Kind) else Kind.UNSUPPORTED
    return Incoming(kind=kind, **base)


def button(b: ReplyButton) -> str:
    return (
        b.text + (" [location]" if b.request_location else "") + (" [contact]" if b.request_contact else "")
    )


def render(action: Action) -> dict[str, Any]:
    if isinstance(action, SendMessage):
        out: dict[str, Any] = {"send": action.text}
        markup = action.markup
        if isinstance(markup, InlineKeyboard):
            out["buttons"] = [[f"{b.text} → {b.data}" for b in row] for row in markup.rows]
        elif isinstance(markup, ReplyKeyboard):
            out["keyboard"] = [[button(b) for b in row] for row in markup.rows]
        elif isinstance(markup, RemoveKeyboard):
            out["keyboard"] = "remove"
        if action.protect_content:
            out["protect"] = True
        return out
    if isinstance(action, EditMessage):
        return {"edit": action.message_id, "text": action.text}
    if isinstance(action, EditMarkup):
        rows = action.markup.rows if action.markup else ()
        return {
            "buttons_of": action.message_id,
            "buttons": [[f"{b.text} → {b.data}" for b in r] for r in rows],
        }
    if isinstance(action, AnswerCallback):
        return {"answer": action.text}
    return {"other": repr(action)}


REPORT_COLUMNS = (
    "reference", "status", "priority", "sos", "submitted", "language", "profile_name", "latitude",
    "longitude", "city", "place", "passport_status", "passport_number", "safety", "full_name", "birth_date",
    "nik", "home_province", "phone", "family_contact", "companions", "notes", "going_home", "home_city",
    "medical", "documents_held", "sex", "children",
)  # fmt: skip


def columns(report: Report) -> dict[str, Any]:
    values = {k: getattr(report, k) for k in REPORT_COLUMNS}
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items() if v is not None}


async def stored(hotline: Hotline) -> dict[str, Any]:
    async with hotline.sessions() as session:
        citizens = (await session.execute(select(Citizen).order_by(Citizen.id))).scalars().all()
        reports = (await session.execute(select(Report).order_by(Report.id))).scalars().all()
        events = (await session.execute(select(ReportEvent).order_by(ReportEvent.id))).scalars().all()
        convs = (await session.execute(select(Conversation))).scalars().all()
        return {
            "citizens": [
                {"language": c.language, "consent": c.consent_at is not None, "contact_pref": c.contact_pref}
                for c in citizens
            ],
            "reports": [columns(r) for r in reports],
            "events": [[e.kind, e.detail] for e in events],
            "conversations": [
                {"step": c.step, "draft": {k: v for k, v in c.data.items() if not k.startswith("_")}}
                for c in convs
            ],
        }


def shown(actions: list[Action], made: dict[int, int], buttons: dict[str, int]) -> None:
    """Which message now shows each button: a press names the message it was on, as Telegram does."""
    for action in actions:
        markup, message_id = None, None
        if isinstance(action, SendMessage):
            message_id = made.get(id(action))
            markup = action.markup
        elif isinstance(action, (EditMessage, EditMarkup)):
            message_id, markup = action.message_id, action.markup
        if message_id is None:
            continue
        for data in [d for d, m in buttons.items() if m == message_id]:
            del buttons[data]
        if isinstance(markup, InlineKeyboard):
            for row in markup.rows:
                for b in row:
                    buttons[b.data] = message_id


async def play(path: Path, settings: Settings) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run the scenario of a golden file; returns (expected, actual)."""
    expected = json.loads(path.read_text(encoding="utf-8"))
    user = expected["user"]
    hotline = Hotline.from_settings(settings, clock=lambda: CLOCK)
    await upgrade(hotline.engine)
    port = RecordingPort()
    steps = []
    message_id = 0
    buttons: dict[str, int] = {}  # callback data -> the newest message that shows it (the phone's screen)
    try:
        for step in expected["steps"]:
            spec = step["in"]
            if spec.get("restart"):
                await hotline.close()
                hotline = Hotline.from_settings(settings, clock=lambda: CLOCK)
                steps.append({"in": spec})
                continue
            message_id += 1
            on = buttons.get(spec["press"]) if "press" in spec else None
            await hotline.handle(incoming(spec, user, message_id, on), port)
            actions, made = port.take_made()
            shown(actions, made, buttons)
            steps.append({"in": spec, "out": [render(a) for a in actions]})
        actual = {"user": user, "steps": steps, "stored": await stored(hotline)}
    finally:
        await hotline.close()
    if UPDATE:
        path.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return expected, actual
