"""The screening's mapping (bot.services.screening): every answer the citizen can give is known, the
indicators are the ILO's and come only from the answers, the HTCDS values are the 2.0 standard's, and
no status is ever made from the answers."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.callbacks import MAX_BYTES, Callback, Scope
from bot.flow import screening as flow
from bot.i18n import Catalogs
from bot.services import screening
from storage.models import Report

STANDARD = Path(__file__).parents[1] / "exports" / "data" / "htcds-2.0-field-standards.csv"
T = Catalogs(ZoneInfo("Asia/Phnom_Penh"))["en"]


def picklist(field: str) -> set[str]:
    with STANDARD.open(newline="", encoding="utf-8") as f:
        rows = {row["Field Name including Prefix"]: row for row in csv.DictReader(f)}
    return {v.strip() for v in rows[field]["Value Names (if picklist)"].splitlines() if v.strip()}


def test_every_mapped_answer_is_an_answer_the_citizen_can_give() -> None:
    options = {(q.id, o.value) for q in flow.QUESTIONS for o in q.options}
    assert set(screening.INDICATES) <= options
    assert set(screening.CONTROL) <= options
    indicated = {code for found in screening.INDICATES.values() for code in found}
    assert indicated | {"retention_of_documents"} == set(screening.ILO)  # that one: the report's passport
    for field, (question, names) in screening.FIELDS.items():
        assert {o.value for o in flow.BY_ID[question].options} - {"no"} == set(names), field


def test_about_nine_questions_each_with_skip_stop_and_sos() -> None:
    assert 8 <= len(flow.QUESTIONS) <= 10
    for q in flow.QUESTIONS:
        data = [b.data for row in flow.keyboard(q, T, []).rows for b in row]
        assert all(len(d.encode()) <= MAX_BYTES and Callback.parse(d) is not None for d in data)
        assert f"scr:a:{q.id}:-" in data and "scr:stop" in data and data[-1] == "sos"
        assert "victim" not in T(q.prompt).lower(), q.id  # never asks "are you a victim"


@pytest.mark.parametrize(
    ("answers", "passport", "expected"),
    [
        (None, "held", []),  # nothing answered: nothing said, not even from the passport
        ({"promised": None}, None, []),  # skipped
        ({"promised": "yes", "leave": "yes", "paid": "yes", "debt": "no"}, "with_me", []),
        ({"debt": "yes", "leave": "no", "promised": "other_work"}, None,
         ["deception", "restriction_of_movement", "debt_bondage"]),
        ({"harm": ["police", "hit"]}, "held",
         ["abuse_of_vulnerability", "physical_sexual_violence", "intimidation_threats",
          "retention_of_documents"]),
        ({"conditions": ["long_hours", "no_phone"], "paid": "never"}, None,
         ["isolation", "withholding_of_wages", "excessive_overtime"]),
    ],
)  # fmt: skip
def test_indicators_in_the_ilo_s_order(
    answers: dict[str, object], passport: str, expected: list[str]
) -> None:
    assert screening.indicators(answers, passport) == expected


def test_htcds_values_are_the_standard_s_and_never_a_status() -> None:
    answers = {
        "recruited": ["online_ad", "friend", "agent"], "app": ["facebook", "telegram", "other"],
        "promised": "other_work", "ransom": "yes",
        "harm": ["threatened", "family", "police", "hit", "sexual"],
        "paid": "fined", "conditions": ["long_hours", "no_food", "no_phone", "punished"],
        "scam": ["whatsapp", "line"], "debt": "yes",
    }  # fmt: skip
    fields = screening.htcds(answers, "held")
    for field, found in fields.items():
        assert found and set(found) <= picklist(field), field
    assert "vic_TraffickingStatus" not in fields
    assert fields["vic_RecruitmentWebsitesAndApps"] == ["Facebook", "Telegram", "Other"]
    assert fields["vic_ExploitationWebsitesAndApps"] == ["WhatsApp", "Line"]
    assert fields["vic_TypeOfExploitation"] == ["ForcedLabour"]
    assert fields["vic_MethodsOfControl"].count("DebtBondage") == 1  # ransom and debt: once
    assert "WithholdsDocuments" in fields["vic_MethodsOfControl"]
    nothing = screening.htcds({"scam": ["no"], "recruited": None}, None)
    assert all(v == [] for v in nothing.values())


def test_decisions_map_to_the_trafficking_status_and_unclear_to_none() -> None:
    statuses = {screening.status_of(d) for d in screening.DECISIONS} - {None}
    assert statuses == picklist("vic_TraffickingStatus")
    assert screening.status_of("unclear") is None and screening.status_of(None) is None
    assert screening.DECIDED_BY_ORG in picklist("vic_TraffickingStatusDecisionMakingOrg")
    assert screening.parse_decision("Possible-Victim") == "possible_victim"
    assert screening.parse_decision("korban") == "victim"
    assert screening.parse_decision("bukan") == "not_victim"
    assert screening.parse_decision("belum_jelas") == "unclear" and screening.parse_decision("maybe") is None


def test_the_closing_buttons_do_not_count_as_the_citizen_writing() -> None:
    pairs = (("scr:no", True), ("scr:stop", True), ("scr:start", False), ("scr:a:debt:yes", False))
    for data, closing in pairs:
        pressed = Callback.parse(data)
        assert pressed is not None and pressed.scope is Scope.SCREEN
        assert flow.closes(pressed) is closing


def test_the_card_says_nothing_unanswered_no_indicators_or_which_and_the_decision_apart() -> None:
    report = Report(reference="PNH-000001", passport_status="held")
    assert screening.card_lines(report, T) == []  # not answered: nothing, not even the passport
    report.screening = {"promised": "yes", "leave": None}
    report.passport_status = "with_me"
    assert screening.card_lines(report, T) == ["🔎 Screening: no indicators in the answers"]
    report.screening = {"promised": "other_work", "leave": "no", "debt": "yes"}
    report.screening_decision, report.screening_decided_at = "unclear", datetime(2026, 1, 20, 3, tzinfo=UTC)
    indicators, decided = screening.card_lines(report, T)
    assert indicators == "🔎 Indicators present: 3 (deception, restriction of movement, debt bondage)"
    assert decided.startswith("⚖️ Screening decision: unclear: to be interviewed (")
    screening.erase(report)
    assert screening.card_lines(report, T) == [] and report.screening_decided_at is None
