"""The in-memory OpeningRepository behaves like the SQL one (see tests/storage)."""

from __future__ import annotations

from bot.memory import MemoryStore
from bot.openings import Level, Opening


def opening(eid: str, **kw: object) -> Opening:
    return Opening(**{"source": "seed", "external_id": eid, "title": f"Job {eid}",  # type: ignore[arg-type]
                      "company": "Acme", "url": f"https://acme.example/{eid}", **kw})


async def test_upsert_close_count() -> None:
    store = MemoryStore()
    async with store.uow() as uow:
        assert await uow.openings.upsert_many([opening("1"), opening("2"), opening("3")]) == (3, 0)
        assert await uow.openings.upsert_many([opening("1"), opening("2")]) == (0, 0)
        assert await uow.openings.upsert_many(
            [opening("2", level=Level.SENIOR), opening("4")]) == (1, 1)
        assert await uow.openings.count() == 4
        assert await uow.openings.close_missing("seed", ["1", "2"]) == 2
        assert await uow.openings.close_missing("other", []) == 0
        assert await uow.openings.count() == 2
        assert await uow.openings.count(open_only=False) == 4
        assert [o.external_id for o in await uow.openings.list_open()] == ["1", "2"]
        assert await uow.openings.upsert_many([opening("3")]) == (0, 1)  # reopened
        assert await uow.openings.count() == 3


async def test_one_opening_by_its_feed_record() -> None:
    store = MemoryStore([opening("1", description="Hybrid, two days in Berlin."), opening("2")])
    async with store.uow() as uow:
        await uow.openings.close_missing("seed", ["2"])
        found = await uow.openings.get("seed", "1")
        assert found is not None and found.description and not found.is_open
        assert await uow.openings.get("seed", "3") is None
        assert await uow.openings.get("other", "2") is None
