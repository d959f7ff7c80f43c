"""The console as a Telegram Mini App, over HTTP with the bot and the emulator running (both
runtimes): init data Telegram signed for staff or an officer opens a session and Today; a citizen's,
a forged or an old one opens nothing. With the console at an https address, `/console` also gives
staff and officers a menu button that opens it; citizens never get one."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from emulator import DEFAULT_TOKEN, Emulator
from tests.console.test_login_and_cases import CITIZEN, GROUP, OFFICER, STAFF, browser, desk, link_for
from tests.e2e.conftest import Clock, Running, free_port, officer_desk
from tests.support.webapp import person, signed

OTHER_BOT = "987654321:ZZHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
ONLY_STAFF = "only the embassy's staff and duty officers"
AGAIN = "Open it again from the bot's menu button, or type /console to the bot."
__all__ = ["desk"]  # the fixture of test_login_and_cases: an officer desk with its console
AGAIN_ID = "Silakan buka lagi lewat tombol menu bot, atau ketik /console ke bot."
PUBLIC_URL = "https://console.kbri.example"


def local(desk: Running) -> str:
    """Where the test reaches the console (behind nginx, console_url names the public address)."""
    return f"http://127.0.0.1:{desk.settings.console_port}"


async def open_app(http: aiohttp.ClientSession, desk: Running, init_data: str) -> tuple[int, dict[str, Any]]:
    """What the page's script does with the init data Telegram gave it."""
    async with http.post(f"{local(desk)}/app/login", json={"init_data": init_data}) as answer:
        return answer.status, await answer.json()


def now(desk: Running) -> float:
    assert desk.clock is not None
    return desk.clock().timestamp()


async def test_staff_and_officers_open_the_console_inside_telegram(desk: Running) -> None:
    base = local(desk)
    async with browser() as http:
        async with http.get(f"{base}/app") as page:  # no session needed for the page
            html = await page.text()
            assert page.status == 200 and 'src="/static/console-app.js"' in html
            assert "script-src 'self';" in page.headers["Content-Security-Policy"]
            assert "telegram.org/js" not in html  # nothing from Telegram's servers
        status, body = await open_app(http, desk, signed(DEFAULT_TOKEN, person(STAFF, "Dewi"), now(desk)))
        assert (status, body) == (200, {"go": "/"})
        async with http.get(f"{base}/") as today:
            html = await today.text()
            assert today.status == 200 and "Cases by status" in html and "Dewi · staff" in html
            assert "Log out" in html  # the session's language: Telegram's language_code, English
    async with browser() as http:
        budi = signed(DEFAULT_TOKEN, person(OFFICER, "Budi", "en"), now(desk))
        async with http.post(f"{base}/app/login", json={"init_data": budi}) as answer:
            assert answer.status == 200
            cookie = answer.headers["Set-Cookie"]
            assert "hotline_console=" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
        async with http.get(f"{base}/cases") as cases:
            assert cases.status == 200 and "Budi · officer" in await cases.text()


async def test_a_citizen_forged_or_old_init_data_opens_nothing(
    desk: Running, caplog: pytest.LogCaptureFixture
) -> None:
    base, emu = local(desk), desk.emu
    caplog.set_level(logging.INFO, logger="bot.services.console_access")
    await emu.send_text(emu.user(CITIZEN, first_name="Siti", language_code="en"), "halo")
    cases = [
        (signed(DEFAULT_TOKEN, person(CITIZEN, "Siti"), now(desk)), ONLY_STAFF),  # real, not staff
        (signed(OTHER_BOT, person(STAFF, "Dewi"), now(desk)), AGAIN),  # another bot's token
        (signed(DEFAULT_TOKEN, person(STAFF, "Dewi"), now(desk) - 6 * 60), AGAIN),  # six minutes old
        (signed(DEFAULT_TOKEN, person(STAFF, "Dewi"), now(desk) + 600), AGAIN),  # "from the future"
        (signed(DEFAULT_TOKEN, None, now(desk)), AGAIN_ID),  # no user: no language, Indonesian
        ("", AGAIN_ID),  # opened outside Telegram
    ]
    for init_data, sentence in cases:
        async with browser() as http:
            status, body = await open_app(http, desk, init_data)
            assert status == 403 and sentence in body["problem"], (init_data, body)
            assert len(http.cookie_jar) == 0
            async with http.get(f"{base}/", allow_redirects=False) as today:
                assert today.status == 303 and today.headers["Location"] == "/login"
    async with browser() as http:  # the init data in a form: not what the page sends
        form = {"init_data": signed(DEFAULT_TOKEN, person(STAFF, "Dewi"), now(desk))}
        async with http.post(f"{base}/app/login", data=form) as posted:
            assert posted.status == 403
        async with http.get(f"{base}/app/anything", allow_redirects=False) as other:  # only /app is open
            assert other.status == 303 and other.headers["Location"] == "/login"
    # each refusal is in the log with its reason; the data itself never is
    logged = caplog.text
    assert f"user {CITIZEN} refused (not_allowed)" in logged and "refused (forged)" in logged
    assert "refused (stale)" in logged and "refused (future)" in logged and "refused (no_user)" in logged
    assert "hash=" not in logged and "auth_date" not in logged and "Dewi" not in logged


async def test_no_menu_button_when_the_console_is_not_https(desk: Running) -> None:
    assert (await link_for(desk, STAFF, "Dewi")).startswith("http://")
    await desk.settled()
    assert desk.emu.count("setChatMenuButton") == 0 and desk.emu.menu_button(STAFF) is None


@pytest.fixture
async def public_desk(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    """The console behind an https address, as in production."""
    async with officer_desk(
        emu, tmp_path, framework, "polling", GROUP, OFFICER, STAFF, Clock(emu),
        console_port=free_port(), console_url=PUBLIC_URL, member_cache_seconds=0.0,
    ) as r:  # fmt: skip
        yield r


async def test_console_gives_staff_and_officers_a_menu_button_and_citizens_none(public_desk: Running) -> None:
    desk, emu = public_desk, public_desk.emu
    dewi = emu.user(STAFF, first_name="Dewi", language_code="en")
    await emu.send_command(dewi, "console")
    link = await emu.wait_for_bot_message(STAFF, contains=f"{PUBLIC_URL}/login?token=", timeout=10)
    assert link.protect_content
    await emu.wait_for(lambda: emu.menu_button(STAFF) is not None, timeout=10)
    app = {"url": f"{PUBLIC_URL}/app"}
    assert emu.menu_button(STAFF) == {"type": "web_app", "text": "Console", "web_app": app}

    await emu.send_command(emu.user(OFFICER, first_name="Budi", language_code="id"), "console")
    await emu.wait_for(lambda: emu.menu_button(OFFICER) is not None, timeout=10)
    assert emu.menu_button(OFFICER) == {"type": "web_app", "text": "Konsol", "web_app": app}

    await emu.send_command(emu.user(CITIZEN, first_name="Siti", language_code="en"), "console")
    await emu.wait_for_bot_message(CITIZEN, contains=ONLY_STAFF, timeout=10)  # refused in the chat
    await desk.settled()
    assert emu.menu_button(CITIZEN) is None

    # the officer leaves the group: their session ends, and the button leaves their chat
    budi = signed(DEFAULT_TOKEN, person(OFFICER, "Budi", "id"), now(desk))
    async with browser() as http:
        status, _ = await open_app(http, desk, budi)
        assert status == 200
        session = next(iter(http.cookie_jar)).value  # a Secure cookie: aiohttp keeps it for https only
        cookie = {"Cookie": f"hotline_console={session}"}
        async with http.get(f"{local(desk)}/cases", headers=cookie, allow_redirects=False) as page:
            assert page.status == 200
        emu.set_member(GROUP, OFFICER, "left")
        async with http.get(f"{local(desk)}/cases", headers=cookie, allow_redirects=False) as page:
            assert page.status == 303
    assert emu.menu_button(OFFICER) is None and emu.menu_button(STAFF) is not None
