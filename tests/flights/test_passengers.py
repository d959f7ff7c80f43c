"""Passengers of a flight, end to end on both runtimes (the bot, the emulator, the console over HTTP
and, for the check-in, headless Chromium): each is told in their language, one who asked to be
written to only after they write gets it only after writing; "I will be there" / "I can't" are
counted on the flight's page; a forged button changes nothing; a time change is told again, a
removal is told; on the day /status shows a QR code that opens the check-in for a logged-in
officer, one tap boards, the same code then refuses; after departure the no-shows are listed."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import zxingcpp  # type: ignore[import-not-found]
from PIL import Image
from playwright.async_api import Browser, expect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emulator import Emulator, TranscriptEntry
from tests.console.office import office as staff_office
from tests.console.test_broadcasts import link
from tests.console.test_browser import browser, snapshot
from tests.console.test_login_and_cases import browser as http_browser
from tests.console.test_login_and_cases import csrf_of, log_in
from tests.e2e.conftest import Running
from tests.flights.seed import Traveller, people_of, prepare

GROUP, OFFICER, STAFF = -1001000000182, 9821, 9822
SITI, BUDI, RINA = 8301, 8302, 8303
TRAVELLERS = [
    Traveller(SITI, "Siti Aminah", lang="id"),
    Traveller(BUDI, "Budi Santoso", sex="male", pref="on_reply"),
    Traveller(RINA, "Rina Wati"),
]
WAIT = 15.0
ZONE = ZoneInfo("Asia/Phnom_Penh")
SEAT_ID = "kursi"  # the Indonesian notice, or its English fallback without compiled catalogs

__all__ = ["browser"]


@pytest.fixture
async def office(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    async def ready(sessions: async_sessionmaker[AsyncSession], refs: dict[int, str]) -> None:
        await prepare(sessions, refs, TRAVELLERS)

    async with staff_office(
        emu,
        tmp_path,
        framework,
        people_of(TRAVELLERS),
        datetime.now(UTC),
        GROUP,
        OFFICER,
        STAFF,
        ready,
        greet=True,  # each has written to the bot once (a chat exists)
    ) as r:
        yield r


def notices(emu: Emulator, user_id: int, flight: str) -> list[TranscriptEntry]:
    return [e for e in emu.bot_messages(user_id) if flight in (e.text or "")]


def typed(value: datetime) -> str:
    return value.astimezone(ZONE).strftime("%Y-%m-%dT%H:%M")


async def test_passengers_are_told_answer_and_board_with_their_code(
    office: Running, browser: Browser, tmp_path: Path
) -> None:
    emu, base = office.emu, office.settings.console_base
    departs = datetime.now(UTC) + timedelta(hours=3)
    form = {"kind": "flight", "departs": typed(departs), "carrier": "AirAsia", "number": "QZ 777",
            "origin": "Phnom Penh", "destination": "Jakarta", "seats": "5",
            "meet_at": typed(departs - timedelta(hours=2)), "meet_place": "KBRI gate",
            "bring": "One bag."}  # fmt: skip
    async with http_browser() as http:
        assert (await log_in(http, await link(office, STAFF, "Dewi"))).status == 303
        async with http.get(f"{base}/flights/new") as new_page:
            token = csrf_of(await new_page.text())
        async with http.post(
            f"{base}/flights/new", data={**form, "csrf": token}, allow_redirects=False
        ) as made:
            where = made.headers["Location"]
        number = int(where.rsplit("/", 1)[1])
        async with http.post(f"{base}{where}/add", data={"csrf": token, "references": "1 2 3"}) as added:
            assert "Added: 3" in await added.text()

        # Siti (Indonesian) and Rina are told at once; Budi only after he writes
        await emu.wait_for(lambda: bool(notices(emu, SITI, "QZ 777") and notices(emu, RINA, "QZ 777")), WAIT)
        [rina_notice] = notices(emu, RINA, "QZ 777")
        assert "Bring your SPLP or passport." in (rina_notice.text or "")
        assert "Be at KBRI gate" in (rina_notice.text or "")
        await office.settled()
        assert notices(emu, BUDI, "QZ 777") == []
        await emu.send_text(emu.user(BUDI, language_code="en"), "halo")
        await emu.wait_for(lambda: bool(notices(emu, BUDI, "QZ 777")), WAIT)

        # answers, counted on the flight's page; the notice shows the answer
        [siti_notice] = notices(emu, SITI, "QZ 777")
        assert SEAT_ID in (siti_notice.text or "") or "seat" in (siti_notice.text or "")
        await emu.press(emu.user(SITI), SITI, siti_notice.message_id, f"fl:{number}:yes")
        [budi_notice] = notices(emu, BUDI, "QZ 777")
        await emu.press(emu.user(BUDI), BUDI, budi_notice.message_id, f"fl:{number}:no")
        await emu.wait_for(
            lambda: any(e.edits and "✅" in (e.text or "") for e in emu.bot_messages(SITI)), WAIT
        )
        await emu.wait_for(lambda: any("can't come" in (e.text or "") for e in emu.bot_messages(BUDI)), WAIT)
        # a forged button (another flight's) changes nothing
        forged = await emu.press(
            emu.user(RINA), RINA, rina_notice.message_id, f"fl:{number + 40}:yes", force=True
        )

        def answer_to_forged() -> list[dict[str, object]]:
            return [a for a in emu.callback_answers if a["callback_query_id"] == forged["id"]]

        await emu.wait_for(lambda: bool(answer_to_forged()), WAIT)  # not the answer to an earlier press
        assert answer_to_forged()[0]["text"] == "This button is no longer active."
        await office.settled()
        async with http.get(f"{base}{where}") as shown:
            html = await shown.text()
        counts = re.search(r'<tr id="counts">(.*?)</tr>', html, re.S)
        assert counts is not None
        assert re.findall(r">(\d+)<", counts.group(1)) == ["5", "3", "1", "1", "1", "0"]

        # a time change is told again; a removal is told
        later = {**form, "departs": typed(departs + timedelta(minutes=30)), "csrf": token}
        async with http.post(f"{base}{where}/edit", data=later) as edited:
            assert "Passengers told of the change: 3" in await edited.text()
        await emu.wait_for(lambda: len(notices(emu, RINA, "QZ 777")) == 2, WAIT)
        assert "has changed" in (notices(emu, RINA, "QZ 777")[-1].text or "")
        # the change asks again: Siti answers the new notice
        await emu.wait_for(lambda: len(notices(emu, SITI, "QZ 777")) == 2, WAIT)
        changed = notices(emu, SITI, "QZ 777")[-1]
        await emu.press(emu.user(SITI), SITI, changed.message_id, f"fl:{number}:yes")
        await emu.wait_for(
            lambda: any(e.message_id == changed.message_id and e.edits for e in emu.bot_messages(SITI)), WAIT
        )
        async with http.post(f"{base}{where}/remove/3", data={"csrf": token}) as confirm:
            assert "Take PNH-000003 off" in await confirm.text()
        async with http.post(f"{base}{where}/remove/3", data={"csrf": token, "confirm": "1"}) as removed:
            assert "Taken off the flight" in await removed.text()
        await emu.wait_for(
            lambda: any("is cancelled" in (e.text or "") for e in emu.bot_messages(RINA)), WAIT
        )

    # on the day: /status shows Siti's check-in code
    await emu.send_command(emu.user(SITI, language_code="id"), "status")
    await emu.wait_for(lambda: any(e.kind == "photo" for e in emu.bot_messages(SITI)), WAIT)
    [photo] = [e for e in emu.bot_messages(SITI) if e.kind == "photo"]
    assert photo.document is not None and photo.protect_content
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(photo.document)))
    url = code.text
    assert url.startswith(f"{base}/checkin/")

    context = await browser.new_context(viewport={"width": 390, "height": 844})
    page = await context.new_page()
    await page.goto(url)  # not logged in yet: the login page says what to do
    await expect(page.get_by_text("Log in first: send /console to the bot")).to_be_visible()
    await page.goto(await link(office, OFFICER, "Budi"))
    await page.get_by_role("button", name="Open the console").click()
    await expect(page.get_by_role("heading", name="Siti Aminah")).to_be_visible()  # back to the check-in
    await expect(page.get_by_text("will be there")).to_be_visible()
    await snapshot(page, tmp_path, "check-in")
    await page.get_by_role("button", name="Boarded").click()
    await expect(page.get_by_text("Boarded at")).to_be_visible()
    await page.goto(url)
    await expect(page.get_by_text(re.compile(r"Already boarded at .* by Budi"))).to_be_visible()
    await page.set_viewport_size({"width": 1100, "height": 800})
    await page.goto(f"{base}{where}")  # officers see the flight: who answered, who boarded
    await expect(page.locator("#passengers")).to_contain_text("PNH-000001")
    await snapshot(page, tmp_path, "flight")
    await context.close()

    # departed: Budi did not board, he is listed
    async with http_browser() as http:
        assert (await log_in(http, await link(office, STAFF, "Dewi"))).status == 303
        async with http.get(f"{base}{where}") as flight_page:
            token = csrf_of(await flight_page.text())
        async with http.post(f"{base}{where}/depart", data={"csrf": token, "confirm": "1"}) as done:
            html = await done.text()
        assert "Marked as departed." in html
        no_shows = re.search(r'<section class="card warn" id="no-shows">(.*?)</section>', html, re.S)
        assert (
            no_shows is not None
            and "PNH-000002" in no_shows.group(1)
            and "PNH-000001" not in no_shows.group(1)
        )
