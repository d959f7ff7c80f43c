"""A case's page shows the way home as the citizen answered it (issue 18), on both runtimes."""

from __future__ import annotations

from tests.console.test_login_and_cases import CITIZEN, GROUP, STAFF, browser, desk, log_in
from tests.console.test_login_and_cases import link_for as link
from tests.e2e.conftest import Running
from tests.e2e.phone import FAMILY_QUESTION, PHONE_QUESTION, SAFETY_QUESTION, WAIT, Phone

__all__ = ["desk"]


async def test_the_case_page_shows_the_way_home(desk: Running) -> None:
    emu, base = desk.emu, desk.settings.console_base
    phone = Phone(emu, CITIZEN, "en", desk.hotline.catalogs)
    await phone.command("start", "Do you agree to continue?")
    await phone.tap("f:welcome:agree", "Is it safe for you to talk now?")
    await phone.tap("f:safe:yes", "Or choose the city:")
    await phone.locate(11.5564, 104.9282, "Where is your passport?")
    await phone.tap("f:passport:-", SAFETY_QUESTION)
    await phone.tap("f:safety:-", "What is your full name, as written in your passport?")
    for skip in ("full_name", "birth_date", "nik"):
        await phone.tap(f"f:{skip}:-", None)
    await phone.tap("f:home_province:33", PHONE_QUESTION)
    await phone.tap("f:phone:-", FAMILY_QUESTION)
    await phone.tap("f:family_contact:-", None)
    await phone.tap("f:companions:-", None)
    await phone.tap("f:going_home:unsure", None)
    await emu.wait_for_bot_message(CITIZEN, contains="Which city or regency", timeout=WAIT)
    await phone.say("Kabupaten Cilacap", None)
    await phone.pick("medical", ("illness",), None)
    await phone.tap("f:documents_held:none", None)
    await phone.tap("f:sex:male", "Is there anything else we should know?")  # alone: no children asked
    await phone.tap("f:notes:-", "Please check your report:")
    await phone.tap("sum:send", None)
    await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=WAIT)
    await desk.settled()
    async with browser() as http:
        assert (await log_in(http, await link(desk, STAFF, "Dewi"))).status == 303
        async with http.get(f"{base}/cases/PNH-000001") as page:
            html = await page.text()
    section = html[html.index("The way home") :]
    for line in ("Going home: not sure — Jawa Tengah, Kabupaten Cilacap", "Medical: illness",
                 "Documents: none", "Sex: male"):  # fmt: skip
        assert line in section
    assert "Children" not in section[: section.index("</section>")]
    assert html.startswith("<!") and "P2" in html  # ill: at least P2
