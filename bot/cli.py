"""The `hotline` command: run, demo, emulator, db upgrade, export, sitrep, keys, erase-expired,
duplicates scan."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import shutil
import signal
import sys
from collections.abc import Sequence
from datetime import date
from typing import IO

from bot.config import Settings, SettingsError, load_settings
from bot.logs import guard_settings
from bot.services.exports import EXPORT_FORMATS, Written
from storage.crypto import DataKeyError
from storage.migrate import SchemaOutdated

DESCRIPTION = "A Telegram hotline for citizens in trouble abroad, run by their embassy."


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hotline", description=DESCRIPTION)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    run = sub.add_parser("run", help="run the bot against Telegram (needs HOTLINE_BOT_TOKEN)")
    run.add_argument("--framework", choices=("aiogram", "ptb"), help="overrides HOTLINE_FRAMEWORK")
    run.add_argument("--webhook", action="store_true", help="receive updates by webhook, not polling")
    demo = sub.add_parser("demo", help="try the hotline locally: emulator, bot and a terminal phone")
    demo.add_argument("--framework", choices=("aiogram", "ptb"), default="aiogram")
    demo.add_argument(
        "--database", default="var/demo.db", help="SQLite file for the demo (default %(default)s)"
    )
    emu = sub.add_parser("emulator", help="run the local Bot API emulator alone")
    emu.add_argument("--host", default="127.0.0.1")
    emu.add_argument("--port", type=int, default=8081)
    emu.add_argument("--token", default="123456789:hotline-emulator-token-000000000000")
    emu.add_argument("--no-limits", action="store_true", help="do not enforce Telegram's rate limits")
    db = sub.add_parser("db", help="database commands")
    db_sub = db.add_subparsers(dest="db_command", metavar="DB_COMMAND")
    db_sub.add_parser("upgrade", help="bring the database to the newest schema")
    exp = sub.add_parser("export", help="export the case list (CSV, XLSX, GeoJSON map, JSON in HTCDS names)")
    exp.add_argument("--format", required=True, choices=EXPORT_FORMATS, dest="fmt")
    exp.add_argument("--status", action="append", default=[], help="only this status (repeatable)")
    exp.add_argument("--tag", action="append", default=[], help="only cases with this tag (repeatable)")
    exp.add_argument(
        "--out",
        metavar="FILE",
        help="write to this new file, readable only by you (default: standard output)",
    )
    exp.add_argument("--force", action="store_true", help="replace FILE if it exists (never through a link)")
    exp.add_argument(
        "--find", metavar="VALUE", help="only cases with this NIK, passport number or phone number"
    )
    rep = sub.add_parser(
        "sitrep",
        help="the daily situation report: print it, or write it as a PDF",
        description="The daily situation report of a day (the mission's time zone): new reports and SOS "
        "that day, flights, and the totals at each stage and what waits on whom as they stand now. "
        "Figures only, never a name.",
    )
    rep.add_argument(
        "--date", metavar="YYYY-MM-DD", help="the day reported on (default: yesterday, the last full day)"
    )
    rep.add_argument(
        "--out",
        metavar="FILE.pdf",
        help="write the report as a PDF to this new file (default: print the text)",
    )
    rep.add_argument("--language", choices=("id", "en"), help="default: HOTLINE_OFFICER_LANGUAGE")
    rep.add_argument(
        "--force", action="store_true", help="replace FILE.pdf if it exists (never through a link)"
    )
    keys = sub.add_parser("keys", help="the data key that encrypts personal data at rest")
    keys_sub = keys.add_subparsers(dest="keys_command", metavar="KEYS_COMMAND")
    keys_sub.add_parser("new", help="print a fresh key (for HOTLINE_DATA_KEY)")
    rotate = keys_sub.add_parser("rotate", help="re-encrypt every personal value under a new key")
    rotate.add_argument("--batch", type=int, default=500, help="rows per transaction (default %(default)s)")
    dup = sub.add_parser("duplicates", help="likely duplicates: the same person reported twice")
    dup_sub = dup.add_subparsers(dest="dup_command", metavar="DUPLICATES_COMMAND")
    dup_sub.add_parser("scan", help="key every case's name and look for every likely duplicate pair")
    sub.add_parser(
        "erase-expired", help="erase the personal data of cases closed more than HOTLINE_RETENTION_DAYS ago"
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "run":
            overrides = {"framework": args.framework} if args.framework else {}
            settings = load_settings(**overrides)
            settings.require_token()
            guard_settings(settings)
            logging.getLogger().setLevel(settings.log_level)
            return asyncio.run(run(settings, webhook=args.webhook))
        if args.command == "demo":
            from bot.demo import demo

            return asyncio.run(demo(args.framework, args.database))
        if args.command == "emulator":
            return asyncio.run(emulator(args.host, args.port, args.token, not args.no_limits))
        if args.command == "db" and args.db_command == "upgrade":
            return asyncio.run(db_upgrade(load_settings()))
        if args.command == "export":
            return export_cases(
                load_settings(), args.fmt, args.status, args.tag, args.out, args.find, force=args.force
            )
        if args.command == "sitrep":
            return sitrep(load_settings(), args.date, args.out, args.language, force=args.force)
        if args.command == "keys" and args.keys_command == "new":
            from storage.crypto import new_key

            print(new_key())
            return 0
        if args.command == "keys" and args.keys_command == "rotate":
            from bot.keys import rotate

            return asyncio.run(rotate(load_settings(), max(1, args.batch)))
        if args.command == "erase-expired":
            return asyncio.run(erase_expired(load_settings()))
        if args.command == "duplicates" and args.dup_command == "scan":
            return asyncio.run(scan_duplicates(load_settings()))
    except (SettingsError, SchemaOutdated, DataKeyError) as exc:
        print(exc, file=sys.stderr)
        return 2
    parser().print_help()
    return 0 if args.command is None else 2


async def db_upgrade(settings: Settings) -> int:
    from bot.keys import keyring_for
    from storage.db import make_engine
    from storage.migrate import upgrade

    engine = make_engine(settings.database_url, keyring_for(settings))
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    print("The database is at the newest schema.")
    return 0


async def erase_expired(settings: Settings) -> int:
    from datetime import UTC, datetime

    from bot.keys import keyring_for
    from bot.services.drafts import expire_drafts
    from bot.services.retention import erase_expired
    from storage.db import make_engine, make_sessionmaker
    from storage.migrate import ensure_schema

    engine = make_engine(settings.database_url, keyring_for(settings))
    try:
        await ensure_schema(engine, settings.sqlite_path is not None)
        sessions = make_sessionmaker(engine)
        now = datetime.now(UTC)
        count = await erase_expired(sessions, settings.reference_prefix, now, settings.retention_days)
        drafts = await expire_drafts(sessions, now, settings.draft_days)
    finally:
        await engine.dispose()
    cases = "case" if count == 1 else "cases"
    print(f"Erased the personal data of {count} {cases} closed more than {settings.retention_days} days ago.")
    kind = "draft" if drafts == 1 else "drafts"
    print(f"Erased {drafts} {kind} untouched for more than {settings.draft_days} days.")
    return 0


async def scan_duplicates(settings: Settings) -> int:
    """`hotline duplicates scan`: name keys where missing, then every likely duplicate pair."""
    import time
    from datetime import UTC, datetime

    from bot.keys import keyring_for
    from bot.services.duplicate_scan import scan
    from storage.db import make_engine, make_sessionmaker
    from storage.migrate import ensure_schema

    engine = make_engine(settings.database_url, keyring_for(settings))
    started = time.perf_counter()
    try:
        await ensure_schema(engine, settings.sqlite_path is not None)
        done = await scan(make_sessionmaker(engine), datetime.now(UTC), lambda line: print(line, flush=True))
    finally:
        await engine.dispose()
    print(
        f"Compared {done.cases} cases in {time.perf_counter() - started:.1f} s: {done.pairs} likely "
        f"duplicate pairs open ({done.new} new); {done.keyed} cases had their names keyed."
    )
    return 0


def export_cases(
    settings: Settings,
    fmt: str,
    statuses: list[str],
    tags: list[str],
    out: str | None,
    find: str | None = None,
    force: bool = False,
) -> int:
    from pathlib import Path

    from bot.private_files import NotWritten, exists, write_private
    from bot.services.exports import ExportError, check_statuses

    try:
        check_statuses(statuses)
    except ExportError as exc:
        print(exc, file=sys.stderr)
        return 2
    if fmt == "xlsx" and out is None and sys.stdout.isatty():
        print(
            "An XLSX file cannot be shown in a terminal: give --out FILE or redirect the output.",
            file=sys.stderr,
        )
        return 2
    if out is not None and not force and (Path(out).exists() or Path(out).is_symlink()):
        print(exists(out), file=sys.stderr)  # before the work of the export, not after
        return 2
    import tempfile

    with tempfile.TemporaryFile() as content:  # no name on disk: it holds personal data
        written = asyncio.run(write_cases(settings, fmt, statuses, tags, content, find))
        content.seek(0)
        where = out or "standard output"
        try:
            if out is None:
                shutil.copyfileobj(content, sys.stdout.buffer)
                sys.stdout.flush()
            else:
                write_private(Path(out), content, force)
        except NotWritten as exc:
            print(exc, file=sys.stderr)
            return 2
        except OSError as exc:
            print(f"Could not write to {where}: {exc.strerror or exc}.", file=sys.stderr)
            return 1
    print(exported_line(written, where), file=sys.stderr)
    return 0


def exported_line(written: Written, where: str) -> str:
    """The one line on standard error: what the file holds (the map: its features, and the cases it
    could not place)."""
    count = written.rows
    cases = f"{count} {'case' if count == 1 else 'cases'}"
    if written.fmt == "geojson":
        return f"Exported {cases} on the map, {written.unplaced} without a place, to {where}."
    return f"Exported {cases} to {where}."


async def write_cases(
    settings: Settings,
    fmt: str,
    statuses: list[str],
    tags: list[str],
    out: IO[bytes],
    find: str | None = None,
) -> Written:
    """The cases into `out`, read and written a batch at a time."""
    from bot.keys import keyring_for
    from bot.services.exports import case_query, stream_cases, write_export
    from storage.db import make_engine, make_sessionmaker
    from storage.migrate import ensure_schema

    logging.getLogger("alembic").setLevel(logging.WARNING)  # stderr is for the one summary line
    engine = make_engine(settings.database_url, keyring_for(settings))
    try:
        await ensure_schema(engine, settings.sqlite_path is not None)
        async with make_sessionmaker(engine)() as session:
            query = await case_query(session, statuses, find=find)
            return await write_export(stream_cases(session, query, tags), fmt, settings.zone, out)
    finally:
        await engine.dispose()


async def render_cases(
    settings: Settings, fmt: str, statuses: list[str], tags: list[str], find: str | None = None
) -> tuple[bytes, int]:
    """The export as bytes, and how many cases it holds (small sets: tests)."""
    import io

    buffer = io.BytesIO()
    written = await write_cases(settings, fmt, statuses, tags, buffer, find)
    return buffer.getvalue(), written.rows


def sitrep(
    settings: Settings, day: str | None, out: str | None, language: str | None, force: bool = False
) -> int:
    """`hotline sitrep`: the report's text on standard output, or its PDF in a new private file."""
    from datetime import date
    from pathlib import Path

    from bot.private_files import NotWritten, exists, write_private

    try:
        chosen = date.fromisoformat(day) if day is not None else None
    except ValueError:
        print(f"--date {day} is not a day: give it as YYYY-MM-DD, such as 2026-01-25.", file=sys.stderr)
        return 2
    if out is not None:
        target = Path(out)
        if not force and (target.exists() or target.is_symlink()):
            print(exists(out), file=sys.stderr)
            return 2
        if not target.parent.is_dir():
            print(f"Cannot write {out}: the folder {target.parent} does not exist.", file=sys.stderr)
            return 2
    lang = language or settings.officer_language
    content, day_made = asyncio.run(render_sitrep(settings, chosen, lang, pdf=out is not None))
    if out is None:
        print(content.decode())
        return 0
    try:
        write_private(Path(out), content, force)
    except NotWritten as exc:
        print(exc, file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"Cannot write {out}: {exc.strerror or exc}.", file=sys.stderr)
        return 2
    print(f"Wrote the daily report of {day_made.isoformat()} to {out}.", file=sys.stderr)
    return 0


async def render_sitrep(settings: Settings, day: date | None, lang: str, pdf: bool) -> tuple[bytes, date]:
    from bot.core.clock import utc_now
    from bot.i18n import Catalogs
    from bot.keys import keyring_for
    from bot.services.sitreps import Sitreps
    from storage.db import make_engine, make_sessionmaker
    from storage.migrate import ensure_schema

    logging.getLogger("alembic").setLevel(logging.WARNING)
    engine = make_engine(settings.database_url, keyring_for(settings))
    try:
        await ensure_schema(engine, settings.sqlite_path is not None)
        sitreps = Sitreps(
            make_sessionmaker(engine), utc_now, Catalogs(settings.zone), settings.zone, settings.mission_name
        )
        chosen = day or sitreps.due_day()
        figures = await sitreps.figures(chosen)
    finally:
        await engine.dispose()
    content = sitreps.pdf(figures, lang) if pdf else sitreps.text(figures, lang).encode()
    return content, chosen


def stop_event() -> asyncio.Event:
    """An event set by SIGTERM or SIGINT: the runtime stops taking updates and finishes what it has."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def run(settings: Settings, webhook: bool) -> int:
    from bot.app import Hotline
    from bot.runtime import make_runtime
    from bot.runtime.lifecycle import freeze_startup_heap
    from storage.migrate import ensure_schema

    if webhook and not settings.webhook_url:
        raise SettingsError("HOTLINE_WEBHOOK_URL is not set: webhook mode needs the public https address.")
    hotline = Hotline.from_settings(settings)
    try:
        await ensure_schema(hotline.engine, settings.sqlite_path is not None)
        runtime = make_runtime(settings.framework)  # imports the framework
        freeze_startup_heap()
        await runtime(hotline, settings, stop_event(), mode="webhook" if webhook else "polling")
    finally:
        await hotline.close()
    return 0


async def emulator(host: str, port: int, token: str, limits: bool) -> int:
    from emulator import Limits
    from emulator.server import serve

    with contextlib.suppress(asyncio.CancelledError):
        await serve(host, port, token, Limits(enabled=limits))
    return 0


if __name__ == "__main__":
    sys.exit(main())
