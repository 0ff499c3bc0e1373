"""The inbox repository on SQLite, PostgreSQL and the in-memory store: keep, lease, answer, take."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.markup import Bold, BulletList, Link, Paragraph, Text
from bot.memory import MemoryStore
from bot.messages import Button, OpeningCard, Reply, SkillGap
from bot.ports import UnitOfWorkFactory
from storage.engine import Storage
from tests.fakes.postgres import pg_database
from tests.fakes.sqlite import migrated_sqlite

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LEASE = timedelta(seconds=10)
REPLY = Reply(
    blocks=(Paragraph((Text("Docker "), Bold("images"), Link("docs", "https://docs.docker.com"))),
            BulletList(((Text("one"),), (Bold("two"), Text("!"))))),
    buttons=(Button(label="More", action="more:docker"),),
    cards=(OpeningCard(title="Backend", company="Acme", url="https://acme.example/1",
                       source="seed", external_id="1", matched_skills=("Python",),
                       missing_skills=(SkillGap(skill="Go", topic="go"),), score=0.5),),
    intent="topic", topic="docker", confidence=0.75, suggestions=("kubernetes",), private=True,
)


@dataclass
class Backend:
    name: str
    uow: UnitOfWorkFactory


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    if request.param == "memory":
        yield Backend("memory", MemoryStore().uow)
        return
    if request.param == "sqlite":
        storage = Storage.from_url(migrated_sqlite(tmp_path / "inbox.sqlite3"))
        try:
            yield Backend("sqlite", storage.uow)
        finally:
            await storage.aclose()
        return
    server = request.getfixturevalue("pg_server")
    with pg_database(server, request.getfixturevalue("pg_template")) as url:
        storage = Storage.from_url(url)
        try:
            yield Backend("postgresql", storage.uow)
        finally:
            await storage.aclose()


async def add(b: Backend, event_id: str, owner: str = "a", *, at: datetime = T0,
              payload: str = '{"update_id": 1}') -> bool:
    async with b.uow() as uow:
        added = await uow.inbox.add("telegram", [(event_id, payload)], owner=owner,
                                    lease_until=at + LEASE)
        await uow.commit()
    return added == {event_id}


async def take(b: Backend, owner: str, now: datetime, *, platform: str = "telegram",
               limit: int = 100) -> list[tuple[str, int]]:
    async with b.uow() as uow:
        items = await uow.inbox.take(platform, owner, now=now, lease_until=now + LEASE,
                                     limit=limit)
        await uow.commit()
    return [(i.event_id, i.attempts) for i in items]


async def test_an_update_is_kept_once_and_forgotten_when_done(backend: Backend) -> None:
    assert await add(backend, "tg:1")
    assert not await add(backend, "tg:1", owner="b")  # a re-delivery: already kept
    assert await add(backend, "tg:2")
    async with backend.uow() as uow:
        assert await uow.inbox.count() == 2
        await uow.inbox.done("telegram", ["tg:1", "tg:404"])  # tg:404: nothing to forget
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.inbox.count() == 1


async def test_only_updates_whose_lease_ran_out_are_taken_oldest_first(backend: Backend) -> None:
    for n in (1, 2, 3):
        await add(backend, f"tg:{n}", at=T0 + timedelta(seconds=n))
    async with backend.uow() as uow:
        await uow.inbox.add("slack", [("Ev1", "{}")], owner="a", lease_until=T0)
        await uow.commit()
    # Owner "a" still holds every lease: nothing is due.
    assert await take(backend, "b", T0 + timedelta(seconds=5)) == []
    # Past the first two leases: those two, each on its second attempt, in arrival order.
    assert await take(backend, "b", T0 + LEASE + timedelta(seconds=2.5)) == [
        ("tg:1", 2), ("tg:2", 2)]
    # Taken means leased again: not due for anyone else now.
    assert await take(backend, "c", T0 + LEASE + timedelta(seconds=2.5)) == []
    assert await take(backend, "c", T0 + 3 * LEASE, limit=2) == [("tg:1", 3), ("tg:2", 3)]
    assert await take(backend, "c", T0 + 3 * LEASE, platform="slack") == [("Ev1", 2)]


async def test_renew_keeps_a_live_owner_s_updates_and_release_lets_them_go(
        backend: Backend) -> None:
    await add(backend, "tg:1", owner="a")
    await add(backend, "tg:2", owner="a")
    await add(backend, "tg:3", owner="b")
    async with backend.uow() as uow:
        assert await uow.inbox.renew("a", T0 + 10 * LEASE) == 2
        await uow.inbox.release("telegram", "tg:2", retry_at=T0 + timedelta(seconds=1))
        await uow.commit()
    # tg:1 renewed; tg:2 released (due from T0 + 1 s, no longer a's); tg:3's lease ran out.
    assert await take(backend, "c", T0 + 2 * LEASE) == [("tg:2", 2), ("tg:3", 2)]
    async with backend.uow() as uow:
        assert await uow.inbox.renew("a", T0 + 20 * LEASE) == 1


async def test_several_updates_are_kept_in_one_statement(backend: Backend) -> None:
    await add(backend, "tg:2")
    async with backend.uow() as uow:
        added = await uow.inbox.add("telegram", [(f"tg:{n}", f'{{"n": {n}}}') for n in (1, 2, 3)],
                                    owner="a", lease_until=T0 + LEASE)
        assert await uow.inbox.add("telegram", [], owner="a", lease_until=T0) == set()
        await uow.commit()
    assert added == {"tg:1", "tg:3"}  # tg:2 was kept already
    async with backend.uow() as uow:
        assert await uow.inbox.count() == 3
        await uow.inbox.done("telegram", ["tg:1", "tg:2"])
        await uow.commit()
    assert [e for e, _ in await take(backend, "b", T0 + 2 * LEASE)] == ["tg:3"]


async def test_the_answer_is_kept_with_its_update(backend: Backend) -> None:
    await add(backend, "tg:1", payload='{"update_id": 1, "text": "é"}')
    async with backend.uow() as uow:
        await uow.inbox.answered("telegram", "tg:1", [REPLY, Reply(blocks=())])
        await uow.inbox.answered("telegram", "tg:none", [REPLY])  # not kept: nothing happens
        await uow.commit()
    async with backend.uow() as uow:
        (item,) = await uow.inbox.take("telegram", "b", now=T0 + 2 * LEASE,
                                       lease_until=T0 + 3 * LEASE, limit=10)
        await uow.commit()
    assert item.payload == '{"update_id": 1, "text": "é"}'
    assert item.replies == (REPLY, Reply(blocks=()))


async def test_an_answer_not_committed_is_not_kept(backend: Backend) -> None:
    if backend.name == "memory":
        pytest.skip("the in-memory store has no transactions")
    await add(backend, "tg:1")
    async with backend.uow() as uow:
        await uow.inbox.answered("telegram", "tg:1", [REPLY])
        await uow.rollback()
    assert [i.replies for i in await _take_items(backend)] == [None]


async def _take_items(backend: Backend) -> list[object]:
    async with backend.uow() as uow:
        items = await uow.inbox.take("telegram", "z", now=T0 + 9 * LEASE,
                                     lease_until=T0 + 10 * LEASE, limit=10)
        await uow.commit()
    return list(items)


async def test_concurrent_takers_never_take_one_update_twice(backend: Backend) -> None:
    for n in range(40):
        await add(backend, f"tg:{n}")
    now = T0 + 2 * LEASE
    got = await asyncio.gather(*(take(backend, f"w{k}", now, limit=7) for k in range(6)))
    taken = [event_id for batch in got for event_id, _ in batch]
    assert len(taken) == len(set(taken))
    # A taker may skip rows another one holds locked; those are still due afterwards.
    rest = [event_id for event_id, _ in await take(backend, "last", now)]
    assert sorted(taken + rest) == sorted(f"tg:{n}" for n in range(40))
