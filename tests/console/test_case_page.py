"""A case's page over HTTP, with the bot running, on both runtimes: the conversation with the citizen
as a thread (their messages, the answers, a held answer marked held until they write), the status, a
note and a tag set from the page, the place on a small map, and bad input said plainly."""

from __future__ import annotations

import re

from tests.console.test_login_and_cases import CITIZEN, GROUP, STAFF, browser, csrf_of, desk, log_in
from tests.console.test_login_and_cases import link_for as link
from tests.e2e.conftest import Running
from tests.e2e.phone import Phone

__all__ = ["desk"]
HELD_READ = "We will only write to you right after you write to us."


async def test_the_thread_and_the_changes_on_a_case_page(desk: Running) -> None:
    emu, base = desk.emu, desk.settings.console_base
    phone = Phone(emu, CITIZEN, "en", desk.hotline.catalogs)
    await phone.skipping_report("on_reply", HELD_READ)  # "only after I write": answers wait
    await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=10)
    await emu.send_text(emu.user(CITIZEN), "Bos ambil HP saya tadi malam")
    await desk.settled()
    async with browser() as http:
        assert (await log_in(http, await link(desk, STAFF, "Dewi"))).status == 303
        async with http.get(f"{base}/cases/PNH-000001") as page:
            html = await page.text()
        token = csrf_of(html)
        assert "Bos ambil HP saya tadi malam" in html and 'data-here="11.5564,104.9282"' in html
        after = phone.last_id()
        answer = {"csrf": token, "text": "Kami sudah terima. Tetap di tempat aman."}
        async with http.post(f"{base}/cases/PNH-000001/answer", data=answer) as sent:
            html = await sent.text()
        assert "Held: the citizen asked to be written to only after they write." in html
        assert "held: goes when they next write" in html
        thread = html[html.index("Conversation with the citizen") :]
        assert thread.index("Bos ambil HP") < thread.index("Kami sudah terima")  # oldest first
        await desk.settled()
        assert not any("Kami sudah terima" in (e.text or "") for e in emu.bot_messages(CITIZEN)[-3:])
        await emu.send_text(emu.user(CITIZEN), "Halo, saya sudah aman")
        await phone.expect("🏛 Message from {mission}:", after, mission="KBRI Phnom Penh")
        await desk.settled()
        async with http.get(f"{base}/cases/PNH-000001") as page:
            html = await page.text()
        assert "was held, sent after they wrote" in html and "held: goes when they next write" not in html

        # the status, a note and a tag from the page
        changes = (("status", "awaiting_documents"), ("note", "Paspor di bos, 1/2 gaji"), ("tag", "wave-4"))
        for what, value in changes:
            form = {"csrf": token, "value": value}
            async with http.post(f"{base}/cases/PNH-000001/{what}", data=form) as done:
                assert done.status == 200 and "Saved." in await done.text()
        async with http.get(f"{base}/cases/PNH-000001") as page:
            html = await page.text()
        assert "awaiting documents" in html and "Paspor di bos, 1/2 gaji" in html and "wave-4" in html
        bad = [
            ("tag", "Wave 4!", "A tag is one word"), ("note", "", "Write the note first"),
            ("status", "gone", "Choose a status."),
        ]  # fmt: skip
        for what, value, said in bad:
            form = {"csrf": token, "value": value}
            async with http.post(f"{base}/cases/PNH-000001/{what}", data=form) as refused:
                html = await refused.text()
            assert refused.status == 400 and said in html, what
            if what == "tag":
                assert 'value="Wave 4!"' in html  # what was typed is kept
        async with http.post(f"{base}/cases/PNH-000001/note", data={"value": "forged"}) as forged:
            assert forged.status == 403
        async with http.post(f"{base}/cases/PNH-000001/delete", data={"csrf": token}) as unknown:
            assert unknown.status in (404, 405)
    assert re.search(r"PNH-000001", emu.bot_messages(GROUP)[0].text or "")
