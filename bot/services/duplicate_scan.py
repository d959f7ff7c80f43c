"""The full re-scan (`hotline duplicates scan`): name keys made for the cases that have none (after an
upgrade, a restore, a change of the key rules), then every pair found by joins on the keyed hashes,
in the database, without decrypting a case that shares nothing. Only the cases of a candidate pair
are read, a batch at a time, to score their names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations

from sqlalchemy import ColumnElement, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import names
from bot.services.duplicates import REPORT, Found, propose
from storage.encrypted import session_keyring
from storage.models import DuplicatePair, NameKey, Report

BATCH = 1000
Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Scanned:
    cases: int  # cases compared
    keyed: int  # cases given name keys they lacked
    pairs: int  # open pairs proposed or renewed
    new: int  # of them, new


def _kept(alias: type[Report]) -> list[ColumnElement[bool]]:
    return [alias.merged_into_id.is_(None), alias.erased_at.is_(None), alias.reference.is_not(None)]


async def _key_missing(session: AsyncSession, progress: Progress) -> int:
    keyed_ids = select(NameKey.owner_id).where(NameKey.owner == REPORT)
    after, keyed = 0, 0
    while True:
        rows = list(
            await session.execute(
                select(Report.id, Report.full_name)
                .where(
                    Report.id > after,
                    Report.full_name.is_not(None),
                    Report.id.not_in(keyed_ids),
                    *_kept(Report),
                )
                .order_by(Report.id)
                .limit(BATCH)
            )
        )
        keyring = session_keyring(session)
        keys = [
            {"owner": REPORT, "owner_id": report_id, "key": hashed}
            for report_id, name in rows
            for hashed in sorted(h for h in {keyring.lookup("name", k) for k in names.keys(name)} if h)
        ]
        if keys:  # in one statement a batch: a re-scan after an upgrade keys every case
            await session.execute(insert(NameKey), keys)
        keyed += len(rows)
        if rows and (len(rows) < BATCH or keyed % (10 * BATCH) == 0):
            progress(f"name keys: {keyed} cases")
        if len(rows) < BATCH:
            return keyed
        after = rows[-1][0]


async def _shared(session: AsyncSession) -> dict[tuple[int, int], set[str]]:
    """Every pair of cases that share a keyed hash, and what they share: the hashes read in one scan
    and grouped here (linear, whatever plan a database without fresh statistics would choose for a
    self-join), then the name keys of the cases born the same day compared (a join on the keys first
    would pair every "Siti" with every other)."""
    groups: dict[tuple[str, str], list[int]] = {}
    query = select(Report.id, Report.nik_hash, Report.passport_hash, Report.phone_hash, Report.birth_hash)
    for report_id, *hashes in await session.execute(query.where(*_kept(Report)).order_by(Report.id)):
        for kind, value in zip(("nik", "passport", "phone", "name_birth"), hashes, strict=True):
            if value:
                groups.setdefault((kind, value), []).append(report_id)
    pairs: dict[tuple[int, int], set[str]] = {}
    born: list[tuple[int, int]] = []
    for (kind, _), ids in groups.items():
        for low, high in combinations(ids, 2):  # ids ascending: low < high
            if kind == "name_birth":
                born.append((low, high))
            else:
                pairs.setdefault((low, high), set()).add(kind)
    keys = await _keys_of(session, {i for pair in born for i in pair})
    for low, high in born:
        if keys.get(low, set()) & keys.get(high, set()):
            pairs.setdefault((low, high), set()).add("name_birth")
    return pairs


async def scan(
    sessions: async_sessionmaker[AsyncSession], now: datetime, progress: Progress = lambda _: None
) -> Scanned:
    """Name keys where missing, then every pair proposed (pairs decided by a person stay decided)."""
    async with sessions() as session, session.begin():
        keyed = await _key_missing(session, progress)
        cases = await _count(session)
        shared = await _shared(session)
        progress(f"candidate pairs: {len(shared)}")
        known = {(p.low_id, p.high_id): p for p in await session.scalars(select(DuplicatePair))}
        found: list[Found] = []
        ids = sorted({i for pair in shared for i in pair})
        loaded: dict[int, Report] = {}
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            loaded.update(
                (r.id, r) for r in await session.scalars(select(Report).where(Report.id.in_(chunk)))
            )
        for (low, high), kinds in sorted(shared.items()):
            proposed = await propose(session, loaded[low], loaded[high], kinds, now, known)
            if proposed is not None:
                found.append(proposed)
        progress(f"pairs: {len(found)} ({sum(f.new for f in found)} new)")
    return Scanned(cases, keyed, len(found), sum(f.new for f in found))


async def _keys_of(session: AsyncSession, ids: set[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), BATCH):
        query = select(NameKey.owner_id, NameKey.key).where(
            NameKey.owner == REPORT, NameKey.owner_id.in_(ordered[start : start + BATCH])
        )
        for owner_id, key in await session.execute(query):
            found.setdefault(owner_id, set()).add(key)
    return found


async def _count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Report).where(*_kept(Report))) or 0)
