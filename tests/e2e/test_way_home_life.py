"""One case's whole way home, end to end on both runtimes, across a restart: the citizen reports in
the chat; officers verify the identity, issue an SPLP and record the clearance with /stage; staff
put the case on a flight in the console; the citizen is told and answers "I will be there" while
the bot is down, and the answer counts once it is back; on the day /status gives the check-in
code, which a logged-in officer uses once; the flight departs, the case arrives; the citizen's
/status follows each step in plain words, the board and the daily report count the case home, and
/case lists every move in order."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import zxingcpp  # type: ignore[import-not-found]
from PIL import Image

from bot.config import Settings
from emulator import Emulator, TranscriptEntry
from tests.console.test_broadcasts import link
from tests.console.test_login_and_cases import browser as http_browser
from tests.console.test_login_and_cases import csrf_of, log_in
from tests.e2e.conftest import e2e_settings, free_port, running
from tests.e2e.phone import Phone
from tests.e2e.test_officers import report_to_the_end

GROUP, OFFICER, STAFF, CITIZEN = -1001000000418, 9418, 9419, 5418
WAIT = 15.0


@pytest.fixture
def settings(emu: Emulator, tmp_path: Path, framework: str) -> Settings:
    emu.create_group(GROUP, "Duty officers", [emu.user(OFFICER, first_name="Budi")])
    update = {"officer_chat_id": GROUP, "staff_ids": (STAFF,), "officer_language": "en",
              "console_port": free_port()}  # fmt: skip
    return e2e_settings(emu, tmp_path, framework, "polling").model_copy(update=update)


async def stage(emu: Emulator, args: str) -> str:
    after = max((e.message_id for e in emu.transcript(GROUP)), default=0)
    await emu.send_command(emu.user(OFFICER, first_name="Budi"), "stage", args=args, chat_id=GROUP)
    said = await emu.wait_for_bot_message(GROUP, contains="PNH-000001 is now at:", timeout=WAIT, after=after)
    return said.text or ""


async def status(emu: Emulator, words: str) -> str:
    after = max((e.message_id for e in emu.transcript(CITIZEN)), default=0)
    await emu.send_command(emu.user(CITIZEN, first_name="Siti", language_code="en"), "status")
    said = await emu.wait_for_bot_message(CITIZEN, contains=words, timeout=WAIT, after=after)
    return said.text or ""


def notices(emu: Emulator) -> list[TranscriptEntry]:
    return [e for e in emu.bot_messages(CITIZEN) if "QZ 418" in (e.text or "")]


def local(settings: Settings, value: datetime) -> str:
    return value.astimezone(settings.zone).strftime("%Y-%m-%dT%H:%M")


async def test_a_case_goes_home_from_the_report_to_the_arrival(emu: Emulator, settings: Settings) -> None:
    base = settings.console_base
    departs = datetime.now(UTC) + timedelta(hours=4)
    today = datetime.now(UTC).astimezone(settings.zone).date().isoformat()
    async with running(settings, emu) as desk:
        await report_to_the_end(Phone(emu, CITIZEN, "en", desk.hotline.catalogs))
        await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=WAIT)
        await status(emu, "Your report PNH-000001")

        await stage(emu, "PNH-000001 verified ktp")
        await status(emu, "We have checked who you are.")
        await stage(emu, f"1 splp B1234567 {today}")
        await status(emu, "Your travel document is ready.")
        await stage(emu, "1 cleared waived")
        await status(emu, "Immigration has cleared you to go home.")

        async with http_browser() as http:
            assert (await log_in(http, await link(desk, STAFF, "Dewi"))).status == 303
            async with http.get(f"{base}/flights/new") as page:
                token = csrf_of(await page.text())
            form = {"kind": "flight", "departs": local(settings, departs), "carrier": "AirAsia",
                    "number": "QZ 418", "origin": "Phnom Penh", "destination": "Jakarta", "seats": "2",
                    "meet_at": local(settings, departs - timedelta(hours=2)), "meet_place": "KBRI gate",
                    "bring": "One bag.", "csrf": token}  # fmt: skip
            async with http.post(f"{base}/flights/new", data=form, allow_redirects=False) as made:
                where = made.headers["Location"]
            async with http.post(f"{base}{where}/add", data={"csrf": token, "references": "PNH-000001"}) as r:
                assert "Added: 1" in await r.text()
        number = int(where.rsplit("/", 1)[1])
        await emu.wait_for(lambda: bool(notices(emu)), WAIT, what="the flight's notice")
        await status(emu, "You have a seat home")
        await desk.settled()

    # the bot is down when Siti answers: her answer waits at Telegram and counts once it is back
    [notice] = notices(emu)
    await emu.press(emu.user(CITIZEN), CITIZEN, notice.message_id, f"fl:{number}:yes")
    async with running(settings, emu) as desk:
        await emu.wait_for(
            lambda: any(e.message_id == notice.message_id and "✅" in (e.text or "") for e in notices(emu)),
            WAIT,
            what="the notice showing her answer",
        )

        # on the day: /status gives the check-in code; an officer uses it once
        after = max(e.message_id for e in emu.transcript(CITIZEN))
        await emu.send_command(emu.user(CITIZEN, language_code="en"), "status")
        await emu.wait_for(
            lambda: any(e.kind == "photo" and e.message_id > after for e in emu.bot_messages(CITIZEN)), WAIT
        )
        photo = [e for e in emu.bot_messages(CITIZEN) if e.kind == "photo"][-1]
        assert photo.document is not None
        [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(photo.document)))
        assert code.text.startswith(f"{base}/checkin/")
        async with http_browser() as http:
            assert (await log_in(http, await link(desk, OFFICER, "Budi"))).status == 303
            async with http.get(code.text) as page:
                html = await page.text()
                assert "Siti Aminah" in html and "QZ 418" in html
            async with http.post(code.text, data={"csrf": csrf_of(html)}) as boarded:
                assert "Boarded at" in await boarded.text()
            async with http.get(code.text) as again:
                assert re.search(r"Already boarded at .* by Budi", await again.text())

        async with http_browser() as http:
            assert (await log_in(http, await link(desk, STAFF, "Dewi"))).status == 303
            async with http.get(f"{base}{where}") as page:
                html = await page.text()
            assert "PNH-000001" in html and "Boarded" in html
            token = csrf_of(html)
            async with http.post(f"{base}{where}/depart", data={"csrf": token, "confirm": "1"}) as done:
                assert "Marked as departed." in await done.text()
        await status(emu, "You are on your way home.")
        said = await stage(emu, "1 arrived Soekarno-Hatta")
        assert "arrived at Soekarno-Hatta" in said
        home = await status(emu, "Welcome home!")
        assert "B1234567" not in home and "Budi" not in home

        # the embassy's figures count her home
        figures = await desk.hotline.sitreps.figures(datetime.now(UTC).astimezone(settings.zone).date())
        assert figures.stages["arrived"] == 1 and figures.stages["on_flight"] == 0
        async with http_browser() as http:
            assert (await log_in(http, await link(desk, STAFF, "Dewi"))).status == 303
            async with http.get(f"{base}/board") as board:
                html = await board.text()
        arrived = re.search(r'href="/cases\?stage=arrived"[^>]*>(.*?)</a>', html, re.S)
        assert arrived is not None and re.search(r">\s*1\s*<", arrived.group(1)), html

        # /case: every move in order, by whom
        after = max(e.message_id for e in emu.transcript(GROUP))
        await emu.send_command(emu.user(OFFICER, first_name="Budi"), "case", args="PNH-000001", chat_id=GROUP)
        history = await emu.wait_for_bot_message(GROUP, contains="History:", timeout=WAIT, after=after)
        text = history.text or ""
        moves = ["→ identity verified (KTP)", "→ SPLP issued B1234567", "→ cleared by immigration",
                 "→ on a flight", "→ departed", "→ arrived at Soekarno-Hatta"]  # fmt: skip
        places = [text.find(move) for move in moves]
        assert -1 not in places and places == sorted(places), text
