"""The referral rules through services.referrals on a real database: what is refused and how it is
said, the question held for a citizen who asked to be written to only after they write, the answer
only from the case's own citizen, the partner's file only after a yes, the exports' columns, the
daily report's count, and the erasure (/delete and retention) of the details and of an open ask."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.partners import load_partners
from bot.i18n import Catalogs
from bot.services.alerts import AlertSettings
from bot.services.casework import Casework, Officer
from bot.services.exports import load_cases, to_csv
from bot.services.exports.cases import enrich
from bot.services.referrals import ReferralProblem, Referrals
from bot.services.reports import Reports
from bot.services.retention import erase_expired
from bot.services.sitrep import figures
from bot.services.sitrep import text as sitrep_text
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from storage.models import OutboxMessage, Referral, Report, ReportEvent
from tests.broadcasts.seed import Person, seed
from tests.referrals.partners import IOM, NGO, PARTNERS_FILE
from tests.support.databases import database_url

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
ZONE = ZoneInfo("Asia/Phnom_Penh")
CATALOGS = Catalogs(ZONE)
T = CATALOGS["en"]
GROUP, BUDI = -100777, 7001
SAFE, QUIET, BLOCKED, OTHER = 1, 2, 3, 4


class World:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], refs: dict[int, str]) -> None:
        self.sessions, self.refs, self.now = sessions, refs, NOW
        alerts = AlertSettings(GROUP, (), "en", timedelta(minutes=2), timedelta(minutes=10))
        self.referrals = Referrals(sessions, lambda: self.now, CATALOGS, "KBRI Phnom Penh", alerts,
                                   load_partners(PARTNERS_FILE))  # fmt: skip
        self.casework = Casework(sessions, "PNH", lambda: self.now, alerts, CATALOGS, "KBRI Phnom Penh")

    async def case(self, user: int) -> Report:
        found = await self.casework.find(self.refs[user])
        assert found is not None
        return found

    async def outbox(self, chat_id: int) -> list[OutboxMessage]:
        async with self.sessions() as session:
            query = select(OutboxMessage).where(OutboxMessage.chat_id == chat_id).order_by(OutboxMessage.id)
            return list(await session.scalars(query))


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    engine = make_engine(database_url(tmp_path, "referrals"))
    await upgrade(engine)
    sessions = make_sessionmaker(engine)
    people = [Person(SAFE, lang="en"), Person(QUIET, pref="on_reply", lang="en"),
              Person(BLOCKED, unreachable=True), Person(OTHER)]  # fmt: skip
    refs = await seed(sessions, people, NOW)
    yield World(sessions, refs)
    await engine.dispose()


async def refused(
    world: World, user: int, partner: str, reasons: tuple[str, ...] = (), details: str = ""
) -> str:
    case = await world.case(user)
    with pytest.raises(ReferralProblem) as problem:
        await world.referrals.refer(case.id, BUDI, partner, reasons, details)
    return problem.value.said(T)


async def test_what_cannot_be_referred_is_said_plainly(world: World) -> None:
    assert (
        await refused(world, SAFE, "unicef")
        == "There is no partner unicef. The partners are: iom, ngo, polri."
    )
    assert await refused(world, SAFE, "polri", ("MigrationOrChangeOfLocation",)) == (
        "Bareskrim Polri, Direktorat Tindak Pidana PPA-PPO (example) does not offer that. It offers: Other."
    )
    assert "at most 2000 characters" in await refused(world, SAFE, "iom", details="x" * 2001)
    assert await refused(world, BLOCKED, "iom") == "The citizen has blocked the bot: they cannot be asked."
    async with world.sessions() as session:
        assert await session.scalar(select(Referral.id)) is None  # nothing was made


async def test_the_question_is_held_for_a_quiet_citizen_and_goes_at_once_to_a_safe_one(world: World) -> None:
    quiet = await world.referrals.refer((await world.case(QUIET)).id, BUDI, "IOM", (), "  shelter  ")
    safe = await world.referrals.refer((await world.case(SAFE)).id, BUDI, "ngo")
    assert quiet.held and not safe.held and quiet.partner == IOM
    [held] = await world.outbox(QUIET)
    [going] = await world.outbox(SAFE)
    assert held.status == "held" and going.status == "pending"
    assert held.payload["text"].endswith(f"May we pass your case to {IOM}?")
    buttons = [b["data"] for row in going.payload["markup"]["rows"] for b in row]
    assert buttons == [f"ref:{safe.referral_id}:yes", f"ref:{safe.referral_id}:no"]
    listed = await world.referrals.of_case((await world.case(QUIET)).id)
    assert [(r.status, r.details, r.reasons) for r in listed] == [
        ("asking", "shelter", ["AdditionalServicesRequired", "MigrationOrChangeOfLocation"])  # all it offers
    ]
    assert "is already being referred to" in await refused(world, QUIET, "iom")


async def test_only_the_case_s_citizen_answers_and_only_once(world: World) -> None:
    asked = await world.referrals.refer((await world.case(SAFE)).id, BUDI, "iom")
    data = f"ref:{asked.referral_id}:yes"
    assert await world.referrals.answer(OTHER, data) is None  # someone else's button
    assert await world.referrals.answer(SAFE, f"ref:{asked.referral_id}:perhaps") is None
    assert await world.referrals.partner_file(asked.referral_id, BUDI) is None  # not before the yes
    answered = await world.referrals.answer(SAFE, data)
    assert answered is not None and answered.status == "consented"
    assert "✅ You said yes. We will pass your case to" in answered.text
    assert await world.referrals.answer(SAFE, f"ref:{asked.referral_id}:no") is None  # final
    case = await world.case(SAFE)
    assert case.stage == "referred" and (case.journey or {})["referred_to"] == IOM
    told = [r for r in await world.outbox(GROUP) if r.kind == "referral_answer"]
    assert len(told) == 1 and "🤝 PNH-000001 agrees to be referred to" in told[0].payload["text"]
    assert await world.referrals.withdraw(asked.referral_id, BUDI) is None  # answered: nothing to take back


async def test_a_no_leaves_the_case_where_it_was_and_gives_no_file(world: World) -> None:
    asked = await world.referrals.refer((await world.case(SAFE)).id, BUDI, "ngo")
    answered = await world.referrals.answer(SAFE, f"ref:{asked.referral_id}:no")
    assert answered is not None and answered.status == "declined"
    assert (await world.case(SAFE)).stage == "reported"
    assert await world.referrals.partner_file(asked.referral_id, BUDI) is None
    told = [r for r in await world.outbox(GROUP) if r.kind == "referral_answer"]
    assert "🙅 PNH-000001 does not want to be referred to" in told[0].payload["text"]
    # the citizen's no does not stop another partner from being asked later, by an officer's choice
    again = await world.referrals.refer((await world.case(SAFE)).id, BUDI, "ngo")
    assert again.referral_id != asked.referral_id


async def test_the_spreadsheets_list_the_referrals_agreed_to(world: World) -> None:
    case = await world.case(SAFE)
    first = await world.referrals.refer(case.id, BUDI, "iom", ("MigrationOrChangeOfLocation",))
    await world.referrals.answer(SAFE, f"ref:{first.referral_id}:yes")
    second = await world.referrals.refer(case.id, BUDI, "ngo")
    await world.referrals.answer(SAFE, f"ref:{second.referral_id}:yes")
    await world.referrals.refer(case.id, BUDI, "polri")  # not answered: not in the exports
    async with world.sessions() as session:
        written = to_csv(await enrich(session, await load_cases(session)), ZONE)
    rows = {r["reference"]: r for r in csv.DictReader(io.StringIO(written.decode("utf-8-sig")))}
    row = rows["PNH-000001"]
    assert row["referral_partners"] == f"{IOM}; {NGO}"
    assert row["referral_reasons"] == "MigrationOrChangeOfLocation; AdditionalServicesRequired, Other"
    assert row["referral_dates"] == "2026-12-04; 2026-12-04"
    assert rows["PNH-000002"]["referral_partners"] == ""
    async with world.sessions() as session:
        counted = await figures(session, NOW.astimezone(ZONE).date(), NOW, ZONE)
    assert counted.referrals == (3, 2)
    assert "Referrals to partners: 3 asked, 2 agreed" in sitrep_text(counted, T)


async def test_delete_and_retention_erase_the_details_and_withdraw_an_open_ask(world: World) -> None:
    quiet = await world.case(QUIET)
    asked = await world.referrals.refer(quiet.id, BUDI, "iom", (), "Her brother is still inside")
    safe = await world.case(SAFE)
    agreed = await world.referrals.refer(safe.id, BUDI, "ngo", (), "Needs medicine")
    await world.referrals.answer(SAFE, f"ref:{agreed.referral_id}:yes")
    async with world.sessions() as session, session.begin():  # the citizen's /delete
        report = await session.get(Report, quiet.id)
        assert report is not None
        await Reports(session, "PNH", NOW).wipe(report, "citizen", "erased_by_citizen")
    [ask] = await world.referrals.of_case(quiet.id)
    assert ask.status == "withdrawn" and ask.details == ""
    [question] = await world.outbox(QUIET)
    assert question.status == "failed"  # the held question never goes
    async with world.sessions() as session:
        events = await session.scalars(select(ReportEvent).where(ReportEvent.kind == "referral_asked"))
        assert all("Her brother" not in str(e.detail) for e in events)
    assert await world.referrals.partner_file(asked.referral_id, BUDI) is None

    await world.casework.set_status(safe.id, Officer(BUDI), "closed")
    erased = await erase_expired(world.sessions, "PNH", NOW + timedelta(days=400), 180)
    assert erased >= 1
    [kept] = await world.referrals.of_case(safe.id)
    assert kept.status == "consented" and kept.details == "" and kept.partner_name == NGO  # who, whom, when
