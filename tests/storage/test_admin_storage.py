"""The admin pages' stores on SQLite and PostgreSQL: counters, people, sign-in tokens, marks."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.ports import UsageCount
from storage.engine import Storage

DAY = date(2026, 11, 30)


async def test_counters_add_up_and_people_count_once_then_roll_up(storage: Storage) -> None:
    for _ in range(2):
        async with storage.uow() as uow:
            await uow.usage.add([UsageCount(day=DAY, platform="telegram", event="answered",
                                            intent="topic", topic="docker", count=2)])
            await uow.usage.seen(DAY, "telegram", "h1")
            await uow.usage.seen(DAY, "telegram", "h2")
            await uow.commit()
    async with storage.uow() as uow:
        counts = {(c.event, c.topic): c.count for c in await uow.usage.since(DAY)}
        assert counts == {("answered", "docker"): 4, ("people", ""): 2}
        assert await uow.usage.held_days() == [DAY]
        assert await uow.usage.forget(["h2"]) == 1
        assert await uow.usage.roll_up(DAY + timedelta(days=1)) == 1
        await uow.commit()
    async with storage.uow() as uow:
        assert await uow.usage.held_days() == []
        counts = {(c.event, c.topic): c.count for c in await uow.usage.since(DAY)}
        assert counts == {("answered", "docker"): 4, ("people", ""): 1}
        assert await uow.usage.since(DAY + timedelta(days=1)) == []


async def test_a_sign_in_token_works_once_and_not_after_it_expires(storage: Storage) -> None:
    now = datetime.now(UTC)
    async with storage.uow() as uow:
        await uow.sign_ins.add("a" * 64, now + timedelta(minutes=5))
        await uow.sign_ins.add("b" * 64, now - timedelta(seconds=1))
        await uow.commit()
    async with storage.uow() as uow:
        assert await uow.sign_ins.consume("b" * 64, now) is False
        assert await uow.sign_ins.consume("a" * 64, now) is True
        await uow.commit()
    async with storage.uow() as uow:
        assert await uow.sign_ins.consume("a" * 64, now) is False


async def test_two_processes_presenting_one_token_sign_in_once(storage: Storage) -> None:
    """Each consume runs in its own connection, as two server processes would."""
    now = datetime.now(UTC)
    async with storage.uow() as uow:
        await uow.sign_ins.add("c" * 64, now + timedelta(minutes=5))
        await uow.commit()

    async def consume() -> bool:
        async with storage.uow() as uow:
            ok = await uow.sign_ins.consume("c" * 64, now)
            await asyncio.sleep(0.05)  # hold the transaction open while the other tries
            await uow.commit()
        return ok

    assert sorted(await asyncio.gather(consume(), consume(), consume())) == [False, False, True]


async def test_marks_and_question_summary(storage: Storage) -> None:
    async with storage.uow() as uow:
        await uow.unanswered.record("salary in poland", "x")
        await uow.unanswered.record("salary in poland", "y")
        await uow.unanswered.record("which laptop", "x")
        at = datetime(2026, 11, 30, 12, tzinfo=UTC)
        await uow.gap_marks.mark(["which laptop", "which laptop"], at)
        await uow.commit()
    async with storage.uow() as uow:
        summary = await uow.unanswered.summary(10)
        assert [(t, n) for t, n, _ in summary] == [("salary in poland", 2), ("which laptop", 1)]
        assert all(last.tzinfo is not None for _, _, last in summary)
        assert await uow.gap_marks.marks() == {"which laptop": at}


async def test_openings_by_source(storage: Storage) -> None:
    from bot.openings import Opening

    async with storage.uow() as uow:
        await uow.openings.upsert_many([
            Opening(source="acme", external_id=str(i), title="t", company="c", url="u")
            for i in range(3)])
        await uow.openings.close_missing("acme", ["0"])
        await uow.commit()
    async with storage.uow() as uow:
        assert await uow.openings.by_source() == [("acme", 1, 2)]


async def test_admin_gets_a_working_link_and_messages_are_counted_through_the_bot(
        storage: Storage, tmp_path: Path) -> None:
    """The link's digest is stored in the message's own transaction (a second one would wait
    on SQLite's write lock held by the first)."""
    from adapters.admin.signin import SignInLinks, redeem
    from adapters.bootstrap import build_bot
    from bot.knowledge import load_knowledge
    from bot.services import Services
    from tests.factories import message
    from tests.fakes.knowledge import write_small_kb

    bot = build_bot(load_knowledge(write_small_kb(tmp_path / "kb")), storage.uow,
                    admins=frozenset({"telegram:1"}),
                    services=Services(admin_links=SignInLinks("https://bot.example.org")))
    [reply] = await bot.handle(message("/admin", user="1", platform="telegram"))
    token = reply.text.split("token=")[1].split()[0]
    assert await redeem(storage.uow, token) is True
    await bot.handle(message("what is docker", user="2", platform="slack"))
    async with storage.uow() as uow:
        counted = {(c.platform, c.event, c.intent, c.topic): c.count
                   for c in await uow.usage.since(date(2026, 1, 1))}
    assert counted[("slack", "answered", "topic", "docker")] == 1
    assert counted[("telegram", "answered", "admin", "")] == 1
    assert counted[("slack", "people", "", "")] == 1
