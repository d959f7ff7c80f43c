"""The cases table's work on many cases at once, over HTTP with the bot running: the filters for
safety, the day reported and who took a case; every case the filters find tagged or given to an
officer with one confirmation naming the count; and exactly the filtered set exported in each format,
each export recorded in the cases' history."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emulator import Emulator
from storage.models import Report, ReportEvent
from tests.broadcasts.seed import Person
from tests.console.office import office as staff_office
from tests.console.test_broadcasts import link
from tests.console.test_login_and_cases import browser, csrf_of, log_in
from tests.e2e.conftest import Running

GROUP, OFFICER, STAFF = -1001000000023, 9191, 9192
POIPET, BAVET = range(7401, 7416), range(7501, 7506)  # fifteen in Poipet, five in Bavet
NOW = datetime.now(UTC)


@pytest.fixture
def framework() -> str:
    return "aiogram"  # the table is the console's, the same on both runtimes (test_login… runs both)


async def _prepare(sessions: async_sessionmaker[AsyncSession], refs: dict[int, str]) -> None:
    async with sessions() as session, session.begin():
        # three in Poipet cannot leave on their own; two were reported ten days ago
        unsafe = [refs[u] for u in POIPET[:3]]
        await session.execute(update(Report).where(Report.reference.in_(unsafe)).values(safety="not_free"))
        old = [refs[u] for u in BAVET[:2]]
        await session.execute(
            update(Report).where(Report.reference.in_(old)).values(created_at=NOW - timedelta(days=10))
        )
        # four in Poipet shared their location
        located = await session.scalars(
            select(Report).where(Report.reference.in_([refs[u] for u in POIPET[:4]]))
        )
        for n, report in enumerate(located):
            report.latitude, report.longitude = 13.66 + n / 100, 102.56
        # Budi took one case in Bavet
        await session.execute(
            update(Report)
            .where(Report.reference == refs[BAVET[4]])
            .values(assigned_to=OFFICER, assigned_name="Budi", assigned_at=NOW, status="in_progress")
        )


@pytest.fixture
async def office(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    people = [Person(u, city="poipet", passport="held") for u in POIPET]
    people += [Person(u, city="bavet", passport="with_me") for u in BAVET]
    async with staff_office(
        emu, tmp_path, framework, people, NOW, GROUP, OFFICER, STAFF, prepare=_prepare
    ) as r:
        yield r


async def test_many_cases_at_once_and_exports_of_exactly_the_filtered_set(office: Running) -> None:
    base = office.settings.console_base
    async with browser() as http:
        assert (await log_in(http, await link(office, STAFF, "Dewi"))).status == 303

        async def counted(**query: str) -> str:
            async with http.get(f"{base}/cases", params=query) as listed:
                html = await listed.text()
            found = re.search(r"Cases found: (\d+)", html)
            return found.group(1) if found else html

        # Today: the open cases by city and by safety, new reports per day (the last 14 days)
        async with http.get(f"{base}/") as today:
            html = await today.text()
        assert re.search(r'city=poipet">Poipet</a></td><td class="n">15<', html)
        assert re.search(r'city=bavet">Bavet</a></td><td class="n">5<', html)
        assert re.search(r'safety=not_free">[^<]+</a></td><td class="n">3<', html)
        assert html.count('<rect class="bar"') == 14
        assert re.search(r"<title>[^<]+: 18</title>", html) and re.search(r"<title>[^<]+: 2</title>", html)
        assert "Broadcasts under way" in html

        async with http.get(f"{base}/", params={"part": "sos"}) as part:  # refreshed every 5 s
            html = await part.text()
        assert "SOS not acknowledged" in html and "Open cases by city" not in html
        async with http.get(f"{base}/", params={"part": "figures"}) as part:  # every minute
            html = await part.text()
        assert "Open cases by city" in html and "SOS not acknowledged" not in html

        # the filters
        assert await counted(safety="not_free") == "3"
        assert await counted(taken=str(OFFICER)) == "1"
        zone = office.settings.zone  # days begin at midnight in the mission's time zone
        day = (NOW - timedelta(days=10)).astimezone(zone).date().isoformat()
        assert await counted(since=day, until=day) == "2"
        assert await counted(since=(NOW - timedelta(days=1)).astimezone(zone).date().isoformat()) == "18"
        assert await counted(until="not-a-day") == "20"  # a bad day is no filter, and no error
        async with http.get(f"{base}/cases") as page:
            html = await page.text()
        assert f'<option value="{OFFICER}"' in html and ">Budi</option>" in html  # "Taken by" knows Budi
        token = csrf_of(html)

        # every case the filters find (more than a page could tick), with a confirmation naming the count
        back = "city=poipet"
        everyone = {"csrf": token, "back": back, "all": "1", "what": "tag", "tag": "wave-2"}
        async with http.post(f"{base}/cases/bulk", data=everyone) as asked:
            html = await asked.text()
        assert "Tag 15 cases with wave-2?" in html
        assert await counted(tag="wave-2") == "0"  # nothing yet
        confirm = everyone | {"confirm": "1", "count": "14"}  # a count that is no longer true
        async with http.post(f"{base}/cases/bulk", data=confirm) as again:
            assert "Tag 15 cases with wave-2?" in await again.text()  # asked again, with the true count
        async with http.post(f"{base}/cases/bulk", data=confirm | {"count": "15"}) as done:
            assert "Cases changed: 15" in await done.text()
        assert await counted(tag="wave-2") == "15"

        # handed out: the safety filter's three to Budi
        giving = {
            "csrf": token,
            "back": "safety=not_free",
            "all": "1",
            "what": "assign",
            "assign": str(OFFICER),
        }
        async with http.post(f"{base}/cases/bulk", data=giving) as asked:
            assert "Give 3 cases to Budi?" in await asked.text()
        async with http.post(f"{base}/cases/bulk", data=giving | {"confirm": "1", "count": "3"}) as done:
            assert "Cases changed: 3" in await done.text()
        assert await counted(taken=str(OFFICER)) == "4"
        forged = giving | {"assign": "424242", "confirm": "1", "count": "3"}
        async with http.post(f"{base}/cases/bulk", data=forged) as refused:
            assert refused.status == 400 and "Choose an officer from the list." in await refused.text()
        async with office.hotline.sessions() as session:
            assigned = (
                await session.scalars(select(ReportEvent.actor).where(ReportEvent.kind == "assigned"))
            ).all()
        assert assigned == [f"officer:{STAFF}"] * 3  # who handed them out

        # exports: exactly the filtered set, in each format
        async def exported(fmt: str, back: str) -> tuple[int, bytes, str]:
            form = {"csrf": token, "format": fmt, "back": back}
            async with http.post(f"{base}/cases/export", data=form) as answer:
                return answer.status, await answer.read(), answer.headers.get("Content-Disposition", "")

        status, body, disposition = await exported("csv", "city=poipet&safety=not_free")
        assert status == 200 and disposition.startswith('attachment; filename="cases-')
        rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
        assert len(rows) == 3 and {r["safety"] for r in rows} == {"not_free"}
        status, body, disposition = await exported("xlsx", "tag=wave-2")
        sheet = load_workbook(io.BytesIO(body), read_only=True).active
        assert sheet is not None and disposition.endswith('.xlsx"')
        assert len(list(sheet.iter_rows())) == 1 + 15
        status, body, _ = await exported("geojson", "city=poipet")
        geo = json.loads(body)
        assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 15  # every Poipet case
        precision = [f["properties"]["precision"] for f in geo["features"]]
        assert precision.count("pin") == 4 and precision.count("city") == 11  # no pin: at Poipet
        status, body, _ = await exported("json", "city=bavet")
        assert status == 200 and len(json.loads(body)["cases"]) == 5
        assert (await exported("exe", "city=bavet"))[0] == 400
        async with http.post(f"{base}/cases/export", data={"format": "csv"}) as forged_export:
            assert forged_export.status == 403  # no CSRF token: nothing exported

        async with office.hotline.sessions() as session:
            exports = await session.scalar(select(func.count()).where(ReportEvent.kind == "exported"))
        assert exports == 3 + 15 + 15 + 5  # each case of each export, in its history
        async with http.get(f"{base}/history", params={"kind": "exported"}) as history:
            assert "Events: 38" in await history.text()

        # History by case and by day
        async def events(**query: str) -> str:
            async with http.get(f"{base}/history", params=query) as listed:
                found = re.search(r"Events: (\d+)", await listed.text())
            return found.group(1) if found else ""

        assert await events(kind="exported", case="pnh-1") == "3"  # typed as officers type it
        assert await events(kind="exported", since="2020-01-01", until="2020-01-31") == "0"
        this_day = NOW.astimezone(office.settings.zone).date().isoformat()
        assert await events(kind="exported", since=this_day) == "38"
        async with http.get(f"{base}/history.csv", params={"case": "PNH-000001"}) as exported_history:
            lines = (await exported_history.text()).lstrip("\ufeff").splitlines()
        assert len(lines) > 1 and all(line.startswith("PNH-000001,") for line in lines[1:])
