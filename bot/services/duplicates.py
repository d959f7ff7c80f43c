"""Likely duplicates: the same person reported twice (themselves, from a friend's phone, by a relative,
at the shelter). A case is compared with the others through keyed hashes only: the same NIK, passport
or phone, or a like name (a shared name key, `bot.services.names.keys`) with the same date of birth.
Only the few candidates found are decrypted, to score how alike the names are.

A pair is proposed to officers (open), and a person decides: merged (one case names the one kept:
nothing moves, so it can be undone) or distinct ("not the same person": never proposed again).
Merged and erased cases are never candidates. A name alone, without the same date of birth, proposes
nothing: Indonesian names repeat too often (Siti Aminah, Muhammad Rizki) for that to be worth an
officer's time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz
from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import names
from bot.services.cards import Alike
from storage.encrypted import session_keyring
from storage.models import DuplicatePair, NameKey, Report

REPORT = "report"  # the owner of a case's name keys (searches use "search")
OPEN, MERGED, DISTINCT = "open", "merged", "distinct"
# What one shared fact says; a pair's score is the strongest, raised by each further reason
WEIGHTS = {"nik": 95, "passport": 95, "phone": 70}
NAME_WITH_BIRTH = 75  # a like name with the same date of birth scores at least this likeness
DIFFERENT_NAMES = 50  # names both given and this unlike: a shared phone is a friend's, not the person
IDENTITY = (("nik", "nik", "nik_hash"), ("passport", "passport_number", "passport_hash"),
            ("phone", "phone", "phone_hash"))  # fmt: skip


@dataclass(frozen=True, slots=True)
class Found:
    """A pair proposed (new, or its score and reasons renewed): the other case and why."""

    pair_id: int
    other_id: int
    score: int
    reasons: tuple[str, ...]
    new: bool


def ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


async def key_name(session: AsyncSession, owner: str, owner_id: int, name: str | None) -> set[str]:
    """Store the keyed hashes of a name's keys for one owner (replacing what it had); returns them.
    The families' searches call this for their own names (owner "search")."""
    keyring = session_keyring(session)
    hashed = {h for h in (keyring.lookup("name", k) for k in names.keys(name)) if h}
    await session.execute(delete(NameKey).where(NameKey.owner == owner, NameKey.owner_id == owner_id))
    session.add_all(NameKey(owner=owner, owner_id=owner_id, key=h) for h in sorted(hashed))
    return hashed


async def key_report(session: AsyncSession, report: Report) -> set[str]:
    """A case's name keys (its full name; the Telegram profile name says too little of a person)."""
    return await key_name(session, REPORT, report.id, None if report.erased_at else report.full_name)


def name_lookups(session: AsyncSession, name: str | None) -> list[str]:
    """The hashes a like name's keys may be stored under (every key of a rotation under way)."""
    return session_keyring(session).lookups("name", sorted(names.keys(name)))


def candidate() -> list[ColumnElement[bool]]:
    """What keeps a case among the candidates: not merged, not erased, sent or raised (a reference)."""
    return [Report.merged_into_id.is_(None), Report.erased_at.is_(None), Report.reference.is_not(None)]


WORD_LIKE = 85  # fuzz.ratio of two words of a name taken as one word spelled another way (a typo)
JOINED_LIKE = 90  # ... of the whole names written as one word (Abdul Rahman, Abdurrahman)
PREFIX = 5  # a word this long that begins the other (Puspita, Puspitasari) is the same word cut short


def alike_names(a: str | None, b: str | None) -> bool:
    """Whether two names, with the same date of birth, are worth an officer's look: the same words
    in any order or spacing, or every word of the shorter name found in the longer (a word left
    out, a typo, a word cut short). Tuned on tests/services/data/same_person_names.json: names
    with one word in common and another that differs (Siti Aminah, Siti Rahmawati) are not."""
    first, second = names.words(a), names.words(b)
    if not first or not second:
        return False
    one, other = "".join(first), "".join(second)
    if sorted(first) == sorted(second) or fuzz.ratio(one, other) >= JOINED_LIKE:
        return True
    if min(len(one), len(other)) >= PREFIX and (one in other or other in one):
        return True
    return _within(first, second) or _within(second, first)


def _within(some: list[str], every: list[str]) -> bool:
    """Each word of `some` is a word of `every`, spelled alike."""
    return len(some) <= len(every) and all(any(_same_word(w, v) for v in every) for w in some)


def _same_word(w: str, v: str) -> bool:
    if w == v or fuzz.ratio(w, v) >= WORD_LIKE:
        return True
    if len(w) > 3 and names.skeleton(w) == names.skeleton(v):
        return True
    return min(len(w), len(v)) >= PREFIX and (w.startswith(v) or v.startswith(w))


def score(reasons: Iterable[str], likeness: names.Likeness | None) -> int:
    """0-100: the strongest shared fact, raised 3 for each further one; names both given that are
    plainly different lower it (a phone shared by friends, a mistyped NIK)."""
    found = [WEIGHTS[r] for r in reasons if r in WEIGHTS]
    if "name_birth" in reasons:
        found.append(60 + max(likeness.score if likeness else 0, NAME_WITH_BIRTH) * 35 // 100)
    if not found:
        return 0
    value = max(found) + 3 * (len(found) - 1)
    if likeness is not None and likeness.score < DIFFERENT_NAMES:
        value -= 25
    return max(0, min(100, value))


def reasons_of(shared: set[str], likeness: names.Likeness | None) -> tuple[str, ...]:
    kinds: list[str] = [kind for kind in ("nik", "passport", "phone", "name_birth") if kind in shared]
    if likeness is not None and (kinds != ["name_birth"] or likeness.reason != "different"):
        kinds.append(f"name:{likeness.reason}")
    return tuple(kinds)


async def candidates(session: AsyncSession, report: Report) -> dict[int, set[str]]:
    """Other cases that share a keyed hash with this one: id -> the kinds shared."""
    keyring = session_keyring(session)
    shared: dict[int, set[str]] = {}
    for kind, field, column in IDENTITY:
        value = getattr(report, field)
        if not value:
            continue
        query = select(Report.id).where(
            getattr(Report, column).in_(keyring.lookups(kind, [value])), Report.id != report.id, *candidate()
        )
        for other in await session.scalars(query):
            shared.setdefault(other, set()).add(kind)
    if report.birth_date is not None and report.full_name:
        # born the same day first (a few cases), then which of them share a name key: a common
        # word's key ("Siti") names thousands of cases, a date of birth a handful
        born = list(
            await session.scalars(
                select(Report.id).where(
                    Report.birth_hash.in_(keyring.lookups("birth", [report.birth_date.isoformat()])),
                    Report.id != report.id,
                    *candidate(),
                )
            )
        )
        if born:
            named = select(NameKey.owner_id).where(
                NameKey.owner == REPORT,
                NameKey.owner_id.in_(born),
                NameKey.key.in_(name_lookups(session, report.full_name)),
            )
            for other in set(await session.scalars(named)):
                shared.setdefault(other, set()).add("name_birth")
    return shared


async def propose(
    session: AsyncSession, report: Report, other: Report, shared: set[str], now: datetime,
    known: dict[tuple[int, int], DuplicatePair] | None = None,
) -> Found | None:  # fmt: skip
    """Score the pair and keep it open (new, or renewed); None when a person already decided it, or
    when the names say it is not worth an officer's look."""
    both = bool(report.full_name and other.full_name)
    likeness = names.similarity(report.full_name, other.full_name) if both else None
    if shared == {"name_birth"} and not (both and alike_names(report.full_name, other.full_name)):
        return None
    reasons = reasons_of(shared, likeness)
    value = score(shared, likeness)
    if value <= 0:
        return None
    low, high = ordered(report.id, other.id)
    if known is not None:
        pair = known.get((low, high))
    else:
        pair = await session.scalar(
            select(DuplicatePair).where(DuplicatePair.low_id == low, DuplicatePair.high_id == high)
        )
    if pair is not None and pair.status != OPEN:
        return None
    new = pair is None
    if pair is None:
        pair = DuplicatePair(
            low_id=low, high_id=high, score=value, reasons=list(reasons), status=OPEN, found_at=now
        )
        session.add(pair)
        await session.flush()
        if known is not None:
            known[(low, high)] = pair
    elif pair.score != value or list(pair.reasons) != list(reasons):
        pair.score, pair.reasons = value, list(reasons)
    return Found(pair.id, other.id, value, reasons, new)


async def check(session: AsyncSession, report: Report, now: datetime) -> list[Found]:
    """A case sent or changed: its name keyed again, its likely duplicates proposed (inside the
    caller's unit of work). Cheap: a few indexed reads, and only the candidates decrypted."""
    if report.reference is None:
        return []
    await key_report(session, report)
    await session.flush()
    if report.merged_into_id is not None or report.erased_at is not None:
        return []
    shared = await candidates(session, report)
    found = []
    for other_id, kinds in sorted(shared.items()):
        other = await session.get(Report, other_id)
        if other is None:
            continue
        proposed = await propose(session, report, other, kinds, now)
        if proposed is not None:
            found.append(proposed)
    return found


async def forget(session: AsyncSession, report_id: int) -> None:
    """An erased case: its name keys go, and its pairs still open (nothing is left to compare)."""
    await session.execute(delete(NameKey).where(NameKey.owner == REPORT, NameKey.owner_id == report_id))
    await session.execute(
        delete(DuplicatePair).where(
            or_(DuplicatePair.low_id == report_id, DuplicatePair.high_id == report_id),
            DuplicatePair.status == OPEN,
        )
    )


async def open_references(session: AsyncSession, report_id: int) -> list[tuple[str, list[str]]]:
    """The earlier cases this one may duplicate (open pairs where it is the later case), strongest
    first, and why: its card names them. Each pair is told once, on the later case's card (the new
    report is the news; the earlier card stays as officers know it), and in full on the console."""
    query = (
        select(Report.reference, DuplicatePair.reasons)
        .join(Report, Report.id == DuplicatePair.low_id)
        .where(DuplicatePair.status == OPEN, DuplicatePair.high_id == report_id)
        .where(Report.merged_into_id.is_(None), Report.erased_at.is_(None))
        .order_by(DuplicatePair.score.desc(), Report.id)
    )
    return [(ref or "", list(reasons)) for ref, reasons in await session.execute(query)]


async def alike(session: AsyncSession, report: Report) -> Alike:
    """What the case's card says of who this case may be: a few reads by indexed ids."""
    pairs = await open_references(session, report.id) if report.merged_into_id is None else []
    into = await session.get(Report, report.merged_into_id) if report.merged_into_id is not None else None
    merged_in = await session.scalars(
        select(Report.reference).where(Report.merged_into_id == report.id).order_by(Report.id)
    )
    return Alike(pairs, into.reference if into else None, [r for r in merged_in if r])


IDENTITY_FIELDS = frozenset({"full_name", "birth_date", "nik", "passport_number", "phone"})


async def checked(
    session: AsyncSession, report: Report, now: datetime, changed: Callable[[Report], Awaitable[None]]
) -> list[Found]:
    """`check`, and the card that tells each new pair edited (`changed`: the alerts' card edit): the
    later case's, so officers know at once that the person already has a case."""
    found = await check(session, report, now)
    for pair in found:
        if not pair.new:
            continue
        later = report if report.id > pair.other_id else await session.get(Report, pair.other_id)
        if later is not None:
            await changed(later)
    return found
