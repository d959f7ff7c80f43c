"""The web console over HTTP, with the bot and the emulator running: a staff member asks the bot for
a link, logs in, finds a case and answers the citizen, whose chat receives it. Links that are not
valid, forms without their token and strangers are refused."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from emulator import Emulator
from storage.models import ReportEvent
from tests.e2e.conftest import Clock, Running, free_port, officer_desk
from tests.e2e.phone import Phone

GROUP, OFFICER, STAFF, STRANGER, CITIZEN = -1001000000017, 9171, 9172, 9173, 9174
READ = "An embassy officer will read your report and contact you here."


@pytest.fixture
async def desk(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    async with officer_desk(
        emu, tmp_path, framework, "polling", GROUP, OFFICER, STAFF, Clock(emu),
        console_port=free_port(), member_cache_seconds=0.0,
    ) as r:  # fmt: skip
        yield r


def browser() -> aiohttp.ClientSession:
    # the console is on 127.0.0.1: aiohttp keeps cookies of an IP address only when told to
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def link_for(desk: Running, user_id: int, name: str) -> str:
    emu = desk.emu
    person = emu.user(user_id, first_name=name, language_code="en")
    before = max((e.message_id for e in emu.transcript(user_id)), default=0)
    await emu.send_command(person, "console")
    answer = await emu.wait_for_bot_message(user_id, timeout=10, after=before)
    found = re.search(r"http://\S+", answer.text or "")
    return found.group(0) if found else ""


async def log_in(http: aiohttp.ClientSession, link: str) -> aiohttp.ClientResponse:
    async with http.get(link) as page:
        assert page.status == 200
        html = await page.text()
    token = re.search(r'name="token" value="([^"]+)"', html)
    assert token is not None, "the link's page has no button to log in"
    base = link.split("/login")[0]
    form = {"token": token.group(1), "lang": "en"}
    async with http.post(f"{base}/login", data=form, allow_redirects=False) as answer:
        return answer


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


async def test_staff_log_in_find_a_case_and_answer_the_citizen(desk: Running) -> None:
    emu = desk.emu
    phone = Phone(emu, CITIZEN, "en", desk.hotline.catalogs)
    await phone.skipping_report("yes", READ)
    await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=10)
    link = await link_for(desk, STAFF, "Dewi")
    assert link.startswith(desk.settings.console_base + "/login?token=") and link.endswith("&lang=en")
    async with browser() as http:
        answer = await log_in(http, link)
        assert answer.status == 303
        cookie = answer.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        base = desk.settings.console_base
        async with http.get(f"{base}/") as today:
            html = await today.text()
            assert today.status == 200 and "Cases by status" in html and "Dewi · staff" in html
            policy = today.headers["Content-Security-Policy"]
            assert "script-src 'self';" in policy
            assert "img-src 'self' data: https://tile.openstreetmap.org;" in policy  # the map's tiles
            assert today.headers["Referrer-Policy"] == "no-referrer"
        async with http.get(f"{base}/cases", params={"q": "pnh-1"}) as found:
            html = await found.text()
            assert "/cases/PNH-000001" in html and "Cases found: 1" in html
        async with http.get(f"{base}/cases/PNH-000001") as case:
            html = await case.text()
            assert case.status == 200 and "PNH-000001" in html
        token = csrf_of(html)
        after = phone.last_id()
        sent = {"csrf": token, "text": "Besok jam 9 ke KBRI, bawa KTP kalau ada."}
        async with http.post(f"{base}/cases/PNH-000001/answer", data=sent) as posted:
            assert posted.status == 200 and "on its way to the citizen" in await posted.text()
        message = await phone.expect("🏛 Message from {mission}:", after, mission="KBRI Phnom Penh")
        assert "Besok jam 9 ke KBRI" in (message.text or "") and "Dewi" not in (message.text or "")

        # personal values on a click, and the view is in the case's history
        async with http.post(f"{base}/cases/PNH-000001/personal", data={"csrf": token}) as shown:
            assert shown.status == 200
        async with desk.hotline.sessions() as session:
            kinds = (
                await session.scalars(select(ReportEvent.kind).where(ReportEvent.actor == f"officer:{STAFF}"))
            ).all()
        assert "personal_viewed" in kinds and "officer_reply" in kinds

        # the map's data: the located cases the filters keep
        async with http.get(f"{base}/map.json") as points:
            assert await points.json() == [["PNH-000001", "P3", False, 11.5564, 104.9282]]
        async with http.get(f"{base}/map.json", params={"priority": "P1"}) as none:
            assert await none.json() == []

        # the history of every case: who saw personal values, and when; as CSV too
        async with http.get(f"{base}/history", params={"kind": "personal_viewed"}) as seen:
            html = await seen.text()
            assert "PNH-000001" in html and f"officer:{STAFF}" in html and "Events: 1" in html
        async with http.get(f"{base}/history.csv", params={"actor": f"officer:{STAFF}"}) as exported:
            lines = (await exported.text()).lstrip("\ufeff").splitlines()
            assert exported.headers["Content-Disposition"].startswith("attachment")
        assert lines[0] == "reference,who,what,detail,when (UTC)"
        assert {line.split(",")[2] for line in lines[1:]} >= {"personal_viewed", "officer_reply"}

        # a form without its token changes nothing
        async with http.post(f"{base}/cases/PNH-000001/answer", data={"text": "forged"}) as forged:
            assert forged.status == 403
        await desk.settled()
        assert not any("forged" in (e.text or "") for e in emu.bot_messages(CITIZEN))

        # the table's filters: the form's names, the cases they keep
        async def counted(**query: str) -> str:
            async with http.get(f"{base}/cases", params=query) as listed:
                html = await listed.text()
            count = re.search(r"Cases found: (\d+)", html)
            return count.group(1) if count else html

        assert await counted(lang="en") == "1" and await counted(passport="held") == "0"
        assert await counted(city="poipet") == "0" and await counted(lang="id") == "0"
        assert await counted(mine="1") == "0"
        async with http.post(f"{base}/cases/PNH-000001/take", data={"csrf": token}) as taken:
            assert taken.status == 200
        assert await counted(mine="1", sort="newest") == "1"

        # many at once: nothing changes before the confirmation, a wrong tag is refused
        case_id = re.search(r'name="ids" value="(\d+)"', await (await http.get(f"{base}/cases")).text())
        assert case_id is not None
        ticked = {"csrf": token, "ids": case_id.group(1), "what": "tag", "tag": "wave-1"}
        async with http.post(f"{base}/cases/bulk", data=ticked) as asked:
            assert asked.status == 200 and "Tag 1 cases with wave-1?" in await asked.text()
        assert await counted(tag="wave-1") == "0"
        async with http.post(f"{base}/cases/bulk", data=ticked | {"tag": "Wave 1!"}) as wrong:
            assert wrong.status == 400
        async with http.post(f"{base}/cases/bulk", data=ticked | {"confirm": "1"}) as done:
            assert "Cases changed: 1" in await done.text()
        assert await counted(tag="wave-1") == "1"

        # logging out ends the session
        async with http.post(f"{base}/logout", data={"csrf": token}, allow_redirects=False) as out:
            assert out.status == 303
        async with http.get(f"{base}/cases", allow_redirects=False) as again:
            assert again.status == 303 and again.headers["Location"] == "/login"


async def test_links_that_are_reused_expired_or_asked_by_a_stranger_open_nothing(desk: Running) -> None:
    emu = desk.emu
    link = await link_for(desk, STAFF, "Dewi")
    async with browser() as http:
        assert (await log_in(http, link)).status == 303
    async with browser() as http:  # the same link a second time
        assert (await log_in(http, link)).status == 403
    late = await link_for(desk, OFFICER, "Budi")
    assert isinstance(desk.clock, Clock)
    desk.clock.advance(6 * 60)  # older than 5 minutes
    async with browser() as http:
        assert (await log_in(http, late)).status == 403
    stranger = await link_for(desk, STRANGER, "Orang")
    assert stranger == ""  # refused in the chat: no link at all
    refusal = emu.bot_messages(STRANGER)[-1].text or ""
    assert "only the embassy's staff and duty officers" in refusal
    async with browser() as http:
        made_up = f"{desk.settings.console_base}/login?token=not-a-real-token"
        assert (await log_in(http, made_up)).status == 403
        async with http.get(f"{desk.settings.console_base}/", allow_redirects=False) as page:
            assert page.status == 303  # still nobody


async def test_an_officer_who_leaves_the_group_is_logged_out_at_once(desk: Running) -> None:
    """member_cache_seconds is 0 here: Telegram is asked on every request."""
    emu, base = desk.emu, desk.settings.console_base
    async with browser() as http:
        assert (await log_in(http, await link_for(desk, OFFICER, "Budi"))).status == 303
        async with http.get(f"{base}/cases", allow_redirects=False) as page:
            assert page.status == 200
        emu.set_member(GROUP, OFFICER, "left")
        async with http.get(f"{base}/cases", allow_redirects=False) as page:
            assert page.status == 303 and page.headers["Location"] == "/login"
        emu.set_member(GROUP, OFFICER, "member")  # back in the group: the old session stays ended
        async with http.get(f"{base}/cases", allow_redirects=False) as page:
            assert page.status == 303
