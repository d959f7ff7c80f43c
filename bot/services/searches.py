"""Families looking for someone: a relative's search stored (encrypted, keyed for matching), matched
against cases and cases against open searches, an officer's "ask this person", the answer of the
person found, and the end of a search (the relative's /delete, retention).

Matching reads hashes only (the date of birth's, and each name key's, `storage.encrypted` lookups);
only the candidates found that way are decrypted and scored. The person found decides: only their
yes tells the relative, and only that they are safe; a no is never told (the relative keeps reading
"still looking")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.core.actions import InlineButton, InlineKeyboard, SendMessage
from bot.core.callbacks import Scope, callback
from bot.core.contact import ContactPref
from bot.flow.seeking import ASKER
from bot.i18n import N_, Catalogs, Translator
from bot.services import names
from bot.services.duplicates import key_name
from bot.services.outbox.queue import DROPPED, FAILED, HELD, PENDING, enqueue
from storage.encrypted import session_keyring
from storage.models import Citizen, NameKey, OutboxMessage, Report, ReportEvent, Search, SearchMatch

PREFIX = "CARI"  # "cari" is "look for": distinct from a case's reference
LEAST = 50  # a candidate scoring less is not shown to officers
MOST_CANDIDATES = 50  # a very common name key: the best of these are enough
OPEN = ("open", "asking")  # a search that officers still work on
SEARCH, REPORT = "search", "report"  # NameKey.owner
QUESTION = "found:"  # the outbox dedupe key of a question to the person found: found:<search>:<report>
CHANGED_FIELDS = {"full_name", "birth_date", "place", "city"}  # a case change worth matching again


def _birth_hash(session: AsyncSession, born: date | None) -> str | None:
    return session_keyring(session).lookup("birth", born.isoformat()) if born else None


@dataclass(frozen=True, slots=True)
class Score:
    score: int
    reasons: list[str]


def score(search: Search, report: Report) -> Score:
    """How likely the case is the person looked for, 0-100, and why."""
    reasons: list[str] = []
    likeness = names.similarity(search.sought_name, report.full_name)
    points = 0.7 * likeness.score
    if likeness.score > 0:
        reasons.append(f"name_{likeness.reason}")
    if search.sought_birth and report.birth_date:
        if search.sought_birth == report.birth_date:
            points += 30
            reasons.append("birth")
        else:
            points *= 0.6  # a like name born another day: rarely the same person
            reasons.append("birth_differs")
    place = set(names.words(search.last_place))
    if place and place & set(names.words(" ".join(filter(None, (report.place, report.city))))):
        points += 5
        reasons.append("place")
    return Score(max(0, min(100, round(points))), reasons)


async def _record(session: AsyncSession, search: Search, report: Report, now: datetime) -> bool:
    """Keep a match (new, or its score updated); True when it is new and worth showing."""
    found = score(search, report)
    match = await session.get(SearchMatch, (search.id, report.id))
    if found.score < LEAST:
        if match is not None and match.status == "proposed":
            await session.delete(match)
        return False
    if match is not None:
        match.score, match.reasons = found.score, found.reasons
        return False
    session.add(SearchMatch(search_id=search.id, report_id=report.id, score=found.score,
                            reasons=found.reasons, status="proposed", found_at=now))  # fmt: skip
    return True


def _live_cases() -> Any:
    return (Report.erased_at.is_(None), Report.merged_into_id.is_(None))


async def match_search(session: AsyncSession, search: Search, now: datetime) -> int:
    """Cases that may be the person this search looks for; returns how many new matches."""
    wanted = []
    keyring = session_keyring(session)
    if search.sought_birth:
        wanted.append(Report.birth_hash.in_(keyring.lookups("birth", [search.sought_birth.isoformat()])))
    keys = keyring.lookups("name", names.keys(search.sought_name))
    if keys:
        keyed = select(NameKey.owner_id).where(NameKey.owner == REPORT, NameKey.key.in_(keys))
        wanted.append(Report.id.in_(keyed))
    if not wanted:
        return 0
    query = (
        select(Report).where(or_(*wanted), *_live_cases()).order_by(Report.id.desc()).limit(MOST_CANDIDATES)
    )
    new = 0
    for report in await session.scalars(query):
        new += await _record(session, search, report, now)
    return new


async def case_changed(session: AsyncSession, report: Report, now: datetime, group: int | None,
                       t: Translator) -> int:  # fmt: skip
    """A case sent or changed: the open searches it may answer matched (its name was keyed by
    services.duplicates when sent or renamed). Cheap when nothing fits: two indexed lookups."""
    if report.erased_at is not None or report.merged_into_id is not None:
        return 0
    keyring = session_keyring(session)
    wanted = []
    if report.birth_date:
        wanted.append(Search.birth_hash.in_(keyring.lookups("birth", [report.birth_date.isoformat()])))
    keys = keyring.lookups("name", names.keys(report.full_name))
    if keys:
        wanted.append(
            Search.id.in_(select(NameKey.owner_id).where(NameKey.owner == SEARCH, NameKey.key.in_(keys)))
        )
    if not wanted:
        return 0
    query = select(Search).where(or_(*wanted), Search.status.in_(OPEN)).limit(MOST_CANDIDATES)
    new = 0
    for search in await session.scalars(query):
        if await _record(session, search, report, now):
            new += 1
            await tell_officers(session, search, 1, group, t, now)
    return new


async def tell_officers(session: AsyncSession, search: Search, count: int, group: int | None,
                        t: Translator, now: datetime) -> None:  # fmt: skip
    """A short line in the officer group; the names stay in the console."""
    if group is None or count == 0:
        return
    text = t(
        N_("🔎 A family is looking for someone ({reference}). Possible matches: {count}. See the console."),
        reference=search.reference,
        count=count,
    )
    await enqueue(session, action=SendMessage(group, text), chat_id=group, kind="search_found", now=now)


async def submit(session: AsyncSession, citizen: Citizen, lang: str, fields: dict[str, Any], now: datetime,
                 days: int, group: int | None, t: Translator) -> Search:  # fmt: skip
    """A relative's search, sent: stored, keyed, matched; officers told when a case may fit."""
    born = date.fromisoformat(fields["birth"]) if fields.get("birth") else None
    search = Search(
        seeker_user_id=citizen.telegram_user_id, seeker_chat_id=citizen.chat_id, language=lang,
        relation=fields.get("relation"), sought_name=fields.get("name"), sought_birth=born,
        birth_hash=_birth_hash(session, born), last_place=fields.get("place"),
        seeker_name=fields.get("seeker"), seeker_contact=fields.get("contact"), status="open",
        expires_at=now + timedelta(days=days), created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(search)
    await session.flush()
    search.reference = f"{PREFIX}-{search.id:06d}"
    await key_name(session, SEARCH, search.id, search.sought_name)
    if citizen.contact_pref == ContactPref.UNSET and citizen.consent_at is None:
        # someone who only searches asked us to write to them here; a citizen's own choice stands
        citizen.contact_pref = ContactPref.ANY
    found = await match_search(session, search, now)
    await tell_officers(session, search, found, group, t, now)
    return search


async def notes(conn: AsyncConnection, user_id: int) -> tuple[tuple[str, str], ...]:
    """A relative's searches as /status reads them: (reference, status), oldest first."""
    rows = await conn.execute(
        select(Search.reference, Search.status).where(Search.seeker_user_id == user_id).order_by(Search.id)
    )
    return tuple((str(ref), str(status)) for ref, status in rows if ref)


def ask_text(search: Search, t: Translator, mission: str) -> str:
    who = t(ASKER.get(search.relation or "", N_("someone close to you")))
    return t(
        N_(
            "🏛 Message from {mission}:\n\n{who} is asking the embassy whether you are safe.\n\n"
            "May we tell them that you are safe and in touch with the embassy? We will tell them only "
            "that: nothing about where you are or what happened. If you say no, we tell them nothing."
        ),
        mission=mission,
        who=who[:1].upper() + who[1:],
    )


async def ask(session: AsyncSession, search_id: int, report_id: int, officer: int, now: datetime,
              catalogs: Catalogs, mission: str) -> bool:  # fmt: skip
    """An officer's "ask this person": the question goes to the case's citizen through the outbox,
    held until they write when they said so. False when the search or match is not open any more."""
    search = await session.get(Search, search_id)
    match = await session.get(SearchMatch, (search_id, report_id))
    report = await session.get(Report, report_id)
    if report is not None and report.merged_into_id is not None:  # the same person: the case kept asks
        report = await session.get(Report, report.merged_into_id)
    if search is None or match is None or report is None or search.status not in OPEN:
        return False
    if report.erased_at is not None or match.status == "rejected":
        return False
    if search.status == "asking" and search.report_id == report.id:  # asked already (a second click)
        return False
    if search.status == "asking" and search.report_id is not None:  # another person asked now: not both
        await _drop_questions(session, f"{QUESTION}{search.id}:{search.report_id}")
    citizen = await session.get_one(Citizen, report.citizen_id)
    search.status, search.report_id, search.asked_by, search.asked_at = "asking", report.id, officer, now
    match.status = "asked"
    t = catalogs[report.language]
    buttons = InlineKeyboard((
        (InlineButton(t(N_("✅ Yes, tell them I am safe")), callback(Scope.FOUND, search.id, "yes")),),
        (InlineButton(t(N_("No, tell them nothing")), callback(Scope.FOUND, search.id, "no")),),
    ))  # fmt: skip
    action = SendMessage(citizen.chat_id, ask_text(search, t, mission), buttons, protect_content=True)
    await enqueue(session, action=action, chat_id=citizen.chat_id, kind="found_ask", report_id=report.id,
                  dedupe_key=f"{QUESTION}{search.id}:{report.id}", now=now)  # fmt: skip
    session.add(ReportEvent(report_id=report.id, actor=f"officer:{officer}", kind="family_asked",
                            detail={"search": search.reference}, at=now))  # fmt: skip
    return True


async def reject(session: AsyncSession, search_id: int, report_id: int) -> bool:
    """ "Not this person": the match is not proposed again."""
    match = await session.get(SearchMatch, (search_id, report_id))
    if match is None or match.status != "proposed":
        return False
    match.status = "rejected"
    return True


ANSWERED = {
    "yes": N_("✅ Thank you. We will tell them that you are safe, and nothing else."),
    "no": N_("Understood. We will tell them nothing."),
}


async def answer(session: AsyncSession, user_id: int, search_id: int | None, said: str, now: datetime,
                 catalogs: Catalogs, mission: str) -> str | None:  # fmt: skip
    """The person found answers; the msgid to show them, or None when the button is not theirs or no
    longer asks anything (forged, answered, the search ended)."""
    search = await session.get(Search, search_id, with_for_update=True) if search_id is not None else None
    if search is None or search.status != "asking" or search.report_id is None or said not in ANSWERED:
        return None
    report = await session.get(Report, search.report_id)
    citizen = await session.get(Citizen, report.citizen_id) if report else None
    if report is None or citizen is None or citizen.telegram_user_id != user_id or report.erased_at:
        return None
    search.answered_at = now
    if said == "yes":
        search.status, search.told_at = "told", now
        t = catalogs[search.language]
        text = (
            t(N_("🏛 Message from {mission}:"), mission=mission)
            + "\n\n"
            + t(TOLD_WORDS, reference=search.reference)
        )
        await enqueue(session, action=SendMessage(search.seeker_chat_id, text), chat_id=search.seeker_chat_id,
                      kind="found_told", now=now)  # fmt: skip
    else:
        search.status = "declined"  # the relative keeps reading "still looking" (flow.seeking)
    session.add(ReportEvent(report_id=report.id, actor="citizen", kind=f"family_{search.status}",
                            detail={"search": search.reference}, at=now))  # fmt: skip
    return ANSWERED[said]


TOLD_WORDS = N_(
    "Good news about your search {reference}: the person you are looking for is safe and in touch with "
    "the embassy. That is all we may tell you."
)


async def forget_case(session: AsyncSession, report_id: int) -> None:
    """A case erased: its matches go, and an ask waiting for its answer closes without a word (its
    name keys go with services.duplicates.forget, which keys cases)."""
    await session.execute(delete(SearchMatch).where(SearchMatch.report_id == report_id))
    await session.execute(
        update(Search).where(Search.report_id == report_id, Search.status == "asking").values(status="closed")
    )


PERSONAL = ("relation", "sought_name", "sought_birth", "birth_hash", "last_place", "seeker_name",
            "seeker_contact")  # fmt: skip


async def _drop_questions(session: AsyncSession, key: str) -> None:
    """The questions to a person found whose dedupe key starts so, if not sent yet: never sent."""
    unsent = OutboxMessage.status.in_((HELD, PENDING))
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.dedupe_key.startswith(key, autoescape=True), unsent)
        .values(status=FAILED, error=DROPPED, payload={})
        .execution_options(synchronize_session=False)
    )


async def _end(session: AsyncSession, search: Search) -> None:
    # a question still held for the person found (or not sent yet) asks nothing any more: it never
    # goes; and its key is freed (a search deleted, its id may be given again to another)
    asked = OutboxMessage.dedupe_key.startswith(f"{QUESTION}{search.id}:", autoescape=True)
    await _drop_questions(session, f"{QUESTION}{search.id}:")
    await session.execute(
        update(OutboxMessage)
        .where(asked)
        .values(dedupe_key=None)
        .execution_options(synchronize_session=False)
    )
    await session.execute(delete(SearchMatch).where(SearchMatch.search_id == search.id))
    await session.execute(delete(NameKey).where(NameKey.owner == SEARCH, NameKey.owner_id == search.id))
    for field in PERSONAL:
        setattr(search, field, None)


async def erase_seeker(session: AsyncSession, user_id: int) -> None:
    """A relative's /delete: their searches go entirely (nothing of them is worth keeping)."""
    for search in await session.scalars(select(Search).where(Search.seeker_user_id == user_id)):
        await _end(session, search)
        await session.delete(search)


async def expire(session: AsyncSession, now: datetime, limit: int = 100) -> int:
    """Searches past HOTLINE_RETENTION_DAYS: what they hold erased, the status "expired"."""
    query = select(Search).where(Search.expires_at < now, Search.status != "expired").limit(limit)
    found = list(await session.scalars(query))
    for search in found:
        await _end(session, search)
        search.status = "expired"
    return len(found)
