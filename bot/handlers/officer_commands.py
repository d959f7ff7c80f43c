"""The case commands: /case /open /mine /note /status /stage /tag /reply /export /help."""

from __future__ import annotations

from bot.core.actions import SendDocument
from bot.core.incoming import Incoming
from bot.core.port import BotPort
from bot.handlers import officer_screening, referral_commands
from bot.handlers.officer_desk import OfficerDesk, officer_of, relay, say
from bot.i18n import N_, Translator
from bot.services.cards import MARKERS, STATUSES, case_line
from bot.services.stages import StageProblem, parse, summary

USAGE = {
    "case": N_("Write it like: /case PNH-000123"),
    "note": N_("Write it like: /note PNH-000123 your note"),
    "status": N_("Write it like: /status PNH-000123 in_progress"),
    "tag": N_("Write it like: /tag PNH-000123 wave-3"),
    "stage": N_(
        "Move a case on its way home:\n"
        "/stage REF verified ktp (or passport, kk, birth_certificate, interview, other)\n"
        "/stage REF splp B1234567 2026-12-03 (the SPLP's number and date)\n"
        "/stage REF passport (the passport recovered)\n"
        "/stage REF cleared waived (or paid, none) [exit permit number]\n"
        "/stage REF arrived Soekarno-Hatta\n"
        "/stage REF referred IOM\n"
        "/stage REF staying [reason]\n"
        "/stage REF closed [reason]"
    ),
    "reply": N_("Write it like: /reply PNH-000123 your message"),
    "screen": officer_screening.USAGE,
}


def help_text(t: Translator) -> str:
    listed = t(
        N_(
            "Duty officer commands:\n"
            "/open [P1|P2|P3] – open cases, most urgent first\n"
            "/mine – the cases you took\n"
            "/case REF – a case with its history\n"
            "/note REF text – add a note\n"
            "/status REF status – change the status\n"
            "/stage REF stage [facts] – move the case on its way home (/stage alone says how)\n"
            "/tag REF label – add a tag such as wave-3\n"
            "/reply REF text – write to the citizen (or reply to the case's card)\n"
            "/export – the case list as a spreadsheet (XLSX)\n"
            "/console – a link to the web console (in a private chat with me)\n"
            "Statuses: {statuses}"
        ),
        statuses=", ".join(STATUSES),
    )
    commands, _, statuses = listed.rpartition("\n")  # the screening's line goes before the statuses
    return f"{commands}\n{t(officer_screening.HELP)}\n{statuses}"


async def run(desk: OfficerDesk, inp: Incoming, port: BotPort) -> None:
    t = desk.t
    name = inp.command or ""
    ref, _, rest = inp.args.strip().partition(" ")
    rest = rest.strip()
    if name in ("help", "start"):
        await say(inp, port, f"{help_text(t)}\n{t(referral_commands.HELP_LINE)}")
    elif name == "refer" and not ref:
        await say(inp, port, referral_commands.usage(desk.referrals, t))
    elif name == "export":
        # a spreadsheet: a CSV opened by a double-click loses NIK digits and phones' + and leading 0
        exported = await desk.casework.export_all("xlsx", t.zone, officer_of(inp))
        with exported.file as file:
            content = file.read()
        stamp = desk.clock().astimezone(t.zone).strftime("%Y%m%d-%H%M")
        caption = t(N_("{n} cases"), n=exported.written.rows)  # the rows the file holds
        await port.perform(
            SendDocument(inp.chat_id, f"cases-{stamp}.xlsx", content, caption=caption, protect_content=True)
        )
    elif name in ("open", "mine"):
        priority = ref.upper() if ref.upper() in MARKERS else None
        found = await desk.casework.open_cases(priority, inp.user_id if name == "mine" else None)
        await say(inp, port, "\n".join(case_line(r, t) for r in found) if found else t(N_("No open cases.")))
    else:
        # a merged reference stands for the case kept, but an answer goes to the chat it names
        report = await desk.casework.find(ref, follow=name != "reply") if ref else None
        if report is None:
            answer = (
                t(N_("No case {reference}."), reference=ref) if ref else t(USAGE.get(name, USAGE["case"]))
            )
            await say(inp, port, answer)
        elif name == "reply":
            if rest:
                await relay(desk, inp, port, report.id, rest)
            else:
                await say(inp, port, t(USAGE["reply"]))
        elif name == "case":
            history = await desk.casework.history(report.id, t) or ""
            for message_id in await say(inp, port, history, protect=True):  # taken back on erasure
                await desk.casework.link(inp.chat_id, message_id, report.id, "personal")
        elif name == "stage":
            await say(inp, port, await stage(desk, inp, report.id, rest))
        elif name == "refer":
            answer = await referral_commands.refer(desk, inp, report.id, report.reference or "", rest)
            await say(inp, port, answer)
        elif name == "screen":
            await say(inp, port, await officer_screening.screen(desk, inp, report.id, rest))
        else:
            await say(inp, port, await change(desk, inp, name, report.id, rest))


async def stage(desk: OfficerDesk, inp: Incoming, report_id: int, rest: str) -> str:
    """/stage REF stage [facts]: the answer to the officer (the card is edited by the service)."""
    t = desk.t
    if not rest:
        return t(USAGE["stage"])
    try:
        to, facts = parse(rest)
        moved = await desk.casework.move_stage(report_id, officer_of(inp), to, facts)
    except StageProblem as problem:
        return f"{problem.said(t)}\n\n{t(USAGE['stage'])}"
    if moved is None:
        return ""
    case = await desk.casework.find(moved.reference)
    where = summary(moved.stage, case.journey if case else moved.facts, t)
    if not moved.changed:
        return t(N_("{reference} is already at: {stage}."), reference=moved.reference, stage=where)
    return t(N_("{reference} is now at: {stage}."), reference=moved.reference, stage=where)


async def change(desk: OfficerDesk, inp: Incoming, name: str, report_id: int, rest: str) -> str:
    """/note, /status and /tag on a case that exists: the answer to the officer."""
    t = desk.t
    officer = officer_of(inp)
    if name == "note" and rest:
        done = await desk.casework.note(report_id, officer, rest)
        return t(N_("Note added to {reference}."), reference=done.reference) if done else ""
    if name == "status":
        if rest not in STATUSES:
            return t(N_("Unknown status. Use one of: {statuses}"), statuses=", ".join(STATUSES))
        done = await desk.casework.set_status(report_id, officer, rest)
        return t(N_("{reference} is now: {status}."), reference=done.reference if done else "",
                 status=t(STATUSES[rest]))  # fmt: skip
    if name == "tag" and rest:
        done = await desk.casework.tag(report_id, officer, rest)
        if done is not None and done.changed:
            return t(N_("{reference} tagged {tag}."), reference=done.reference, tag=rest.strip().lower())
        return t(N_("A tag is one word of small letters, digits and dashes, such as wave-3."))
    return t(USAGE["note"] if name == "note" else USAGE.get(name, USAGE["note"]))
