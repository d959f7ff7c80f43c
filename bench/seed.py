"""Cases of the 2026 Cambodia surge, written in bulk: for trying the console, and timing it.

    python -m bench.seed [--cases 30000] [--database URL] [--prefix PNH] [--seed 2026]

Each case is a citizen's report as the bot would have stored it: a city of the flow's (bot.flow.steps
CITIES), a location near it for most, the passport held, lost or with them, how they are, an SOS on
a few per cent (with its alert, waiting for an officer when the case is new), wave-1 … wave-9 tags
on the cases of the raids, and personal values (name, birth date, NIK, passport number, phone…)
encrypted under the database's data key, with the keyed hashes the console's search looks them up
by. Officers have worked the older cases: acknowledged, taken, moved on, tagged, noted, answered,
each change an event of the case's history. A few citizens reported twice (the same NIK and phone).
Cases stand at a stage of the way home that fits their status (bot.core.stage); flights home have
departed every few days with the cases that departed or arrived on board, and a few are planned in
the coming days with the cases "on a flight" as passengers (told; most answered that they come).

The rows are written in batches with multi-row inserts, not one report at a time through the
services: the values and hashes are the same (the same column types encrypt them, the keyring makes
the hashes as storage.models does on an insert), only the flow's round trips are skipped.

--database: the hotline's own by default (HOTLINE_DATABASE_URL, else var/hotline.db); its schema is
brought up to date first, and the data key is the one the bot would use with it (HOTLINE_DATA_KEY,
else the key file). The cases are added after whatever the database holds; stop the bot meanwhile.
Then `python -m bench.console serve --database URL` serves the console on it with a login link.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.config import load_settings
from bot.core.case import Status
from bot.flow.steps import CITIES, PASSPORT
from bot.keys import keyring_for
from bot.services.triage import priority
from bot.validators import COMMON_ORIGIN_CODES
from storage.crypto import Keyring
from storage.db import make_engine, make_sessionmaker
from storage.encrypted import keyring_of
from storage.migrate import upgrade
from storage.models import LOOKUPS, Citizen, Flight, FlightPassenger, Report, ReportEvent, SosAlert

BATCH = 2000
SPAN_DAYS = 120  # the surge so far
WAVES = 9  # the raids on the compounds, each a wave of reports within days
FIRST_USER_ID = 6_000_000_000  # Telegram user ids of the seeded citizens: this plus the citizen's id

# where the reports come from, and how many (weights); "other" is a town the flow does not list
CENTRES = {
    "phnom_penh": ((11.5564, 104.9282), 18),
    "sihanoukville": ((10.6253, 103.5234), 32),
    "bavet": ((11.0633, 106.1397), 18),
    "poipet": ((13.6591, 102.5647), 14),
    "koh_kong": ((11.6153, 102.9838), 8),
    "other": ((13.3633, 103.8564), 10),  # Siem Reap, O'Smach, Kampot… spread wider below
}
assert set(CENTRES) == {option.value for option in CITIES}
PASSPORTS = {"held": 45, "with_me": 24, "lost": 16, "expired": 9, "never": 6}
assert set(PASSPORTS) == {option.value for option in PASSPORT}
SAFETY = (("not_free",), ("free",), ("threatened",), ("not_free", "threatened"), ("police",), ("doctor",),
          ("not_free", "doctor"))  # fmt: skip
SAFETY_WEIGHTS = (40, 24, 12, 8, 7, 5, 4)
OFFICERS = ((9101, "Rina"), (9102, "Budi S."), (9103, "Dewi"), (9104, "Agus"), (9105, "Lestari"),
            (9106, "Hendra"), (9107, "Maya"), (9108, "Yusuf"), (9109, "Fitri"), (9110, "Joko"))  # fmt: skip
FIRST_NAMES = ("Andi", "Siti", "Budi", "Dewi", "Agus", "Rina", "Eko", "Wahyu", "Nur", "Putri", "Rizky",
               "Fajar", "Ayu", "Dimas", "Indah", "Yoga", "Sri", "Bayu", "Lina", "Hadi", "Ratna", "Arif",
               "Mega", "Teguh", "Wulan", "Ilham", "Nining", "Reza", "Tari", "Gilang")  # fmt: skip
LAST_NAMES = ("Saputra", "Wijaya", "Lestari", "Pratama", "Hidayat", "Setiawan", "Kurniawan", "Sari",
              "Nugroho", "Rahmawati", "Siregar", "Nasution", "Simanjuntak", "Harahap", "Susanto",
              "Wibowo", "Purnomo", "Handayani", "Maharani", "Ginting")  # fmt: skip
PLACES = ("Gedung C lantai 4, kompleks dekat kasino", "Kompleks KB, blok 3, dekat pasar malam",
          "Hotel lama di jalan ke pelabuhan", "Compound with blue gates, near the Chinese school",
          "Asrama belakang pom bensin", "Building 7, the compound by the river",
          "Dekat terminal bus")  # fmt: skip
NOTES = ("Disuruh kerja scam online, gaji tidak dibayar.", "Paspor ditahan agen, diminta tebusan 3000 USD.",
         "Sakit, tidak boleh keluar.", "Ada 4 orang lain dari Sumut di kamar yang sama.",
         "We were sold to another company last week.", "HP kadang diambil mandor malam hari.")  # fmt: skip
SAID = ("Tolong kami pak", "Kami dipindah ke gedung lain", "Sudah di luar, di depan minimarket",
        "Paspor saya masih di kantor", "Terima kasih, kapan bisa pulang?",
        "Please help, they took our phones")  # fmt: skip
OFFICER_NOTES = ("Called the family in Indramayu: confirmed.", "Police raid planned, do not contact first.",
                 "SPLP requested.", "Coordinating with IOM for the shelter.",
                 "Ticket booked via Bangkok.")  # fmt: skip
REPLIES = ("Kami sudah terima laporan Anda. Tetap tenang.", "Besok jam 9 ke KBRI, bawa KTP kalau ada.",
           "Tim kami menuju lokasi Anda.", "Mohon kirim lokasi terbaru.")  # fmt: skip
# the statuses a taken case went through after "in progress", to reach its status now
STATUS_STEPS: dict[str, tuple[str, ...]] = {
    "in_progress": (), "awaiting_documents": ("awaiting_documents",),
    "scheduled": ("awaiting_documents", "scheduled"),
    "repatriated": ("awaiting_documents", "scheduled", "repatriated"),
    "closed": ("closed",), "referred": ("referred",),
}  # fmt: skip
EXTRA_TAGS = ("minor", "pregnant", "trafficking", "needs-lawyer", "shelter", "iom")
# the stage of the way home a case of each status stands at (weights)
STAGES: dict[str, dict[str, int]] = {
    "new": {"reported": 1}, "acknowledged": {"reported": 1},
    "in_progress": {"reported": 50, "identity_verified": 50},
    "awaiting_documents": {"identity_verified": 40, "document_ready": 60},
    "scheduled": {"cleared": 45, "on_flight": 55},
    "repatriated": {"departed": 15, "arrived": 85},
    "closed": {"closed": 70, "staying": 30}, "referred": {"referred": 1},
}  # fmt: skip
PLANNED_FLIGHTS = 4  # in the next days
DEPARTED_EVERY = 4  # days between flights home so far


@dataclass(frozen=True, slots=True)
class Seeded:
    cases: int
    citizens: int
    events: int
    waiting_sos: int
    seconds: float


@dataclass(slots=True)
class Identity:
    """What a citizen gives about themself: the same on each of their reports."""

    citizen_id: int
    full_name: str
    birth_date: date
    nik: str | None
    home_province: str
    phone: str | None
    passport_number: str | None
    language: str


def pick(rng: random.Random, weighted: dict[str, int]) -> str:
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


class Maker:
    """The rows of one database's seeded cases, a batch at a time, with ids after those it holds."""

    def __init__(self, prefix: str, now: datetime, rng: random.Random, first: dict[str, int]) -> None:
        self.prefix, self.now, self.rng = prefix, now, rng
        self.next = dict(first)  # table -> the next id
        self.people: list[Identity] = []
        self.niks: set[str] = set()
        self.namer: Callable[[random.Random], str] | None = None
        self.waves = sorted(rng.uniform(3, SPAN_DAYS - 2) for _ in range(WAVES))[::-1]  # ages, wave-1 oldest
        self.waiting_sos = 0
        self.passengers: list[dict[str, Any]] = []  # the batch's seats on flights, taken by seed()
        self.flights = self._flights()
        self.planned = [f["id"] for f in self.flights if f["status"] == "planned"]
        self.departed = [f for f in self.flights if f["status"] == "departed"]

    def _flights(self) -> list[dict[str, Any]]:
        """The flights home: one every DEPARTED_EVERY days so far (departed), a few in the next days."""
        rows = []
        ages = [-(n + 1) * 1.5 for n in range(PLANNED_FLIGHTS)]
        ages += [float(d) for d in range(DEPARTED_EVERY, SPAN_DAYS, DEPARTED_EVERY)]
        for age in ages:
            departs = self.now - timedelta(days=age)
            planned = age < 0
            rows.append({
                "id": self._id("flights"), "kind": "flight" if self.rng.random() < 0.8 else "convoy",
                "departs_at": departs, "carrier": self.rng.choice(("GA", "QZ", "ID")),
                "number": str(self.rng.randint(100, 999)), "origin": "Phnom Penh", "destination": "Jakarta",
                "seats": 180, "status": "planned" if planned else "departed", "created_by": OFFICERS[0][0],
                "departed_at": None if planned else departs,
                "created_at": self.now - timedelta(days=max(age, 0) + 5), "updated_at": self.now,
            })  # fmt: skip
        return rows

    def _passenger(self, report: dict[str, Any], stage: str, created: datetime) -> dict[str, Any] | None:
        """A case on a planned flight (told; most answered) or one that flew on a departed flight."""
        rng = self.rng
        if stage == "on_flight" and self.planned:
            flight = rng.choice(self.planned)
            report["flight_id"] = flight
            told = min(self.now, created + timedelta(days=1))
            answered = rng.random() < 0.8
            return {"flight_id": flight, "report_id": report["id"], "added_by": OFFICERS[0][0],
                    "added_at": told, "told_at": told, "answer": "coming" if answered else None,
                    "answered_at": told if answered else None, "boarded_at": None}  # fmt: skip
        if stage in ("departed", "arrived"):
            after = [f for f in self.departed if f["departs_at"] > created] or self.departed[:1]
            if not after:
                return None
            flight = after[-1]
            report["flight_id"] = flight["id"]
            return {"flight_id": flight["id"], "report_id": report["id"], "added_by": OFFICERS[0][0],
                    "added_at": created, "told_at": created, "answer": "coming", "answered_at": created,
                    "boarded_at": flight["departs_at"]}  # fmt: skip
        return None

    def _id(self, table: str) -> int:
        found = self.next[table]
        self.next[table] = found + 1
        return found

    # -- a person ---------------------------------------------------------------------------------

    def _nik(self, born: date, female: bool) -> tuple[str, str]:
        rng = self.rng
        while True:
            province = rng.choice(COMMON_ORIGIN_CODES)
            day = born.day + (40 if female else 0)
            nik = (
                f"{province}{rng.randint(1, 30):02d}{rng.randint(1, 40):02d}"
                f"{day:02d}{born.month:02d}{born.year % 100:02d}{rng.randint(1, 9999):04d}"
            )
            if nik not in self.niks:
                self.niks.add(nik)
                return nik, province

    def _identity(self, citizen_id: int) -> Identity:
        rng = self.rng
        born = date(rng.randint(1972, 2007), rng.randint(1, 12), rng.randint(1, 28))
        nik, province = self._nik(born, female=rng.random() < 0.35)
        phone = (
            f"+628{rng.randint(11, 59)}{rng.randint(10_000_000, 99_999_999)}"
            if rng.random() < 0.9
            else f"+855{rng.randint(10, 99)}{rng.randint(100_000, 999_999)}"
        )
        letters = rng.choice(("A", "B", "C", "E", "X", "AB", "XC"))
        number = f"{letters}{rng.randint(0, 10 ** (8 - len(letters)) - 1):0{8 - len(letters)}d}"
        name = self.namer(rng) if self.namer else f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        return Identity(
            citizen_id, name, born,
            nik if rng.random() < 0.7 else None, province, phone if rng.random() < 0.88 else None,
            number if rng.random() < 0.55 else None, "en" if rng.random() < 0.15 else "id",
        )  # fmt: skip

    def _citizen(self, created: datetime) -> tuple[Identity, dict[str, Any] | None]:
        """Who reports: now and then someone who reported before (their old citizen row), else new."""
        if self.people and self.rng.random() < 0.04:
            return self.rng.choice(self.people[-500:]), None
        citizen_id = self._id("citizens")
        person = self._identity(citizen_id)
        self.people.append(person)
        rng = self.rng
        row = {
            "id": citizen_id, "telegram_user_id": FIRST_USER_ID + citizen_id,
            "chat_id": FIRST_USER_ID + citizen_id,
            "language": person.language if rng.random() < 0.6 else None,
            "consent_at": created, "contact_pref": rng.choices(("any", "on_reply", "unset"), (70, 20, 10))[0],
            "unreachable_at": created + timedelta(days=2) if rng.random() < 0.02 else None,
            "created_at": created, "updated_at": created,
        }  # fmt: skip
        return person, row

    # -- a case -----------------------------------------------------------------------------------

    def _age(self) -> tuple[timedelta, int | None]:
        """How long ago the report came, and the wave of raids it came with (None: on its own)."""
        rng = self.rng
        if rng.random() < 0.45:
            wave = rng.randrange(WAVES)
            return timedelta(days=max(0.01, self.waves[wave] - rng.expovariate(1 / 1.5))), wave + 1
        # reports come faster as the surge grows: more of them recently
        return timedelta(days=SPAN_DAYS * rng.random() ** 1.6), None

    def _status(self, age: timedelta) -> str:
        days = age.total_seconds() / 86400
        if days < 2:
            weights = {"new": 55, "acknowledged": 25, "in_progress": 20}
        elif days < 14:
            weights = {
                "new": 8,
                "acknowledged": 12,
                "in_progress": 40,
                "awaiting_documents": 25,
                "scheduled": 15,
            }
        else:
            weights = {"in_progress": 14, "awaiting_documents": 14, "scheduled": 10, "repatriated": 37,
                       "closed": 17, "referred": 8}  # fmt: skip
        return pick(self.rng, weights)

    def _where(self, report: dict[str, Any]) -> None:
        rng = self.rng
        city = pick(rng, {name: weight for name, (_, weight) in CENTRES.items()})
        (lat, lon), _ = CENTRES[city]
        spread = 0.5 if city == "other" else 0.03
        located, named = rng.random() < 0.8, rng.random() < 0.75
        if located:
            report["latitude"] = round(lat + rng.gauss(0, spread), 6)
            report["longitude"] = round(lon + rng.gauss(0, spread), 6)
            report["location_at"] = report["created_at"] + timedelta(minutes=rng.randint(0, 30))
        if named or (not located and rng.random() < 0.8):
            report["city"] = city
            if not located:
                report["place"] = rng.choice(PLACES)

    def case(
        self,
    ) -> tuple[dict[str, Any] | None, dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
        """One case: its citizen (None: one seeded before), its report, its SOS alerts, its events
        (and its seat on a flight, if any, in `self.passengers`)."""
        rng = self.rng
        age, wave = self._age()
        created = self.now - age
        person, citizen = self._citizen(created)
        report_id = self._id("reports")
        sos = rng.random() < 0.03
        short = sos and rng.random() < 0.3  # an SOS without the form (yet)
        status = self._status(age)
        passport = pick(rng, PASSPORTS) if rng.random() < 0.97 else None
        safety = ",".join(rng.choices(SAFETY, SAFETY_WEIGHTS)[0]) if rng.random() < 0.95 else None
        report: dict[str, Any] = {
            "id": report_id, "reference": f"{self.prefix}-{report_id:06d}", "citizen_id": person.citizen_id,
            "status": status, "priority": priority(sos, safety, passport), "sos": sos, "submitted": not short,
            "language": person.language, "profile_name": person.full_name.split()[0],
            "latitude": None, "longitude": None, "location_at": None, "city": None, "place": None,
            "passport_status": passport, "safety": safety, "tags": [],
            # the full form's answers (below): none in an SOS without the form
            "full_name": None, "birth_date": None, "nik": None, "home_province": None, "phone": None,
            "passport_number": None, "family_contact": None, "companions": None, "notes": None,
            "created_at": created, "updated_at": created,
            "stage": pick(rng, STAGES[status]), "stage_at": None, "flight_id": None,
        }  # fmt: skip
        if report["stage"] != "reported":
            report["stage_at"] = min(self.now, created + age * 0.6)
        passenger = self._passenger(report, report["stage"], created)
        self._where(report)
        if not short:  # the full form: who they are
            report.update(
                full_name=person.full_name, birth_date=person.birth_date, nik=person.nik,
                home_province=person.home_province, phone=person.phone,
                passport_number=person.passport_number if passport not in (None, "never") else None,
                family_contact=f"Ibu {rng.choice(FIRST_NAMES)}, 08{rng.randint(1_100_000_000, 1_399_999_999)}"
                if rng.random() < 0.6 else None,
                companions=rng.choice((0, 0, 1, 2, 3, 4, 5)),
                notes=rng.choice(NOTES) if rng.random() < 0.3 else None,
            )  # fmt: skip
        alerts: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []

        def event(actor: str, kind: str, at: datetime, **detail: Any) -> None:
            events.append(
                {
                    "report_id": report_id,
                    "actor": actor,
                    "kind": kind,
                    "detail": detail,
                    "at": min(at, self.now),
                }
            )

        if sos:
            event("citizen", "sos", created)
        if not short:
            event(
                "citizen",
                "submitted",
                created + timedelta(minutes=rng.randint(1, 20)),
                priority=report["priority"],
            )
        if rng.random() < 0.2:
            event(
                "citizen",
                "citizen_message",
                created + timedelta(hours=rng.uniform(0, 30)),
                text=rng.choice(SAID),
            )
        officer, name = rng.choice(OFFICERS)
        actor = f"officer:{officer}"
        worked = min(age, timedelta(hours=rng.uniform(0.2, 12)))
        at = created + worked
        if sos:
            alert = {"id": self._id("sos_alerts"), "report_id": report_id, "raised_at": created,
                     "alerted_at": created, "message_id": None, "escalated_at": None,
                     "acknowledged_at": None, "acknowledged_by": None}  # fmt: skip
            if status != Status.NEW:
                alert.update(acknowledged_at=at, acknowledged_by=officer)
                event(actor, "sos_acknowledged", at, sos=alert["id"], raised=created.isoformat())
            else:
                self.waiting_sos += 1
            alerts.append(alert)
        if status != Status.NEW:
            report.update(acknowledged_by=officer, acknowledged_at=at)
            event(actor, "acknowledged", at)
        if status not in (Status.NEW, Status.ACKNOWLEDGED):
            at += timedelta(minutes=rng.randint(5, 240))
            report.update(assigned_to=officer, assigned_name=name, assigned_at=min(at, self.now))
            event(actor, "taken", at)
            before = str(Status.IN_PROGRESS)
            for step in STATUS_STEPS[status]:
                at += max(timedelta(0), age - (at - created)) * rng.uniform(0.1, 0.5)  # of the time left
                event(actor, "status", at, status=step, before=before)
                before = step
        tags = [f"wave-{wave}"] if wave is not None else []
        if rng.random() < 0.06:
            tags.append(rng.choice(EXTRA_TAGS))
        for tag in tags:
            event(actor, "tag", created + worked, tag=tag)
        report["tags"] = tags
        if rng.random() < 0.15:
            event(actor, "note", created + worked, text=rng.choice(OFFICER_NOTES))
        if rng.random() < 0.2 and status != Status.NEW:
            event(actor, "officer_reply", created + worked, text=rng.choice(REPLIES), held=False)
        events.sort(key=lambda e: e["at"])  # ids in the order things happened, as the bot writes them
        for e in events:
            e["id"] = self._id("report_events")
        report["updated_at"] = events[-1]["at"] if events else created
        if passenger is not None:
            self.passengers.append(passenger)
        return citizen, report, alerts, events


def add_hashes(report: dict[str, Any], keyring: Keyring) -> None:
    """The keyed hashes of the NIK, passport number and phone, made as storage.models makes them on
    an insert (a bulk insert runs no ORM events): the console's search finds the case by them."""
    for kind, field, column in LOOKUPS:
        value = report.get(field)
        report[column] = keyring.lookup(kind, value.isoformat() if isinstance(value, date) else value)


async def _first_ids(session: AsyncSession) -> dict[str, int]:
    tables = {"citizens": Citizen.id, "reports": Report.id, "report_events": ReportEvent.id,
              "sos_alerts": SosAlert.id, "flights": Flight.id}  # fmt: skip
    return {
        name: int(await session.scalar(select(func.max(column))) or 0) + 1 for name, column in tables.items()
    }


async def _follow_sequences(session: AsyncSession, tables: list[str]) -> None:
    """PostgreSQL's id sequences start after the ids written here (SQLite needs nothing)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        await session.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        )


async def seed(
    engine: AsyncEngine,
    cases: int,
    prefix: str = "PNH",
    seed: int = 2026,
    now: datetime | None = None,
    batch: int = BATCH,
    progress: Callable[[int, int], None] = lambda done, total: None,
    namer: Callable[[random.Random], str] | None = None,
) -> Seeded:
    """Add `cases` cases to the database (its schema up to date), a batch a transaction."""
    started = time.perf_counter()
    keyring = keyring_of(engine.sync_engine.dialect)
    sessions = make_sessionmaker(engine)
    async with sessions() as session:
        first = await _first_ids(session)
    maker = Maker(prefix, now or datetime.now(UTC), random.Random(seed), first)
    maker.namer = namer  # real-looking names (bench.names), else the short lists above
    async with sessions() as session, session.begin():
        await session.execute(insert(Flight), maker.flights)
    citizens = events = 0
    for start in range(0, cases, batch):
        rows = [maker.case() for _ in range(min(batch, cases - start))]
        reports = [report for _, report, _, _ in rows]
        for report in reports:
            add_hashes(report, keyring)
        new_citizens = [citizen for citizen, _, _, _ in rows if citizen is not None]
        alerts = [alert for _, _, found, _ in rows for alert in found]
        trail = [event for _, _, _, found in rows for event in found]
        async with sessions() as session, session.begin():
            if new_citizens:
                await session.execute(insert(Citizen), new_citizens)
            await session.execute(insert(Report), reports)
            if alerts:
                await session.execute(insert(SosAlert), alerts)
            if trail:
                await session.execute(insert(ReportEvent), trail)
            if maker.passengers:
                await session.execute(insert(FlightPassenger), maker.passengers)
                maker.passengers = []
        citizens, events = citizens + len(new_citizens), events + len(trail)
        progress(start + len(rows), cases)
    async with sessions() as session, session.begin():
        await _follow_sequences(session, ["citizens", "reports", "report_events", "sos_alerts", "flights"])
    return Seeded(cases, citizens, events, maker.waiting_sos, time.perf_counter() - started)


def printer(done: int, total: int) -> None:
    print(f"  {done:,} of {total:,} cases", flush=True)


async def main(cases: int, database: str | None, prefix: str | None, seed_number: int) -> None:
    settings = load_settings(**({"database_url": database} if database else {}))
    prefix = prefix or settings.reference_prefix
    engine = make_engine(settings.database_url, keyring_for(settings))
    try:
        await upgrade(engine)
        print(
            f"Seeding {cases:,} cases into {engine.url.render_as_string()} ({engine.dialect.name})",
            flush=True,
        )
        done = await seed(engine, cases, prefix, seed_number, progress=printer)
    finally:
        await engine.dispose()
    print(
        f"{done.cases:,} cases of {done.citizens:,} citizens, {done.events:,} events, "
        f"{done.waiting_sos} SOS waiting, in {done.seconds:.1f} s"
    )
    print(f"The console on it: python -m bench.console serve --database {settings.database_url}")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.seed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=30_000)
    parser.add_argument("--database", help="the database URL (default: the hotline's own)")
    parser.add_argument("--prefix", help="the references' prefix (default: HOTLINE_REFERENCE_PREFIX, PNH)")
    parser.add_argument("--seed", type=int, default=2026, help="the random seed: the same cases each time")
    return parser.parse_args()


if __name__ == "__main__":
    args = arguments()
    asyncio.run(main(args.cases, args.database, args.prefix, args.seed))
