"""Screening for trafficking, without the bot deciding (issue 19): what the optional answers
(bot.flow.screening) point to, in the ILO's indicators of forced labour and in HTCDS 2.0's fields,
and the officer's decision kept apart from them.

The answers never make a status: `indicators` lists what officers should ask about in person, and
only an officer's `decide` sets `screening_decision` (the HTCDS export's `vic_TraffickingStatus`).
Nothing here is ever shown to the citizen. The answers, the decision and its note are personal
data: `erase` takes them all (the citizen's /delete, retention: services.reports.wipe).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.flow.screening import BY_ID, QUESTIONS, label
from bot.flow.steps import BY_ID as STEPS
from bot.flow.steps import option_label
from bot.i18n import N_, Translator
from storage.models import Report, ReportEvent

# The ILO indicators of forced labour (ILO, "ILO indicators of forced labour", 2012), in its order
ILO: dict[str, str] = {
    "abuse_of_vulnerability": N_("abuse of vulnerability"),
    "deception": N_("deception"),
    "restriction_of_movement": N_("restriction of movement"),
    "isolation": N_("isolation"),
    "physical_sexual_violence": N_("physical and sexual violence"),
    "intimidation_threats": N_("intimidation and threats"),
    "retention_of_documents": N_("retention of identity documents"),
    "withholding_of_wages": N_("withholding of wages"),
    "debt_bondage": N_("debt bondage"),
    "abusive_conditions": N_("abusive working and living conditions"),
    "excessive_overtime": N_("excessive overtime"),
}

# (question, answer) -> the ILO indicators the answer points to
INDICATES: dict[tuple[str, str], tuple[str, ...]] = {
    ("promised", "other_work"): ("deception",),
    ("promised", "other_terms"): ("deception",),
    ("leave", "permission"): ("restriction_of_movement",),
    ("leave", "no"): ("restriction_of_movement",),
    ("ransom", "yes"): ("debt_bondage", "intimidation_threats"),
    ("harm", "threatened"): ("intimidation_threats",),
    ("harm", "family"): ("intimidation_threats",),
    ("harm", "police"): ("intimidation_threats", "abuse_of_vulnerability"),
    ("harm", "hit"): ("physical_sexual_violence",),
    ("harm", "sexual"): ("physical_sexual_violence",),
    ("paid", "less"): ("withholding_of_wages",),
    ("paid", "fined"): ("withholding_of_wages",),
    ("paid", "never"): ("withholding_of_wages",),
    ("conditions", "long_hours"): ("excessive_overtime",),
    ("conditions", "no_food"): ("abusive_conditions",),
    ("conditions", "no_phone"): ("isolation",),
    ("conditions", "punished"): ("abusive_conditions", "intimidation_threats"),
    ("debt", "yes"): ("debt_bondage",),
}

# HTCDS 2.0 multiselect fields and the value names each answer carries (the standard's own names)
APP_NAMES = {
    "facebook": "Facebook",
    "telegram": "Telegram",
    "whatsapp": "WhatsApp",
    "tiktok": "TikTok",
    "instagram": "Instagram",
    "line": "Line",
    "other": "Other",
}
RECRUITMENT = {
    "online_ad": "ThroughAnOnlineAdvertisement",
    "online_chat": "ThroughOnlineSocialNetworks",
    "friend": "ThroughFriendsOrSocialEvents",
    "family": "ThroughFamilyOrFamilyEvents",
    "agent": "AtAPlaceOfBusiness",
    "other": "Other",
}
CONTROL: dict[tuple[str, str], str] = {
    ("promised", "other_work"): "FalsePromises",
    ("promised", "other_terms"): "FalsePromises",
    ("ransom", "yes"): "DebtBondage",
    ("debt", "yes"): "DebtBondage",
    ("harm", "threatened"): "PhysicalThreats",
    ("harm", "family"): "ThreatensChildrenFamily",
    ("harm", "police"): "ThreatsLawEnforcement",
    ("harm", "hit"): "PhysicalAbuse",
    ("harm", "sexual"): "SexualAbuse",
    ("paid", "less"): "TakesEarnings",
    ("paid", "fined"): "TakesEarnings",
    ("paid", "never"): "TakesEarnings",
    ("conditions", "long_hours"): "ExcessiveWorkingHours",
    ("conditions", "no_food"): "WithholdsNecessities",
    ("conditions", "no_phone"): "PsychologicalAbuse",
    ("conditions", "punished"): "PsychologicalAbuse",
}
# The question each HTCDS field is filled from, besides vic_MethodsOfControl (from several)
FIELDS = {
    "vic_MethodOfRecruitment": ("recruited", RECRUITMENT),
    "vic_RecruitmentWebsitesAndApps": ("app", APP_NAMES),
    "vic_ExploitationWebsitesAndApps": ("scam", APP_NAMES),
}

# The officer's decision, and its vic_TraffickingStatus (None: no status is asserted)
DECISIONS: dict[str, tuple[str, str | None]] = {
    "possible_victim": (N_("possible victim of trafficking"), "PossibleVictimOfTrafficking"),
    "victim": (N_("victim of trafficking"), "ActualVictimOfTrafficking"),
    "not_victim": (N_("not a victim of trafficking"), "NotAVictimOfTrafficking"),
    "unclear": (N_("unclear: to be interviewed"), None),
}
# The words an officer may type for a decision (Indonesian too)
DECISION_WORDS = {
    **{d: d for d in DECISIONS},
    "possible": "possible_victim",
    "mungkin": "possible_victim",
    "korban": "victim",
    "bukan": "not_victim",
    "bukan_korban": "not_victim",
    "unclear": "unclear",
    "belum_jelas": "unclear",
    "belum": "unclear",
}
DECIDED_BY_ORG = "NonPoliceGovernmentalOrganization"  # an embassy, in vic_TraffickingStatusDecisionMakingOrg
NOTE_LIMIT = 1000
ANSWERED, DECIDED = "screening", "screening_decision"  # the kinds of the history's entries


def values(answer: Any) -> list[str]:
    """An answer as a list of option values: one, several, or none (skipped)."""
    if isinstance(answer, str):
        return [answer]
    if isinstance(answer, list):
        return [v for v in answer if isinstance(v, str)]
    return []


def indicators(answers: dict[str, Any] | None, passport_status: str | None = None) -> list[str]:
    """The ILO indicators the answers point to, in the ILO's order. The report's own passport answer
    counts (a passport held by the boss: retention of identity documents); it is not asked twice.
    Not a verdict: what to ask about in person."""
    found: set[str] = set()
    for question, answer in (answers or {}).items():
        for value in values(answer):
            found.update(INDICATES.get((question, value), ()))
    if answers and passport_status == "held":
        found.add("retention_of_documents")
    return [code for code in ILO if code in found]


def htcds(answers: dict[str, Any] | None, passport_status: str | None = None) -> dict[str, list[str]]:
    """The answers in HTCDS 2.0's fields: recruitment, apps, methods of control, type of exploitation.
    Never a trafficking status (that is the officer's decision, `status_of`)."""
    answers = answers or {}
    fields: dict[str, list[str]] = {}
    for field, (question, names) in FIELDS.items():
        fields[field] = [names[v] for v in values(answers.get(question)) if v in names]
    control = [CONTROL[(q, v)] for q in BY_ID for v in values(answers.get(q)) if (q, v) in CONTROL]
    if passport_status == "held":
        control.append("WithholdsDocuments")
    fields["vic_MethodsOfControl"] = list(dict.fromkeys(control))
    # made to deceive people online: forced criminality, which HTCDS counts as forced labour
    fields["vic_TypeOfExploitation"] = ["ForcedLabour"] if fields["vic_ExploitationWebsitesAndApps"] else []
    return fields


def status_of(decision: str | None) -> str | None:
    """The decision's vic_TraffickingStatus (None: none decided, or "unclear")."""
    return DECISIONS[decision][1] if decision in DECISIONS else None


def parse_decision(word: str) -> str | None:
    return DECISION_WORDS.get(word.strip().lower().replace("-", "_"))


async def record_answer(
    session: AsyncSession, report: Report, question: str, value: Any, first: bool, now: datetime
) -> None:
    """Keep one answer on the case as given. The history has one entry a round, naming the questions
    answered, never the answers (the history outlives an erasure; the answers may not)."""
    if question not in BY_ID:
        return
    report.screening = {**(report.screening or {}), question: value}  # a new dict: the change is seen
    report.screening_at = now
    event = None
    if not first:
        event = await session.scalar(
            select(ReportEvent)
            .where(ReportEvent.report_id == report.id, ReportEvent.kind == ANSWERED)
            .order_by(ReportEvent.id.desc())
            .limit(1)
        )
    if event is None:
        session.add(
            ReportEvent(report_id=report.id, actor="citizen", kind=ANSWERED, detail={"questions": [question]},
                        at=now)
        )  # fmt: skip
        return
    asked = [q for q in event.detail.get("questions", []) if q != question]
    event.detail = {"questions": [*asked, question]}
    event.at = now


def decide(session: AsyncSession, report: Report, decision: str, note: str, by: int, now: datetime) -> bool:
    """The officer's decision (one of DECISIONS) and a note; False when it is not a decision. The
    history's entry quotes them as "text", which an erasure takes out (services.reports.wipe)."""
    if decision not in DECISIONS:
        return False
    report.screening_decision = decision
    report.screening_note = note.strip()[:NOTE_LIMIT] or None
    report.screening_by = by
    report.screening_decided_at = now
    said = " · ".join(p for p in (decision, report.screening_note) if p)
    detail = {"text": said}
    session.add(ReportEvent(report_id=report.id, actor=f"officer:{by}", kind=DECIDED, detail=detail, at=now))
    return True


def erase(report: Report) -> None:
    """The answers, the decision and its note go (the citizen's /delete, retention)."""
    report.screening = None
    report.screening_at = None
    report.screening_decision = None
    report.screening_note = None
    report.screening_by = None
    report.screening_decided_at = None


def indicator_line(report: Report, t: Translator) -> str | None:
    """ "🔎 Indicators present: 3 (deception, …)" for the card and the case page; None when the
    citizen answered nothing (the line would say nothing true)."""
    if not report.screening:
        return None
    found = indicators(report.screening, report.passport_status)
    if not found:
        return t(N_("🔎 Screening: no indicators in the answers"))
    names = ", ".join(t(ILO[code]) for code in found)
    return t(N_("🔎 Indicators present: {n} ({names})"), n=t.number(len(found)), names=names)


def decision_line(report: Report, t: Translator) -> str | None:
    if report.screening_decision not in DECISIONS:
        return None
    said = t(DECISIONS[report.screening_decision][0])
    when = t.datetime(report.screening_decided_at) if report.screening_decided_at else ""
    return t(N_("⚖️ Screening decision: {decision} ({when})"), decision=said, when=when)


def card_lines(report: Report, t: Translator) -> list[str]:
    """The case card's lines: the indicators for an interview in person, and the decision."""
    return [line for line in (indicator_line(report, t), decision_line(report, t)) if line]


@dataclass(frozen=True, slots=True)
class ScreeningView:
    """The console's view of a case's screening: each question with the answer as given."""

    answered: bool
    indicators: str | None
    answers: list[tuple[str, str]]  # (the question, the answer), translated
    decision: str | None
    decision_label: str | None
    note: str | None
    decided_at: datetime | None
    decided_by: int | None


def view(report: Report, t: Translator) -> ScreeningView:
    answers = report.screening or {}
    rows: list[tuple[str, str]] = []
    for q in QUESTIONS:
        if q.id not in answers:
            continue
        given = [t(label(q, v) or v) for v in values(answers[q.id])]
        rows.append((t(q.prompt).split("?")[0] + "?", ", ".join(given) if given else t(N_("Skipped"))))
    passport = option_label(STEPS["passport"], report.passport_status)
    if answers and passport:
        rows.append((t(N_("Passport (from the report)")), t(passport)))
    decided = report.screening_decision if report.screening_decision in DECISIONS else None
    return ScreeningView(
        answered=bool(answers),
        indicators=indicator_line(report, t),
        answers=rows,
        decision=decided,
        decision_label=t(DECISIONS[decided][0]) if decided else None,
        note=report.screening_note,
        decided_at=report.screening_decided_at,
        decided_by=report.screening_by,
    )
