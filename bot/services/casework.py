"""Working a case, as one API: the officer group's buttons and commands call these functions, and so
will the web console. Each function is one unit of work (it opens and commits its own transaction),
makes no Telegram call, and wakes the outbox sender when it queued messages (the card's edit, an
answer to the citizen). What to tell the person who acted is the caller's: these return facts."""

from __future__ import annotations

import asyncio
import csv
import io
import tempfile
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import IO, Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.actions import SendMessage
from bot.core.contact import ContactPref, may_write_first
from bot.core.stage import Stage
from bot.i18n import N_, Catalogs, Translator
from bot.services.alerts import Alerts, AlertSettings
from bot.services.cards import MESSAGE_LIMIT, card_text, details_text, trail_text
from bot.services.case_table import (
    PER_PAGE,
    CaseFilters,
    CasePage,
    EventFilters,
    EventPage,
    Point,
    Said,
    Today,
    event_kinds,
    list_cases,
    list_events,
    located,
    matching_ids,
    matching_query,
    takers,
    thread,
    today,
)
from bot.services.cases import Cases, link_message
from bot.services.exports import Case, Written, case_query, stream_cases, write_export
from bot.services.exports.tabular import inert
from bot.services.outbox import SENDING, enqueue, queued
from bot.services.overview import Overview, overview
from bot.services.reports import same_person
from bot.services.screening_desk import ScreeningDesk
from bot.services.sos import sos_state
from bot.services.stages import Moved, StageMove, StageProblem, check, move, moves, stage_counts
from storage.models import CaseMessage, Citizen, OutboxMessage, Report, ReportEvent
from storage.repositories import events_of

HISTORY_COLUMNS = ("reference", "who", "what", "detail", "when (UTC)")
MAPPING_POLLS, MAPPING_POLL_SECONDS = 50, 0.1  # how long a reply waits for a card being recorded


async def record_exported(
    session: AsyncSession, ids: Sequence[int], viewer: int, fmt: str, now: datetime
) -> None:
    """An export shows personal values: each case's history records it (who, when, which format),
    for every export, the flights' manifests too; in batches, however many cases."""
    actor, detail = f"officer:{viewer}", {"status": fmt}
    for start in range(0, len(ids), EVENTS_AT_ONCE):
        rows = [
            {"report_id": i, "actor": actor, "kind": "exported", "detail": detail, "at": now}
            for i in ids[start : start + EVENTS_AT_ONCE]
        ]
        await session.execute(insert(ReportEvent), rows)


@dataclass(frozen=True, slots=True)
class Officer:
    """Who acts: their Telegram user id, and the name shown on a case they take."""

    id: int
    name: str = ""


@dataclass(slots=True)
class Exported:
    """An export: what was written (`written.rows` cases, or the map's features, and
    `written.unplaced` left off the map) and the file, at its start, for the caller to send and close."""

    written: Written
    file: IO[bytes]


async def _no_cases() -> AsyncIterator[list[Case]]:
    return
    yield


EVENTS_AT_ONCE = 1000  # "exported" events inserted by one statement


@dataclass(frozen=True, slots=True)
class Acted:
    """A case acted on: its reference, and whether anything changed (False: it was so already)."""

    report_id: int
    reference: str
    changed: bool


class Relay(StrEnum):
    """What became of an officer's answer to a citizen."""

    QUEUED = "queued"  # on its way
    HELD = "held"  # the citizen has not said we may write first: it goes after their next message
    BLOCKED = "blocked"  # the citizen blocked the bot
    TOO_LONG = "too_long"  # with the mission's heading it is longer than a message holds
    NO_CASE = "no_case"


@dataclass(frozen=True, slots=True)
class Relayed:
    outcome: Relay
    reference: str = ""
    length: int = 0  # the message as the citizen would read it (for TOO_LONG)


TAKERS_KEPT = timedelta(minutes=1)


BY_FLIGHTS_ONLY = (Stage.ON_FLIGHT, Stage.DEPARTED)  # not by /stage or the stage form


class Casework:
    """The case rules, for every way in. `wake`: new outbox rows, the sender should look now."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        prefix: str,
        clock: Callable[[], datetime],
        alerts: AlertSettings,
        catalogs: Catalogs,
        mission: str,
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self.sessions = sessions
        self.prefix = prefix
        self.clock = clock
        self.alerts = alerts
        self.catalogs = catalogs
        self.mission = mission
        self.wake = wake
        self.screening = ScreeningDesk(sessions, clock, alerts, wake)  # /screen and the console's form
        self._takers: tuple[datetime, list[tuple[int, str]]] | None = None

    # -- reading ----------------------------------------------------------------------------------

    async def find(self, text: str, follow: bool = True) -> Report | None:
        """The case a reference names (`PNH-000123`, `pnh-123`, `123`), if there is one; a merged
        case's reference names the case kept unless `follow` is False."""
        async with self.sessions() as session:
            return await Cases(session, self.prefix, self.clock()).find(text, follow)

    async def table(self, filters: CaseFilters, page: int = 1, per_page: int = PER_PAGE) -> CasePage:
        """The cases the filters keep, a page at a time (the console's table)."""
        async with self.sessions() as session:
            return await list_cases(session, filters, self.prefix, page, per_page)

    async def located(self, filters: CaseFilters) -> list[Point]:
        """The located cases the filters keep (the console's map)."""
        async with self.sessions() as session:
            return await located(session, filters, self.prefix)

    async def today(self) -> Today:
        """Open SOS first, and the counts by status and priority (the console's Today)."""
        async with self.sessions() as session:
            return await today(session)

    async def history_of_all(self, filters: EventFilters, page: int = 1) -> tuple[EventPage, list[str]]:
        """Every change and every view of personal values, newest first, and the kinds there are."""
        async with self.sessions() as session:
            return await list_events(session, filters, self.prefix, page), await event_kinds(session)

    async def history_csv(self, filters: EventFilters) -> tuple[int, bytes]:
        """The history `history_of_all` lists, every page of it, as CSV (the count, the file)."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(HISTORY_COLUMNS)
        page, total = 1, 0
        async with self.sessions() as session:
            while True:
                found = await list_events(session, filters, self.prefix, page)
                for row in found.rows:
                    cells = (
                        row.reference,
                        row.actor,
                        row.kind,
                        row.detail,
                        row.at.isoformat(timespec="seconds"),
                    )
                    writer.writerow([inert(cell) for cell in cells])
                total = found.total
                if page >= found.pages:
                    break
                page += 1
        return total, out.getvalue().encode("utf-8-sig")

    async def open_cases(self, priority: str | None = None, officer: int | None = None) -> list[Report]:
        """Open cases, SOS first, then by priority; only `officer`'s when given."""
        async with self.sessions() as session:
            return await Cases(session, self.prefix, self.clock()).open_cases(priority, officer)

    async def details(self, report_id: int, t: Translator) -> str | None:
        """Everything the citizen gave (personal: send it protected, link it as "personal")."""
        async with self.sessions() as session:
            report = await session.get(Report, report_id)
            return details_text(report, t, await same_person(session, report)) if report else None

    async def view_personal(self, report_id: int, viewer: Officer, t: Translator) -> str | None:
        """`details`, for someone who asked to see them: the view is an event of the case's history."""
        async with self.sessions() as session, session.begin():
            report = await session.get(Report, report_id)
            if report is None:
                return None
            Cases(session, self.prefix, self.clock()).log(report, viewer.id, "personal_viewed")
            return details_text(report, t, await same_person(session, report))

    async def history(self, report_id: int, t: Translator) -> str | None:
        """The case's card and its history, as /case shows them."""
        async with self.sessions() as session:
            report = await session.get(Report, report_id)
            if report is None:
                return None
            citizen = await session.get(Citizen, report.citizen_id)
            pref = citizen.contact_pref if citizen else ContactPref.UNSET
            card = card_text(report, pref, t, await sos_state(session, report.id))
            return f"{card}\n\n{trail_text(await events_of(session, report.id), t)}"

    async def matching(self, filters: CaseFilters) -> tuple[int, list[int]]:
        """How many cases the table's filters keep, and the ids of those one confirmation changes."""
        async with self.sessions() as session:
            return await matching_ids(session, filters, self.prefix)

    async def overview(self, zone: ZoneInfo) -> Overview:
        """Today's figures beyond the open SOS: open cases by city, passport and safety, new reports
        per day, the outbox's health, the broadcasts under way."""
        async with self.sessions() as session:
            return await overview(session, self.clock(), zone)

    async def thread(self, report_id: int) -> list[Said]:
        """The conversation with the citizen about the case, oldest first."""
        async with self.sessions() as session:
            return await thread(session, report_id)

    async def takers(self) -> list[tuple[int, str]]:
        """The officers who have cases: (id, name). Read through every assigned case, so kept for a
        minute: the table shows it on every page, and a new name may wait that long."""
        now = self.clock()
        if self._takers is not None and now - self._takers[0] < TAKERS_KEPT:
            return self._takers[1]
        async with self.sessions() as session:
            found = await takers(session)
        self._takers = (now, found)
        return found

    async def export(self, filters: CaseFilters, fmt: str, viewer: Officer, zone: ZoneInfo) -> Exported:
        """Exactly the cases the filters keep, in one of EXPORT_FORMATS, streamed into a temporary
        file (no name on disk) a batch at a time; each case's history records the export."""
        async with self.sessions() as session:
            query = matching_query(session, filters, self.prefix)
            return await self._export(session, query, fmt, viewer, zone)

    async def export_all(self, fmt: str, zone: ZoneInfo, viewer: Officer) -> Exported:
        """Every case (the officers' /export: a spreadsheet)."""
        async with self.sessions() as session:
            return await self._export(session, await case_query(session), fmt, viewer, zone)

    async def _export(
        self, session: AsyncSession, query: Select[Report] | None, fmt: str, viewer: Officer, zone: ZoneInfo
    ) -> Exported:
        out = tempfile.TemporaryFile()  # noqa: SIM115 (the caller sends it, then closes it)
        try:
            batches = stream_cases(session, query) if query is not None else _no_cases()
            written = await write_export(batches, fmt, zone, out)
            await session.rollback()  # the read ends before the history is written
            await self._exported(written.ids, viewer, fmt)
        except BaseException:
            out.close()
            raise
        out.seek(0)
        return Exported(written, out)

    async def _exported(self, ids: list[int], viewer: Officer, fmt: str) -> None:
        async with self.sessions() as session, session.begin():
            await record_exported(session, ids, viewer.id, fmt, self.clock())

    # -- changing ---------------------------------------------------------------------------------

    async def acknowledge(self, report_id: int, officer: Officer) -> Acted | None:
        """The case, and every SOS of it still waiting, acknowledged (each an event of its own)."""
        return await self._change(
            report_id, lambda cases, report: cases.acknowledge(report, officer.id), officer
        )

    async def take(self, report_id: int, officer: Officer) -> Acted | None:
        """The case is the officer's (acknowledged too, with its SOS)."""
        self._takers = None  # they may be new among those who have cases
        name = officer.name or str(officer.id)
        return await self._change(
            report_id, lambda cases, report: cases.take(report, officer.id, name), officer
        )

    async def note(self, report_id: int, officer: Officer, text: str) -> Acted | None:
        async with self.sessions() as session, session.begin():
            cases = Cases(session, self.prefix, self.clock())
            report = await cases.get(report_id)
            if report is None:
                return None
            cases.note(report, officer.id, text)
        return Acted(report.id, report.reference or "", True)

    async def set_status(self, report_id: int, officer: Officer, status: str) -> Acted | None:
        """False `changed`: the status was so already, or is not a status (see cards.STATUSES)."""
        return await self._change(
            report_id, lambda cases, report: cases.set_status(report, officer.id, status)
        )

    async def tag(self, report_id: int, officer: Officer, label: str) -> Acted | None:
        """False `changed`: tagged so already, or not a tag (one word: small letters, digits, dashes)."""
        return await self._change(report_id, lambda cases, report: cases.tag(report, officer.id, label))

    async def assign(self, report_id: int, by: Officer, to: str) -> Acted | None:
        """The case given to the officer `to` names ("<officer id>:<name>")."""
        self._takers = None
        who, _, name = to.partition(":")
        if not who.isdigit():
            return None
        return await self._change(
            report_id, lambda cases, report: cases.assign(report, by.id, int(who), name or who)
        )

    async def change_many(self, report_ids: list[int], officer: Officer, what: str, value: str) -> int:
        """Tag (`what` "tag"), set the status of ("status") or assign ("assign", `value` is
        "<officer id>:<name>") many cases, each a change of its own with its event; how many changed
        (the others were so already)."""
        act = {"tag": self.tag, "status": self.set_status, "assign": self.assign}[what]
        changed = 0
        for report_id in report_ids:
            done = await act(report_id, officer, value)
            changed += bool(done and done.changed)
        return changed

    async def move_stage(
        self, report_id: int, officer: Officer, stage: str, facts: Mapping[str, object]
    ) -> Moved | None:
        """The case moved on its way home (services.stages.move), its card edited; None when there is
        no such case. StageProblem, with a sentence for the officer, when the facts will not do."""
        async with self.sessions() as session, session.begin():
            now = self.clock()
            report = await session.get(Report, report_id)
            if report is None:
                return None
            if stage in BY_FLIGHTS_ONLY:  # a seat, its notice and its check-in come with the flight
                raise StageProblem(
                    N_("A case goes on a flight, and departs with it, from the flight's page in the console.")
                )
            today = now.astimezone(self.catalogs["en"].zone).date()
            moved = await move(session, report, stage, officer.id, facts, now, today)
            if moved.changed:
                await Alerts(session, self.alerts, now).changed(report)
            wake = queued(session)
        if wake:
            self.wake()
        return moved

    async def move_many(
        self, report_ids: list[int], officer: Officer, stage: str, facts: Mapping[str, object]
    ) -> int:
        """Many cases moved to one stage with the same facts (the console's bulk action), each a move
        of its own with its event; how many moved (the others stood there already). StageProblem
        before any moves when the facts will not do."""
        if stage in BY_FLIGHTS_ONLY:
            raise StageProblem(
                N_("A case goes on a flight, and departs with it, from the flight's page in the console.")
            )
        check(stage, facts, self.clock().astimezone(self.catalogs["en"].zone).date())
        moved = 0
        for report_id in report_ids:
            try:
                done = await self.move_stage(report_id, officer, stage, facts)
            except StageProblem:  # this case cannot (a passenger of a planned flight): the others move
                continue
            moved += bool(done and done.changed)
        return moved

    def check_stage(self, stage: str, facts: Mapping[str, object]) -> dict[str, Any]:
        """The facts `stage` records, cleaned (StageProblem when they will not do), as a move would
        check them today: for a confirmation page before many moves."""
        return check(stage, facts, self.clock().astimezone(self.catalogs["en"].zone).date())

    async def stage_moves(self, report_id: int) -> list[StageMove]:
        """The case's moves on its way home, oldest first: who, when, from, to, the facts."""
        async with self.sessions() as session:
            return await moves(session, report_id)

    async def board(self) -> dict[str, int]:
        """How many cases stand at each stage (the console's board): one GROUP BY on the stage."""
        async with self.sessions() as session:
            return await stage_counts(session)

    async def _change(
        self, report_id: int, change: Callable[[Cases, Report], bool], acknowledging: Officer | None = None
    ) -> Acted | None:
        """One change of a case, its card edited when it changed; with `acknowledging`, every SOS of
        the case still waiting is acknowledged by that officer too."""
        async with self.sessions() as session, session.begin():
            now = self.clock()
            cases = Cases(session, self.prefix, now)
            report = await cases.get(report_id)
            if report is None:
                return None
            changed = change(cases, report)
            acknowledged = await cases.acknowledge_sos(report, acknowledging.id) if acknowledging else []
            if changed or acknowledged:
                alerts = Alerts(session, self.alerts, now)
                await alerts.changed(report)
                await alerts.acknowledged(report, acknowledged)
            wake = queued(session)
        if wake:
            self.wake()
        return Acted(report.id, report.reference or "", changed or bool(acknowledged))

    # -- the conversation with the citizen --------------------------------------------------------

    async def reply(self, report_id: int, officer: Officer, text: str) -> Relayed:
        """An officer's words to the citizen, in the mission's name (never the officer's), queued;
        held until the citizen writes when they have not said we may write first."""
        async with self.sessions() as session, session.begin():
            now = self.clock()
            report = await session.get(Report, report_id)
            citizen = await session.get(Citizen, report.citizen_id) if report else None
            if report is None or citizen is None:
                return Relayed(Relay.NO_CASE)
            reference = report.reference or ""
            relayed = self.relay_text(citizen.language or report.language, text)
            if citizen.unreachable_at is not None:
                return Relayed(Relay.BLOCKED, reference)
            if len(relayed) > MESSAGE_LIMIT:
                return Relayed(Relay.TOO_LONG, reference, len(relayed))
            held = not may_write_first(citizen.contact_pref)
            message = SendMessage(citizen.chat_id, relayed)
            await enqueue(
                session, action=message, chat_id=citizen.chat_id, kind="relay_out", priority=2,
                report_id=report.id, held=held, now=now,
            )  # fmt: skip
            Cases(session, self.prefix, now).log(report, officer.id, "officer_reply", text=text, held=held)
        self.wake()
        return Relayed(Relay.HELD if held else Relay.QUEUED, reference)

    def relay_text(self, lang: str, text: str) -> str:
        """An officer's words as the citizen reads them: from the mission, with no officer's name."""
        head = self.catalogs[lang](N_("🏛 Message from {mission}:"), mission=self.mission)
        return f"{head}\n\n{text}"

    async def link(self, chat_id: int, message_id: int | None, report_id: int, kind: str) -> None:
        """Keep a message just sent about a case: a reply to it reaches the citizen; a "personal" one
        is taken back when the citizen erases their data."""
        if message_id is None:
            return
        async with self.sessions() as session, session.begin():
            await link_message(session, chat_id, message_id, report_id, kind)

    async def case_of_message(self, chat_id: int, message_id: int) -> int | None:
        """The case a group message belongs to, if it is one of the bot's case messages.

        A card is on the group's screen a moment before the sender records which case it belongs
        to; an officer quick enough to answer in that moment must not lose the answer, so while a
        send to the group is still being recorded we wait for it (a few seconds at most).
        """
        for _ in range(MAPPING_POLLS):
            async with self.sessions() as session:
                # sends under way first, then the mapping: a send that ends in between commits its
                # mapping with its end, so the second read sees it (the other order could miss both)
                in_flight = await session.scalar(
                    select(OutboxMessage.id)
                    .where(OutboxMessage.chat_id == chat_id, OutboxMessage.status == SENDING)
                    .limit(1)
                )
                mapping = await session.get(CaseMessage, (chat_id, message_id))
            if mapping is not None:
                return mapping.report_id
            if in_flight is None:
                return None
            await asyncio.sleep(MAPPING_POLL_SECONDS)
        return None
