"""Unanswered questions on SQLite and PostgreSQL: stored without user ids or what names a
person, covered by /mydata and /forget through a keyed hash, purged after the retention, and
migration 0003 keeping what was stored before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from adapters.bootstrap import build_bot
from bot.dialogue import Bot
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.messages import Reply
from bot.services import Services
from storage.engine import Storage
from storage.migrate import downgrade, upgrade
from storage.models import Unanswered
from tests.factories import message
from tests.fakes.knowledge import topic, write_kb

PANCAKES = "<@U0A1B2C3D4> how do I make pancakes? mail ann.lee@example.com or +49 170 1234567"


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    return load_knowledge(write_kb(tmp_path / "kb", [topic("docker", aliases=["containers"])]))


@pytest.fixture
def bot(kb: KnowledgeBase, storage: Storage) -> Bot:
    return build_bot(kb, storage.uow, services=Services(asker_key=b"test key"))


async def ask(bot: Bot, text: str, user: str) -> Reply:
    (reply,) = await bot.handle(message(text, user=user, platform="slack"))
    return reply


async def stored(storage: Storage) -> list[tuple[str, str, int]]:
    async with storage.uow() as uow:
        rows = (await uow.execute(select(Unanswered.asker, Unanswered.text, Unanswered.count)
                                  .order_by(Unanswered.id))).all()
    return [(r[0], r[1], r[2]) for r in rows]


async def test_no_user_id_or_contact_is_stored_and_mydata_and_forget_cover_them(
        bot: Bot, storage: Storage) -> None:
    assert (await ask(bot, PANCAKES, "U0A1B2C3D4")).intent == "fallback"
    await ask(bot, "how do I make pancakes", "U0A1B2C3D4")
    await ask(bot, "how do I make pancakes", "U9Z8Y7X6W5")
    rows = await stored(storage)
    assert [(t, n) for _, t, n in rows] == [("how do i make pancakes mail or", 1),
                                            ("how do i make pancakes", 1),
                                            ("how do i make pancakes", 1)]
    dump = repr(rows).lower()
    assert "u0a1b2c3d4" not in dump and "u9z8y7x6w5" not in dump and "example" not in dump
    assert "1234567" not in dump and "ann" not in dump
    mine = rows[0][0]
    assert len(mine) == 64 and rows[1][0] == mine and rows[2][0] != mine
    # The hash is keyed: the same person under another key is another value.
    assert Services(asker_key=b"other").asker("slack", "U0A1B2C3D4") != mine

    mydata = await ask(bot, "/mydata", "U0A1B2C3D4")
    assert "unanswered_questions" in mydata.text and "how do i make pancakes" in mydata.text
    await ask(bot, "/forget", "U0A1B2C3D4")
    done = await ask(bot, "yes", "U0A1B2C3D4")
    assert done.text.startswith("Done: I deleted everything")
    assert [(t, n) for _, t, n in await stored(storage)] == [("how do i make pancakes", 1)]
    assert "unanswered" not in (await ask(bot, "/mydata", "U0A1B2C3D4")).text
    async with storage.uow() as uow:
        assert await uow.unanswered.top(5) == [("how do i make pancakes", 1)]


async def test_questions_past_the_retention_are_purged(storage: Storage) -> None:
    async with storage.uow() as uow:
        await uow.unanswered.record("old question", "a")
        await uow.unanswered.record("new question", "b")
        await uow.execute(Unanswered.__table__.update().where(  # type: ignore[attr-defined]
            Unanswered.text == "old question").values(
                last_seen_at=datetime.now(UTC) - timedelta(days=91)))
        await uow.commit()
    async with storage.uow() as uow:
        assert await uow.unanswered.purge(datetime.now(UTC) - timedelta(days=90)) == 1
        await uow.commit()
    async with storage.uow() as uow:
        assert await uow.unanswered.top(5) == [("new question", 1)]


async def test_migration_0003_keeps_counts_scrubs_slack_ids_and_goes_back(
        empty_url: str) -> None:
    storage = Storage.from_url(empty_url)
    try:
        await upgrade(storage.engine, "0002")
        async with storage.engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO unanswered_questions (text, count, first_seen_at, last_seen_at) "
                "VALUES ('u0a1b2c3d4 how do i make pancakes', 2, '2026-11-01', '2026-11-20'), "
                "('how do i make pancakes', 3, '2026-10-01', '2026-11-10'), "
                "('w12345678x', 1, '2026-11-01', '2026-11-01'), "
                "('what is rust', 4, '2026-11-02', '2026-11-03')"))
        await upgrade(storage.engine)
        assert await stored(storage) == [("", "how do i make pancakes", 5),
                                         ("", "what is rust", 4)]
        async with storage.uow() as uow:
            await uow.unanswered.record("what is rust", "someone")
            (first, last), = (await uow.execute(
                select(Unanswered.first_seen_at, Unanswered.last_seen_at)
                .where(Unanswered.text == "how do i make pancakes"))).all()
            await uow.commit()
        assert (first.month, last.day) == (10, 20)
        async with storage.uow() as uow:
            # Ties: the one asked last first.
            assert await uow.unanswered.top(5) == [("what is rust", 5),
                                                   ("how do i make pancakes", 5)]
        await downgrade(storage.engine, "0002")
        async with storage.engine.connect() as conn:
            rows = (await conn.execute(text(
                "SELECT text, count FROM unanswered_questions ORDER BY text"))).all()
        assert [tuple(r) for r in rows] == [("how do i make pancakes", 5), ("what is rust", 5)]
        await upgrade(storage.engine)
    finally:
        await storage.aclose()
