"""The hotline's own cost of an update, without Telegram: full reports straight through `Hotline.handle`.

    python -m bench.core [--citizens 300] [--database URL]

N citizens (5% pressing SOS first) go through the surge benchmark's scripts one update after another,
in this process, on a real database (SQLite in a temp folder by default), with the officer group
configured (cards are queued in the outbox; no sender runs). The port the handlers talk to answers
every request at once with a new message id and sends nothing: what is measured is the flow, the
storage and the encryption an update costs, which no framework or network can take away. Prints the
updates handled and the CPU time an update, to compare with the surge benchmark's echo floor (the
CPU time an update of a bot that only receives and answers).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.citizens import REPORT, SOS, Step
from bot.app import Hotline
from bot.config import load_settings
from bot.core.actions import Action, SendLocation, SendMessage
from bot.core.incoming import Contact, Incoming, Kind, Location
from storage.crypto import new_key
from storage.migrate import upgrade
from storage.models import Report

GROUP = -100_000_000_001
FIRST_USER = 500_000
WARMUP = 20  # citizens run before the clock starts


class InstantPort:
    """Answers every request at once; a sent message gets the next id."""

    def __init__(self) -> None:
        self.last_id = 1000

    async def perform(self, action: Action) -> int | None:
        if isinstance(action, (SendMessage, SendLocation)):
            self.last_id += 1
            return self.last_id
        return None

    async def member_status(self, chat_id: int, user_id: int) -> str:
        return "left"


def incoming(step: Step, user: int, update_id: int, port: InstantPort) -> Incoming:
    """The update a citizen's step makes; a button is pressed on the last message the bot sent."""
    base: dict[str, Any] = {
        "chat_id": user, "user_id": user, "update_id": update_id, "user_name": "Warga",
        "language_code": "id",
    }  # fmt: skip
    if step.kind == "press":
        return Incoming(
            Kind.BUTTON, callback_data=step.value, callback_id=str(update_id), message_id=port.last_id, **base
        )
    if step.kind == "location":
        return Incoming(Kind.LOCATION, message_id=update_id, location=Location(11.55, 104.92), **base)
    if step.kind == "contact":
        contact = Contact(step.value, "Warga", user)
        return Incoming(Kind.CONTACT, message_id=update_id, contact=contact, **base)
    if step.value.startswith("/"):
        return Incoming(Kind.COMMAND, message_id=update_id, text=step.value, command=step.value[1:], **base)
    return Incoming(Kind.TEXT, message_id=update_id, text=step.value, **base)


def scripts(citizens: int) -> list[tuple[int, Sequence[Step]]]:
    return [(FIRST_USER + i, SOS if i % 20 == 0 else REPORT) for i in range(citizens)]


async def measure(citizens: int, database: str | None, warmup: int = WARMUP) -> tuple[int, float, float, int]:
    """(updates measured, CPU seconds, wall seconds, reports sent); the first `warmup` citizens are
    not measured."""
    with tempfile.TemporaryDirectory(prefix="bench-core-") as folder:
        url = database or f"sqlite:///{Path(folder) / 'core.db'}"
        settings = load_settings(
            database_url=url, officer_chat_id=GROUP, flood_limit=1000, data_key=new_key(),
            bot_token="123456789:hotline-emulator-token-000000000000",
        )  # fmt: skip
        hotline = Hotline.from_settings(settings)
        try:
            await upgrade(hotline.engine)
            port = InstantPort()
            update_id = 0
            counted = 0
            cpu = wall = 0.0
            for number, (user, script) in enumerate(scripts(warmup + citizens)):
                if number == warmup:
                    cpu, wall, counted = time.process_time(), time.perf_counter(), 0
                for step in script:
                    update_id += 1
                    await hotline.handle(incoming(step, user, update_id, port), port)
                    counted += 1
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            async with hotline.sessions() as session:
                sent = await session.scalar(select(func.count()).select_from(Report).where(Report.submitted))
            return counted, cpu, wall, int(sent or 0)
        finally:
            await hotline.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.core", description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=300)
    parser.add_argument("--database", help="a database URL (its tables must be empty); default SQLite")
    args = parser.parse_args(argv)
    updates, cpu, wall, sent = asyncio.run(measure(args.citizens, args.database))
    print(f"hotline core: {args.citizens:,} citizens, {updates:,} updates in {wall:.1f} s")
    print(f"  CPU {cpu:.1f} s = {cpu / updates * 1000:.2f} ms an update (no Telegram, no framework)")
    print(f"  reports sent {sent:,} of {args.citizens + WARMUP:,} (the first {WARMUP} not measured)")


if __name__ == "__main__":
    main()
