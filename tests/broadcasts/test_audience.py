"""Who a broadcast's filters select: consented citizens only, by their newest report, in their language."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert

from bot.services.broadcasts import Filters, count
from bot.services.broadcasts.audience import batch
from storage.models import Report
from tests.broadcasts.conftest import Sessions
from tests.broadcasts.seed import Person, seed
from tests.outbox.conftest import Moment


async def counted(sessions: Sessions, **chosen: tuple[str, ...]) -> int:
    async with sessions() as session:
        return (await count(session, Filters(chosen))).total


async def test_everyone_means_those_who_consented_and_kept_their_data(
    sessions: Sessions, moment: Moment
) -> None:
    await seed(
        sessions,
        [
            Person(1, lang="id"),
            Person(2, lang="en", pref="on_reply"),
            Person(3, lang="id", unreachable=True),
            Person(4, consent=False),  # never agreed, or deleted their data (/delete clears consent)
            Person(5, lang=None, report_lang="en"),  # no choice of their own: their report's language
            Person(6, lang=None, report=False),  # no report: Indonesian
        ],
        moment.now(),
    )
    async with sessions() as session:
        counts = await count(session, Filters())
        members = await batch(session, Filters(), after=0, upto=100, limit=10)
    assert (counts.total, counts.held, counts.blocked) == (5, 1, 1)
    assert counts.by_language == (("en", 2), ("id", 3))
    assert [(m.chat_id, m.language, m.held, m.blocked) for m in members] == [
        (1, "id", False, False),
        (2, "en", True, False),
        (3, "id", False, True),
        (5, "en", False, False),
        (6, "id", False, False),
    ]


async def test_filters_narrow_each_other_and_widen_within_a_category(
    sessions: Sessions, moment: Moment
) -> None:
    await seed(
        sessions,
        [
            Person(1, tags=["wave-3"], status="scheduled", priority="P2", city="bavet", passport="lost"),
            Person(2, tags=["wave-30", "vip"], status="scheduled", priority="P1", city="poipet"),
            Person(3, tags=["wave-2", "wave-3"], status="new", lang="en", city="bavet"),
            Person(4, tags=[], status="closed", passport="with_me"),
        ],
        moment.now(),
    )
    assert await counted(sessions, tag=("wave-3",)) == 2  # wave-30 is another tag
    assert await counted(sessions, tag=("wave-3", "vip")) == 3
    assert await counted(sessions, tag=("wave-3",), status=("scheduled",)) == 1
    assert await counted(sessions, status=("scheduled", "closed")) == 3
    assert await counted(sessions, priority=("P1",)) == 1
    assert await counted(sessions, city=("bavet",), lang=("en",)) == 1
    assert await counted(sessions, passport=("lost", "with_me")) == 2


async def test_a_citizen_is_judged_by_their_newest_report(sessions: Sessions, moment: Moment) -> None:
    await seed(sessions, [Person(1, tags=["wave-1"], status="closed")], moment.now())
    async with sessions() as session, session.begin():
        later = moment.now() + timedelta(days=1)
        newer = {"citizen_id": 1, "status": "new", "language": "id", "tags": ["wave-4"]}
        await session.execute(insert(Report), [newer | {"created_at": later, "updated_at": later}])
    assert await counted(sessions, tag=("wave-4",), status=("new",)) == 1
    assert await counted(sessions, tag=("wave-1",)) == 0


async def test_batches_go_by_citizen_and_stop_at_the_last_known(sessions: Sessions, moment: Moment) -> None:
    await seed(sessions, [Person(u) for u in range(10, 17)], moment.now())
    async with sessions() as session:
        first = await batch(session, Filters(), after=0, upto=5, limit=3)
        second = await batch(session, Filters(), after=first[-1].citizen_id, upto=5, limit=3)
    assert [m.citizen_id for m in first + second] == [1, 2, 3, 4, 5]


async def test_forged_filter_values_change_nothing(sessions: Sessions, moment: Moment) -> None:
    await seed(sessions, [Person(1, tags=["wave-3"])], moment.now())
    chosen = Filters().toggle("status", "nonsense").toggle("tag", "%").toggle("colour", "red")
    assert chosen.empty
    assert Filters().toggle("tag", "wave-3").toggle("tag", "wave-3").empty  # a second tap leaves it out
    assert await counted(sessions, tag=("wave_3",)) == 0  # "_" is no wildcard here
