"""What people read about a referral: the citizen's question (with its two buttons) and what they
answered, the officers' word on the case, the reasons in plain words. Texts only: the rules are in
services.referrals."""

from __future__ import annotations

from bot.core.actions import InlineButton, InlineKeyboard
from bot.core.callbacks import Scope, callback
from bot.i18n import N_, Translator

YES, NO = "yes", "no"
CONSENTED, DECLINED = "consented", "declined"
ANSWERS = {YES: CONSENTED, NO: DECLINED}  # the buttons' data -> Referral.status
# what a partner can help with, as a citizen reads it (HTCDS cas_ReasonForOutgoingReferral)
HELP: dict[str, str] = {
    "AdditionalServicesRequired": N_("help the embassy cannot give itself, such as a shelter, health care "
                                     "or advice"),
    "MigrationOrChangeOfLocation": N_("help to travel or to move to a safe place"),
    "Other": N_("other help"),
}  # fmt: skip
REASON_LABELS: dict[str, str] = {  # for the officers (the console's form, the case's list)
    "AdditionalServicesRequired": N_("Additional services required"),
    "MigrationOrChangeOfLocation": N_("Migration or change of location"),
    "Other": N_("Other"),
}
STATUS_LABELS: dict[str, str] = {
    "asking": N_("asking the citizen"),
    "consented": N_("the citizen agreed"),
    "referred": N_("referred: the file was taken for the partner"),
    "declined": N_("the citizen said no"),
    "withdrawn": N_("withdrawn"),
}
ANSWER_SAID = {
    CONSENTED: N_("✅ You said yes. We will pass your case to {partner}."),
    DECLINED: N_("You said no. We will not pass it on, and the embassy keeps helping you as before."),
}


def question_text(partner: str, reasons: list[str], t: Translator, mission: str, status: str = "") -> str:
    """The citizen is asked before anything is passed on: who, for what, what would be passed on,
    and that no changes nothing."""
    helps = ", ".join(t(HELP[r]) for r in reasons if r in HELP) or t(HELP["Other"])
    lines = [
        t(N_("🏛 Message from {mission}:"), mission=mission),
        "",
        t(N_("{partner} may be able to help you: {help}."), partner=partner, help=helps),
        "",
        t(N_("With your permission, we would pass your case to them: your name, where you are and what "
             "you told us. Nothing is passed on without your yes.")),
        t(N_("If you say no, nothing changes in the embassy's help for you.")),
        "",
    ]  # fmt: skip
    if status in ANSWER_SAID:
        lines.append(t(ANSWER_SAID[status], partner=partner))
    else:
        lines.append(t(N_("May we pass your case to {partner}?"), partner=partner))
    return "\n".join(lines)


def question_buttons(referral_id: int, t: Translator) -> InlineKeyboard:
    return InlineKeyboard((
        (InlineButton(t(N_("✅ Yes, pass it on")), callback(Scope.REFER, referral_id, YES)),),
        (InlineButton(t(N_("❌ No, thank you")), callback(Scope.REFER, referral_id, NO)),),
    ))  # fmt: skip


def officers_told(reference: str, partner: str, status: str, t: Translator) -> str:
    """The officer group's word on the case when the citizen answers."""
    if status == CONSENTED:
        return t(
            N_("🤝 {reference} agrees to be referred to {partner}. The file for the partner is on the "
               "case's page in the console."),
            reference=reference, partner=partner,
        )  # fmt: skip
    return t(
        N_("🙅 {reference} does not want to be referred to {partner}. Respect it: nothing more is asked."),
        reference=reference, partner=partner,
    )  # fmt: skip
