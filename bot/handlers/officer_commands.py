"""The case commands: /case /open /mine /note /status /tag /reply /export /help."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.actions import SendDocument, SendMessage
from bot.core.contact import ContactPref
from bot.core.incoming import Incoming
from bot.core.port import BotPort
from bot.i18n import N_, Translator
from bot.services.alerts import Alerts
from bot.services.cards import MARKERS, STATUSES, card_text, trail_text, typed, where
from bot.services.cases import Cases
from bot.services.sos import sos_state
from storage.models import Citizen, Report
from storage.repositories import events_of

if TYPE_CHECKING:
    from bot.handlers.officer import OfficerHandler


def help_text(t: Translator) -> str:
    return t(
        N_(
            "Duty officer commands:\n"
            "/open [P1|P2|P3] – open cases, most urgent first\n"
            "/mine – the cases you took\n"
            "/case REF – a case with its history\n"
            "/note REF text – add a note\n"
            "/status REF status – change the status\n"
            "/tag REF label – add a tag such as wave-3\n"
            "/reply REF text – write to the citizen (or reply to the case's card)\n"
            "/export – the case list as a CSV file\n"
            "Statuses: {statuses}"
        ),
        statuses=", ".join(STATUSES),
    )


def line(report: Report, t: Translator) -> str:
    sos = " 🆘" if report.sos else ""
    name = typed(report.full_name or report.profile_name) or "—"
    taken = f" · 📥 {report.assigned_name}" if report.assigned_name else ""
    status = t(STATUSES.get(report.status, report.status))
    marker = MARKERS.get(report.priority, "")
    return f"{marker}{sos} {report.reference} · {name} · {where(report, t)} · {status}{taken}"


async def run(handler: OfficerHandler, inp: Incoming, port: BotPort) -> None:
    desk = handler.desk
    t = desk.t
    name = inp.command or ""
    ref, _, rest = inp.args.strip().partition(" ")
    rest = rest.strip()
    if name in ("help", "start"):
        await say(inp, port, help_text(t))
        return
    if name == "export":
        await export(handler, inp, port)
        return
    if name == "reply":
        async with desk.sessions() as session:
            report = await Cases(session, desk.prefix, desk.clock()).find(ref)
        if report is None or not rest:
            await say(inp, port, t(N_("Write it like: /reply PNH-000123 your message")))
            return
        await handler.relay(inp, port, report.id, rest)
        return
    answer, report_id = await change(handler, inp, name, ref, rest)
    sent = await say(inp, port, answer, protect=name == "case")
    if name == "case" and report_id is not None:  # the card and its history: taken back on erasure
        for message_id in sent:
            await handler.linked(inp.chat_id, message_id, report_id, "personal")
    desk.wake()


async def change(
    handler: OfficerHandler, inp: Incoming, name: str, ref: str, rest: str
) -> tuple[str, int | None]:
    """The answer to a case command, and the case it shows (for /case; else None)."""
    desk = handler.desk
    t = desk.t
    async with desk.sessions() as session, session.begin():
        now = desk.clock()
        cases = Cases(session, desk.prefix, now)
        if name in ("open", "mine"):
            priority = ref.upper() if ref.upper() in MARKERS else None
            found = await cases.open_cases(priority, inp.user_id if name == "mine" else None)
            if not found:
                return t(N_("No open cases.")), None
            return "\n".join(line(r, t) for r in found), None
        report = await cases.find(ref) if ref else None
        if report is None:
            usage = {
                "case": N_("Write it like: /case PNH-000123"),
                "note": N_("Write it like: /note PNH-000123 your note"),
                "status": N_("Write it like: /status PNH-000123 in_progress"),
                "tag": N_("Write it like: /tag PNH-000123 wave-3"),
            }
            return (
                t(N_("No case {reference}."), reference=ref) if ref else t(usage.get(name, usage["case"]))
            ), None
        reference = report.reference
        if name == "case":
            citizen = await session.get(Citizen, report.citizen_id)
            pref = citizen.contact_pref if citizen else ContactPref.UNSET
            card = card_text(report, pref, t, await sos_state(session, report.id))
            return f"{card}\n\n{trail_text(await events_of(session, report.id), t)}", report.id
        changed = False
        if name == "note" and rest:
            cases.note(report, inp.user_id, rest)
            return t(N_("Note added to {reference}."), reference=reference), None
        if name == "status":
            if rest not in STATUSES:
                return t(N_("Unknown status. Use one of: {statuses}"), statuses=", ".join(STATUSES)), None
            changed = cases.set_status(report, inp.user_id, rest)
            answer = t(N_("{reference} is now: {status}."), reference=reference, status=t(STATUSES[rest]))
        elif name == "tag" and rest:
            changed = cases.tag(report, inp.user_id, rest)
            answer = (
                t(N_("{reference} tagged {tag}."), reference=reference, tag=rest.lower())
                if changed
                else t(N_("A tag is one word of small letters, digits and dashes, such as wave-3."))
            )
        else:
            return t(N_("Write it like: /note PNH-000123 your note")), None
        if changed:
            await Alerts(session, desk.alerts, now).changed(report)
        return answer, None


async def export(handler: OfficerHandler, inp: Incoming, port: BotPort) -> None:
    from bot.services.exports import load_cases, to_csv

    desk = handler.desk
    async with desk.sessions() as session:
        cases = await load_cases(session)
    stamp = desk.clock().astimezone(desk.t.zone).strftime("%Y%m%d-%H%M")
    caption = desk.t(N_("{n} cases"), n=len(cases))
    document = SendDocument(
        inp.chat_id, f"cases-{stamp}.csv", to_csv(cases, desk.t.zone), caption=caption, protect_content=True
    )
    await port.perform(document)


async def say(inp: Incoming, port: BotPort, text: str, protect: bool = False) -> list[int]:
    """The answer, in parts of 4,000 characters; the ids of the messages sent."""
    sent = []
    for start in range(0, len(text), 4000):
        chunk = text[start : start + 4000]
        message = SendMessage(inp.chat_id, chunk, reply_to=inp.message_id, protect_content=protect)
        if (message_id := await port.perform(message)) is not None:
            sent.append(message_id)
    return sent
