"""The dialogue core on real databases: privacy, outages, concurrent updates, dedupe, gaps."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest

from adapters.bootstrap import build_bot
from bot.dialogue import Bot
from bot.handlers.base import BaseHandler
from bot.handlers.basic import FallbackHandler
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.messages import Reply
from bot.routing import Context
from storage.engine import Storage
from tests.factories import message
from tests.fakes.knowledge import topic, write_kb
from tests.storage.helpers import fill_every_table, rows_about


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    topics = [
        topic("docker", aliases=["containers"], related=["sql-databases"]),
        topic("sql-databases", title="SQL databases", aliases=["sql", "postgres"],
              related=["docker"]),
    ]
    openings = [{"external_id": "s1", "title": "Backend Engineer", "company": "Acme",
                 "url": "https://acme.example/1", "remote": "yes", "level": "mid",
                 "skills": [], "description": "APIs."}]
    return load_knowledge(write_kb(tmp_path / "kb", topics, openings=openings))


@pytest.fixture
def bot(kb: KnowledgeBase, storage: Storage) -> Bot:
    return build_bot(kb, storage.uow)


def text_of(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


async def test_state_survives_a_new_bot_process(kb: KnowledgeBase, db_url: str,
                                                storage: Storage) -> None:
    """What one process learned, another process (new engine, new Bot) remembers."""
    first = build_bot(kb, storage.uow)
    replies = await first.handle(message("what is docker", user="p1"))
    assert replies[0].topic == "docker"
    other = Storage.from_url(db_url)
    try:
        second = build_bot(kb, other.uow)
        more = await second.handle(message("tell me more", user="p1"))
        assert more[0].topic == "docker"
    finally:
        await other.aclose()


async def test_forget_through_the_dialogue_removes_every_row(bot: Bot, storage: Storage) -> None:
    person = {"platform": "console", "user_id": "ann"}
    await fill_every_table(storage, **person)
    await fill_every_table(storage, platform="console", user_id="bob")
    await bot.handle(message("What is Docker?", user="ann"))
    await bot.handle(message("", user="ann", action="fb:docker:n"))
    shown = text_of(await bot.handle(message("/mydata", user="ann")))
    for key in ("profile", "conversations", "feedback", "subscriptions", "deliveries"):
        assert f'"{key}"' in shown
    assert '"question": "what is docker"' in shown  # with the rating it was given on
    before = await rows_about(storage, **person)
    assert all(before.values()), before

    ask = await bot.handle(message("/forget", user="ann"))
    assert [b.action for b in ask[0].buttons] == ["forget:yes", "forget:no"]
    assert await rows_about(storage, **person) == before  # asking deletes nothing
    done = await bot.handle(message("", user="ann", action="forget:yes"))
    assert "deleted everything" in text_of(done)

    after = await rows_about(storage, **person)
    assert after == dict.fromkeys(before, 0), after  # table by table
    async with storage.uow() as uow:
        assert await uow.feedback.negative_questions(["docker"], 5) == {}
    assert all((await rows_about(storage, platform="console", user_id="bob")).values())
    assert "nothing" in text_of(await bot.handle(message("/mydata", user="ann"))).lower() or \
        '"conversations"' not in text_of(await bot.handle(message("/mydata", user="ann")))


async def test_feedback_and_unanswered_feed_kb_gaps(bot: Bot, storage: Storage) -> None:
    await bot.handle(message("what is docker", user="a"))
    await bot.handle(message("", user="a", action="fb:docker:n"))
    await bot.handle(message("", user="b", action="fb:docker:y"))
    await bot.handle(message("", user="c", action="fb:docker:n"))
    for user in ("a", "b", "c"):
        await bot.handle(message("how do I bake sourdough bread at home", user=user))
    async with storage.uow() as uow:
        assert await uow.feedback.least_helpful(5) == [("docker", 1, 2)]
        top = await uow.unanswered.top(5)
    assert top and top[0][1] == 3 and "sourdough" in top[0][0]


async def test_redelivered_event_is_answered_once(bot: Bot, db_url: str, kb: KnowledgeBase) -> None:
    other = Storage.from_url(db_url)
    try:
        second = build_bot(kb, other.uow)  # another worker process receiving the retry
        first_try = await bot.handle(message("what is docker", event_id="Ev42"))
        retry = await second.handle(message("what is docker", event_id="Ev42"))
        assert first_try and retry == []
    finally:
        await other.aclose()


class Counter(BaseHandler):
    """Adds one to a number in the conversation state; a read-modify-write like any flow."""

    intent = "count"
    commands: ClassVar[tuple[str, ...]] = ("count",)

    def __init__(self, interfere: Callable[[], Awaitable[None]] | None = None) -> None:
        self.interfere = interfere

    async def handle(self, ctx: Context) -> list[Reply]:
        n = int(ctx.state.data.get("n", 0))
        await asyncio.sleep(0.001)  # let the other process interleave
        if self.interfere is not None:
            await self.interfere()
        ctx.set_data(n=n + 1)
        return [Reply(blocks=(), intent="count")]


def counting_bot(kb: KnowledgeBase, storage: Storage,
                 interfere: Callable[[], Awaitable[None]] | None = None) -> Bot:
    return Bot(kb=kb, uow_factory=storage.uow, handlers=[Counter(interfere)],
               fallback=FallbackHandler())


async def final_count(storage: Storage, user: str = "u1") -> int:
    from bot.ports import ChatKey

    async with storage.uow() as uow:
        state = await uow.conversations.get(ChatKey(platform="console", chat_id=user,
                                                    user_id=user))
    return int(state.data.get("n", 0))


async def test_two_processes_updating_one_person_lose_nothing(
    kb: KnowledgeBase, db_url: str, storage: Storage
) -> None:
    other = Storage.from_url(db_url)
    try:
        a, b = counting_bot(kb, storage), counting_bot(kb, other)
        for _ in range(6):
            await asyncio.gather(a.handle(message("/count")), b.handle(message("/count")))
        assert await final_count(storage) == 12
    finally:
        await other.aclose()


async def test_stale_state_is_retried_on_fresh_state(
    kb: KnowledgeBase, db_url: str, storage: Storage
) -> None:
    """Another process saves between our read and our write: StaleState, retry, both count."""
    other = Storage.from_url(db_url)
    interfered: list[int] = []

    async def interfere() -> None:
        if interfered:
            return
        interfered.append(1)
        await counting_bot(kb, other).handle(message("/count"))

    try:
        bot = counting_bot(kb, storage, interfere=interfere)
        # Both processes have seen the person recently, so neither rewrites the users row
        # (which would serialise them) and the interleaving below is possible.
        interfered.append(0)
        await bot.handle(message("/count"))
        await counting_bot(kb, other).handle(message("/count"))
        interfered.clear()
        await bot.handle(message("/count"))
        assert interfered
        assert await final_count(storage) == 4
    finally:
        await other.aclose()


async def test_database_down_mid_conversation_then_back(
    kb: KnowledgeBase, request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> None:
    """PostgreSQL stops: answers keep coming (without memory), one error logged, then recovery."""
    from tests.fakes.postgres import PgServer, new_pg_database

    server: PgServer = request.getfixturevalue("pg_server")
    name = new_pg_database(server, request.getfixturevalue("pg_template"))
    storage = Storage.from_url(server.url(name))
    bot = build_bot(kb, storage.uow)
    try:
        assert (await bot.handle(message("what is docker")))[0].topic == "docker"
        server.stop()
        try:
            with caplog.at_level(logging.WARNING):
                down = await bot.handle(message("what are sql databases"))
                assert down[0].topic == "sql-databases"  # knowledge still answers
                again = await bot.handle(message("tell me more"))
                assert again and again[0].intent != "error"
                asked = await bot.handle(message("/forget"))
                assert "couldn't save" in text_of(asked)  # the person is told
            errors = [r for r in caplog.records
                      if r.levelno >= logging.ERROR and "storage unavailable" in r.getMessage()]
            assert len(errors) == 1
        finally:
            server.start()
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            # Right after an outage the bot skips the database for a moment (RETRY_AFTER).
            for _ in range(50):
                back = await bot.handle(message("what are sql databases"))
                assert back[0].topic == "sql-databases"
                if any("storage is back" in r.getMessage() for r in caplog.records):
                    break
                await asyncio.sleep(0.1)
        assert any("storage is back" in r.getMessage() for r in caplog.records)
        more = await bot.handle(message("tell me more"))
        assert more[0].topic == "sql-databases"  # memory works again
    finally:
        await storage.aclose()
        server.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class Slow(BaseHandler):
    """Holds its unit of work open across an await, as a handler calling an API would."""

    intent = "slow"
    commands: ClassVar[tuple[str, ...]] = ("slow",)

    async def handle(self, ctx: Context) -> list[Reply]:
        await asyncio.sleep(0.01)
        ctx.set_data(seen=True)
        return [Reply(blocks=(), intent="slow")]


async def test_many_people_at_once_share_the_pool(kb: KnowledgeBase, storage: Storage) -> None:
    """More simultaneous messages than pooled connections: all answered, none stuck."""
    bot = Bot(kb=kb, uow_factory=storage.uow, handlers=[Slow()], fallback=FallbackHandler())
    for i in range(40):  # seen recently: each message now starts with a read, not a write
        await bot.handle(message("hi", user=f"p{i}"))
    replies = await asyncio.wait_for(asyncio.gather(
        *(bot.handle(message("/slow", user=f"p{i}")) for i in range(40))
    ), timeout=60)
    assert all(r and r[0].intent == "slow" for r in replies)


async def test_after_an_outage_messages_skip_the_database_for_a_moment(
    kb: KnowledgeBase, storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No connection attempt per message while the database is known to be down."""
    from bot.ports import StorageUnavailable
    from storage import session

    bot = build_bot(kb, storage.uow)
    assert (await bot.handle(message("what is docker")))[0].topic == "docker"
    storage.health.failed()
    attempts: list[int] = []
    for name in ("execute", "run"):  # any statement, prepared or not
        original = getattr(session.Transaction, name)

        async def counting(self: Any, *args: Any, _original: Any = original,
                           **kwargs: Any) -> Any:
            attempts.append(1)
            return await _original(self, *args, **kwargs)

        monkeypatch.setattr(session.Transaction, name, counting)
    down = await bot.handle(message("tell me more"))
    assert down[0].topic is None or down[0].intent != "error"
    assert attempts == []
    with pytest.raises(StorageUnavailable):
        async with storage.uow():
            pass
    monkeypatch.setattr(session, "RETRY_AFTER", 0.0)
    storage.health.failed()
    await bot.handle(message("what is docker"))
    assert attempts  # tried again once the moment passed
