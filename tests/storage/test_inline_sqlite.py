"""The statements of every message, run on sqlite3 directly, store and read what SQLAlchemy does."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.markup import Bold, Paragraph, Text
from bot.messages import Reply
from bot.ports import ChatKey, ConversationState, UsageCount
from storage import inline_sqlite, repositories, session
from storage.engine import Storage

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
DAY = date(2026, 12, 1)
KEY = ChatKey(platform="slack", chat_id="D1", user_id="U1")
REPLY = Reply(blocks=(Paragraph((Text("Docker "), Bold("images"))),), intent="topic",
              topic="docker", confidence=0.5)
TABLES = ("inbox", "processed_events", "users", "conversations", "usage_daily",
          "usage_people", "unanswered_questions", "feedback")


async def a_message(storage: Storage) -> list[Any]:
    """Every statement a message, its inbox entry and its ratings run; what each read back."""
    seen: list[Any] = []
    async with storage.uow() as uow:
        seen.append(sorted(await uow.inbox.add("slack", [("E1", '{"n": 1}'), ("E2", "{}")],
                                               owner="me", lease_until=T0)))
        seen.append(await uow.inbox.add("slack", [("E1", "again")], owner="me", lease_until=T0))
        await uow.commit()
    async with storage.uow() as uow:
        seen.append(await uow.events.claim("slack", "E1"))
        seen.append(await uow.events.claim("slack", "E1"))
        await uow.users.touch("slack", "U1", "Ann ☕")
        state = await uow.conversations.get(KEY)
        seen.append(state)
        state = await uow.conversations.save(KEY, ConversationState(
            last_topic="docker", data={"asked": ["what is docker"], "n": 2}))
        state = await uow.conversations.save(KEY, ConversationState(
            last_topic="kubernetes", data={}, version=state.version))
        seen.append(await uow.conversations.get(KEY))
        await uow.usage.add([UsageCount(day=DAY, platform="slack", event="message",
                                        intent="topic", topic="docker")])
        await uow.usage.add([UsageCount(day=DAY, platform="slack", event="message",
                                        intent="topic", topic="docker", count=2),
                             UsageCount(day=DAY, platform="slack", event="rating")])
        await uow.usage.seen(DAY, "slack", "p1")
        await uow.usage.seen(DAY, "slack", "p1")
        await uow.unanswered.record("how do I bake bread", "a1")
        await uow.unanswered.record("how do I bake bread", "a1")
        await uow.feedback.add("slack", "U1", "docker", False, question="why")
        await uow.inbox.answered("slack", "E1", [REPLY])
        await uow.commit()
    async with storage.uow() as uow:
        taken = await uow.inbox.take("slack", "other", now=T0 + timedelta(seconds=1),
                                     lease_until=T0 + timedelta(seconds=5), limit=10)
        seen.append(taken)
        await uow.inbox.done("slack", ["E2"])
        await uow.commit()
    return seen


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as db:
        return {t: db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in TABLES}


async def test_prepared_statements_match_sqlalchemy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(repositories, "now", lambda: T0)
    first = Storage.from_url(f"sqlite:///{tmp_path / 'prepared.sqlite3'}")
    await first.upgrade()
    await first.aclose()
    shutil.copy(tmp_path / "prepared.sqlite3", tmp_path / "sqlalchemy.sqlite3")

    prepared = Storage.from_url(f"sqlite:///{tmp_path / 'prepared.sqlite3'}")
    try:
        read_prepared = await a_message(prepared)
    finally:
        await prepared.aclose()
    # The same through SQLAlchemy's execution (what every statement did before).
    monkeypatch.setattr(inline_sqlite.InlineSqliteTransaction, "_run",
                        session.Transaction._run)
    plain = Storage.from_url(f"sqlite:///{tmp_path / 'sqlalchemy.sqlite3'}")
    try:
        read_plain = await a_message(plain)
    finally:
        await plain.aclose()

    assert read_prepared == read_plain
    assert read_prepared[:4] == [["E1", "E2"], set(), True, False]
    assert read_prepared[-1][0].replies == (REPLY,)
    assert dump(tmp_path / "prepared.sqlite3") == dump(tmp_path / "sqlalchemy.sqlite3")
    # None of them fell back to SQLAlchemy's execution.
    hot = repositories.hot("sqlite")
    ran = {id(statement): plan for statement, plan in inline_sqlite._PREPARED.values()}
    for name in ("add_inbox", "claim_event", "touch_user", "get_conversation",
                 "insert_conversation", "update_conversation", "add_usage", "person_seen",
                 "record_unanswered", "add_feedback", "answer_inbox", "done_inbox"):
        assert ran[id(getattr(hot, name))] is not None, name


async def test_errors_are_sqlalchemys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A prepared statement's failure is translated like any other (here: a locked file)."""
    from sqlalchemy.exc import OperationalError

    from bot.ports import StorageUnavailable

    monkeypatch.setattr(inline_sqlite, "LOCK_WAIT", 0.01)
    monkeypatch.setattr(session, "RETRY_AFTER", 0.0)
    storage = Storage.from_url(f"sqlite:///{tmp_path / 'locked.sqlite3'}")
    await storage.upgrade()
    try:
        other = sqlite3.connect(tmp_path / "locked.sqlite3", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(StorageUnavailable) as raised:
            async with storage.uow() as uow:
                await uow.events.claim("slack", "E1")
        other.close()
        cause = raised.value.__cause__
        assert isinstance(cause, OperationalError) and "locked" in str(cause)
        async with storage.uow() as uow:  # the lock is gone: claimed now, once
            assert await uow.events.claim("slack", "E1")
            await uow.commit()
        async with storage.uow() as uow:
            assert not await uow.events.claim("slack", "E1")
    finally:
        await storage.aclose()
