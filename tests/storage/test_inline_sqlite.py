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


def wal_frames(path: Path) -> int:
    """Frames in the write-ahead log that no checkpoint copied back yet, read without one."""
    wal = path.with_name(path.name + "-wal")
    with sqlite3.connect(path) as db:
        page = db.execute("PRAGMA page_size").fetchone()[0]
    return max(0, wal.stat().st_size - 32) // (page + 24) if wal.exists() else 0


async def many_writes(storage: Storage, n: int, size: int = 3000, *, first: int = 0) -> None:
    for i in range(first, first + n):
        async with storage.uow() as uow:
            await uow.inbox.add("slack", [(f"E{i}", "x" * size)], owner="me", lease_until=T0)
            await uow.commit()


async def test_commits_on_the_loop_never_checkpoint(tmp_path: Path) -> None:
    """SQLite's own checkpoint (past 1,000 pages of log, inside the commit) would block the
    event loop; the inline connections leave it to WalCheckpoints."""
    path = tmp_path / "nockpt.sqlite3"
    storage = Storage.from_url(f"sqlite:///{path}")
    await storage.upgrade()
    assert storage.checkpoints is not None
    storage.checkpoints.every = 10**9  # none in the background either
    try:
        await many_writes(storage, 1200)
        # Each commit adds at least one page: SQLite's default would have restarted the log
        # at 1,000 pages, and the file (never shrunk) would have stayed at that size.
        assert wal_frames(path) > 1200
        async with storage.uow() as uow:
            assert await uow.inbox.add("slack", [("E7", "again")], owner="me",
                                       lease_until=T0) == set()
    finally:
        await storage.aclose()


async def test_checkpoints_run_off_the_loop_and_restart_a_long_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    path = tmp_path / "ckpt.sqlite3"
    storage = Storage.from_url(f"sqlite:///{path}")
    await storage.upgrade()
    checkpoints = storage.checkpoints
    assert checkpoints is not None
    ran: list[tuple[str, str]] = []  # (thread, statement) of the checkpoints' connections
    connect = sqlite3.connect

    def traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = connect(*args, **kwargs)
        name = threading.current_thread().name
        connection.set_trace_callback(lambda sql: ran.append((name, sql)))
        return connection

    monkeypatch.setattr(inline_sqlite.sqlite3, "connect", traced)
    checkpoints.every, checkpoints.restart_frames = 5, 10**9
    try:
        for batch in range(2):
            await many_writes(storage, 6, first=6 * batch)
            await checkpoints.idle()  # one at a time: a commit meanwhile starts none
        done = [sql for _, sql in ran if "wal_checkpoint" in sql]
        assert done == ["PRAGMA wal_checkpoint(PASSIVE)"] * 2
        assert all(thread != threading.main_thread().name for thread, _ in ran)
        with connect(path) as db:
            # Everything they saw was copied back.
            busy, frames, copied = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        assert busy == 0 and frames == copied > 5
        # Past restart_frames the checkpoint also starts the log again: the next commit
        # writes from its beginning.
        ran.clear()
        checkpoints.restart_frames = 0
        await many_writes(storage, 5, size=10, first=12)
        await checkpoints.idle()
        assert [sql for _, sql in ran if "wal_checkpoint" in sql] == [
            "PRAGMA wal_checkpoint(PASSIVE)", "PRAGMA wal_checkpoint(RESTART)"]
        await many_writes(storage, 1, size=10, first=17)
        with connect(path) as db:
            assert db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1] < 5
            assert db.execute("SELECT count(*) FROM inbox").fetchone() == (18,)
    finally:
        await storage.aclose()


async def test_a_failing_checkpoint_is_logged_once(tmp_path: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    checkpoints = inline_sqlite.WalCheckpoints(str(tmp_path / "missing" / "db.sqlite3"))
    checkpoints.checkpoint()
    checkpoints.checkpoint()
    assert [r.getMessage() for r in caplog.records] == [
        "checkpointing the SQLite log failed: OperationalError"]
