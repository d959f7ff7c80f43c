"""The console's Broadcasts screen over HTTP, with the bot and the emulator running, on both runtimes:
ten cases tagged from the table get a broadcast composed on one page (counted live, previewed as
citizens see it), each exactly once and in their language; the progress reaches 10/10 and the
answers are counted. A second press of "Send" sends nothing twice; a broadcast set for later can be
stopped; officers cannot open the screen; a bad form says why and keeps what was typed."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from emulator import Emulator, TranscriptEntry
from tests.broadcasts.seed import Person
from tests.console.office import office as staff_office
from tests.console.test_login_and_cases import browser, csrf_of, log_in
from tests.e2e.conftest import Running
from tests.support.settle import until

GROUP, OFFICER, STAFF = -1001000000019, 9181, 9182
POIPET, OTHERS = range(7201, 7213), range(7301, 7305)  # twelve in Poipet, ten of them tagged
HELD = 7212
TEXT_ID = "Besok jam 07.00 kumpul di depan KBRI. Bawa SPLP dan satu tas saja."
TEXT_EN = "Tomorrow 07:00 gather at the embassy gate. Bring your ETD and one bag only."
WAIT = 15.0


@pytest.fixture
async def office(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    people = [Person(u, lang="en" if u % 2 else "id", city="poipet") for u in POIPET]
    people += [Person(u, city="phnom_penh") for u in OTHERS]
    async with staff_office(
        emu, tmp_path, framework, people, datetime.now(UTC), GROUP, OFFICER, STAFF, greet=True
    ) as r:
        yield r


async def link(r: Running, user_id: int, name: str) -> str:
    emu = r.emu
    before = max((e.message_id for e in emu.transcript(user_id)), default=0)
    await emu.send_command(emu.user(user_id, first_name=name, language_code="en"), "console")
    answer = await emu.wait_for_bot_message(user_id, timeout=WAIT, after=before)
    found = re.search(r"http://\S+", answer.text or "")
    assert found is not None, answer.text
    return found.group(0)


def got(emu: Emulator, user_id: int) -> list[TranscriptEntry]:
    return [e for e in emu.bot_messages(user_id) if TEXT_ID in (e.text or "") or TEXT_EN in (e.text or "")]


async def test_ten_tagged_cases_get_a_broadcast_from_the_console(office: Running) -> None:
    emu, base = office.emu, office.settings.console_base
    async with browser() as http:
        assert (await log_in(http, await link(office, STAFF, "Dewi"))).status == 303
        async with http.get(f"{base}/cases", params={"city": "poipet", "sort": "reference"}) as page:
            html = await page.text()
        assert "Cases found: 12" in html and "Write to these citizens" in html
        token = csrf_of(html)
        ids = re.findall(r'name="ids" value="(\d+)"', html)[:10]
        tagging = {"csrf": token, "ids": ids, "what": "tag", "tag": "wave-1", "confirm": "1"}
        async with http.post(f"{base}/cases/bulk", data=tagging) as done:
            assert "Cases changed: 10" in await done.text()

        # the live count, as the filters are ticked
        async with http.get(f"{base}/broadcasts/count", params={"tag": "wave-1"}) as counted:
            assert (await counted.json())["total"] == 10
        async with http.get(f"{base}/broadcasts/count", params={"more_tags": "wave-1, nope"}) as counted:
            assert (await counted.json())["total"] == 10
        async with http.get(f"{base}/broadcasts/new", params={"tag": "wave-1"}) as page:
            html = await page.text()
        assert page.status == 200 and 'value="wave-1" checked' in html and "👥 10 citizens" in html

        form = {"csrf": token, "tag": "wave-1", "text_id": TEXT_ID, "text_en": TEXT_EN, "buttons": "attend"}
        async with http.post(f"{base}/broadcasts/preview", data=form) as preview:
            html = await preview.text()
        assert preview.status == 200 and "Send to 10 citizens" in html
        assert "🏛 Message from KBRI Phnom Penh:" in html and "🏛 Pesan dari KBRI Phnom Penh:" in html
        assert TEXT_ID in html and TEXT_EN in html and "✅ I will come" in html
        assert got(emu, POIPET[0]) == []  # a preview sends nothing

        async with http.post(f"{base}/broadcasts/send", data=form, allow_redirects=False) as sent:
            assert sent.status == 303
            where = sent.headers["Location"]
        async with http.post(f"{base}/broadcasts/send", data=form, allow_redirects=False) as again:
            assert again.headers["Location"] == where  # a second press is the same broadcast
        tagged = [int(u) for u in POIPET[:10]]
        await emu.wait_for(lambda: all(len(got(emu, u)) == 1 for u in tagged), timeout=WAIT)

        async def progress() -> str:
            async with http.get(f"{base}{where}", params={"part": "1"}) as part:
                return await part.text()

        await until(lambda: _has(progress, "Sent: 10 of 10"), WAIT, "10/10 on the page")
        for user_id in tagged:
            [message] = got(emu, user_id)
            assert (TEXT_EN if user_id % 2 else TEXT_ID) in (message.text or "")
        assert all(got(emu, u) == [] for u in [*POIPET[10:], *OTHERS])

        # a citizen's answer is counted on the broadcast's page
        first = tagged[0]
        [message] = got(emu, first)
        number = where.rsplit("/", 1)[1]
        await emu.press(emu.user(first), first, message.message_id, f"ba:{number}:yes")
        await until(lambda: _has(progress, "Finished"), WAIT, "finished")
        await until(lambda: _row(progress, "✅ I will come", "1"), WAIT, "the answer counted")
        async with http.get(f"{base}{where}/answers.csv") as exported:
            lines = (await exported.text()).lstrip("\ufeff").splitlines()
        assert len(lines) == 11 and sum(",yes," in line for line in lines) == 1
        async with http.get(f"{base}/broadcasts") as listed:
            assert f'href="{where}"' in await listed.text()


async def _has(page: Callable[[], Awaitable[str]], text: str) -> bool:
    return text in await page()


async def _row(page: Callable[[], Awaitable[str]], label: str, n: str) -> bool:
    html = await page()
    return re.search(rf"<td>{re.escape(label)}</td><td class=\"n\">{n}</td>", html) is not None


async def test_a_bad_form_says_why_and_keeps_what_was_typed(office: Running) -> None:
    base = office.settings.console_base
    async with browser() as http:
        assert (await log_in(http, await link(office, STAFF, "Dewi"))).status == 303
        async with http.get(f"{base}/broadcasts/new") as page:
            token = csrf_of(await page.text())
        base_form = {"csrf": token, "city": "poipet", "text_id": "", "text_en": "", "buttons": "none"}
        cases = [
            ({}, "Write at least one of the two texts."),
            ({"text_id": "x" * 3801}, "That is too long: at most 3800 characters."),
            ({"text_id": "Halo", "when": "2020-01-01T08:00"}, "That time has passed or is more than 60 days"),
            ({"text_id": "Halo", "when": "kapan-kapan"}, "I could not read that time."),
            ({"text_id": "Halo", "buttons": "drop-table"}, "Choose the answer buttons from the list."),
            ({"text_id": "Halo", "tag": "nobody-has-this"}, "No one matches these filters."),
        ]  # fmt: skip
        for changes, said in cases:
            async with http.post(f"{base}/broadcasts/preview", data=base_form | changes) as refused:
                html = await refused.text()
            assert refused.status == 400 and said in html, said
            assert 'value="poipet" checked' in html  # the audience ticked stays ticked
        kept = base_form | {"text_id": "Kumpul jam 8 <b>besok</b>"}
        async with http.post(f"{base}/broadcasts/preview", data=kept | {"when": "bad"}) as refused:
            assert "Kumpul jam 8 &lt;b&gt;besok&lt;/b&gt;" in await refused.text()  # kept, and escaped
        async with http.post(f"{base}/broadcasts/send", data=kept | {"tag": "nobody-has-this"}) as refused:
            assert refused.status == 400
        assert await office.hotline.broadcasting.listed() == []


async def test_a_broadcast_set_for_later_can_be_stopped_and_officers_cannot_broadcast(
    office: Running,
) -> None:
    emu, base = office.emu, office.settings.console_base
    async with browser() as http:
        assert (await log_in(http, await link(office, STAFF, "Dewi"))).status == 303
        async with http.get(f"{base}/broadcasts/new") as page:
            token = csrf_of(await page.text())
        later = {"csrf": token, "city": "poipet", "text_id": TEXT_ID, "buttons": "none", "when": "23:59"}
        async with http.post(f"{base}/broadcasts/preview", data=later) as preview:
            assert "🕒 Goes out:" in await preview.text() and "Goes out: now" not in await preview.text()
        async with http.post(f"{base}/broadcasts/send", data=later) as shown:
            html = await shown.text()
        assert "Scheduled" in html and "Stop this broadcast" in html
        where = str(shown.url.path)
        async with http.post(f"{base}{where}/stop", data={"csrf": token}) as stopped:
            html = await stopped.text()
        assert "⏹ Stopped. Messages not sent yet will not go." in html and "Stop this broadcast" not in html
        async with http.post(f"{base}{where}/stop", data={"csrf": token}) as again:
            assert "not being sent any more" in await again.text()
        async with http.post(f"{base}{where}/stop") as forged:
            assert forged.status == 403  # no CSRF token

    async with browser() as http:
        assert (await log_in(http, await link(office, OFFICER, "Budi"))).status == 303
        async with http.get(f"{base}/") as today:
            html = await today.text()
        assert 'href="/broadcasts"' not in html
        async with http.get(f"{base}/broadcasts") as refused:
            assert refused.status == 403 and "Officers work the cases." in await refused.text()
        async with http.get(f"{base}/broadcasts/count") as refused:
            assert refused.status == 403
        officer_form = {"csrf": csrf_of(html), "city": "poipet", "text_id": TEXT_ID, "buttons": "none"}
        async with http.post(f"{base}/broadcasts/send", data=officer_form) as refused:
            assert refused.status == 403
    await office.settled()
    assert all(got(emu, u) == [] for u in [*POIPET, *OTHERS])
    assert len(await office.hotline.broadcasting.listed()) == 1


@pytest.mark.parametrize("framework", ["aiogram"])
async def test_a_forged_or_unknown_broadcast_number_is_a_plain_404(office: Running) -> None:
    base = office.settings.console_base
    async with browser() as http:
        assert (await log_in(http, await link(office, STAFF, "Dewi"))).status == 303
        paths = ("/broadcasts/99", "/broadcasts/99999999999999", "/broadcasts/x", "/broadcasts/1/answers.csv")
        for path in paths:
            async with http.get(f"{base}{path}") as page:
                assert page.status == 404, path
