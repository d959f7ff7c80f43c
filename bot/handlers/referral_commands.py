"""/refer in the officer group: ask the citizen whether their case may go to a partner, see a case's
referrals, withdraw a question not answered yet. The rules are in services.referrals."""

from __future__ import annotations

from bot.core.incoming import Incoming
from bot.handlers.officer_desk import OfficerDesk
from bot.i18n import N_, Translator
from bot.services.referral_notices import STATUS_LABELS
from bot.services.referrals import ReferralProblem, Referrals

USAGE = N_(
    "Refer a case to a partner, with the citizen's consent:\n"
    "/refer REF partner [details for the partner] – the citizen is asked first\n"
    "/refer REF – the case's referrals\n"
    "/refer REF withdraw – take back a question not answered yet\n"
    "Partners: {partners}"
)


HELP_LINE = N_(
    "/refer REF partner – refer the case to a partner, asking the citizen first (/refer alone says how)"
)


def usage(referrals: Referrals | None, t: Translator) -> str:
    listed = referrals.partners if referrals is not None else ()
    partners = "; ".join(f"{p.key} ({p.name})" for p in listed) or t(N_("none configured"))
    return t(USAGE, partners=partners)


async def refer(desk: OfficerDesk, inp: Incoming, report_id: int, reference: str, rest: str) -> str:
    """/refer REF [partner [details] | withdraw]: the answer to the officer."""
    t, referrals = desk.t, desk.referrals
    if referrals is None or not referrals.partners:
        return t(N_("No partners are configured (HOTLINE_PARTNERS_FILE)."))
    key, _, details = rest.partition(" ")
    if not key:
        listed = await referrals.of_case(report_id)
        if not listed:
            none = t(N_("{reference} has no referrals."), reference=reference)
            return f"{none}\n\n{usage(referrals, t)}"
        lines = [t(N_("Referrals of {reference}:"), reference=reference)]
        lines += [f"• {r.partner_name}: {t(STATUS_LABELS.get(r.status, r.status))}" for r in listed]
        return "\n".join(lines)
    if key.lower() in ("withdraw", "tarik"):
        taken = [r for r in await referrals.of_case(report_id) if r.status == "asking"]
        done = [v for r in taken if (v := await referrals.withdraw(r.id, inp.user_id)) is not None]
        if not done:
            return t(N_("{reference} has no question waiting for an answer."), reference=reference)
        names = ", ".join(r.partner_name for r in done)
        return t(N_("Withdrawn: {reference} is no longer asked about {partner}."),
                 reference=reference, partner=names)  # fmt: skip
    try:
        asked = await referrals.refer(report_id, inp.user_id, key, details=details)
    except ReferralProblem as problem:
        return f"{problem.said(t)}\n\n{usage(referrals, t)}"
    if asked.held:
        return t(
            N_("⏸ {reference} will be asked about {partner} right after their next message (they have "
               "not said we may write first). Nothing is passed on without their yes."),
            reference=asked.reference, partner=asked.partner,
        )  # fmt: skip
    return t(N_("✓ {reference} is being asked about {partner}. Nothing is passed on without their yes."),
             reference=asked.reference, partner=asked.partner)  # fmt: skip
