"""Every repository against SQLite and PostgreSQL (see conftest: `backend` is parametrised)."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from bot.flows import Step
from bot.openings import Level, Opening, Remote
from bot.ports import (
    ChatKey,
    ConversationState,
    Profile,
    RemotePreference,
    StaleState,
    Subscription,
)
from storage.engine import Storage

KEY = ChatKey(platform="telegram", chat_id="c1", user_id="u1")


def opening(eid: str, **kw: object) -> Opening:
    base: dict[str, object] = {"source": "seed", "external_id": eid, "title": f"Job {eid}",
                               "company": "Acme", "url": f"https://acme.example/{eid}"}
    base.update(kw)
    return Opening(**base)  # type: ignore[arg-type]


async def test_conversation_round_trip_and_versions(storage: Storage) -> None:
    async with storage.uow() as uow:
        assert await uow.conversations.get(KEY) == ConversationState()
        saved = await uow.conversations.save(KEY, ConversationState(
            last_topic="docker", pending=Step.PROFILE_LEVEL, data={"page": 3, "q": "rémote"}))
        assert saved.version == 1
        await uow.commit()
    async with storage.uow() as uow:
        got = await uow.conversations.get(KEY)
        assert got == ConversationState(last_topic="docker", pending=Step.PROFILE_LEVEL,
                                        data={"page": 3, "q": "rémote"}, version=1)
        again = await uow.conversations.save(KEY, got)
        assert again.version == 2
        await uow.commit()


async def test_conversation_stale_version_is_refused(storage: Storage) -> None:
    async with storage.uow() as uow:
        await uow.conversations.save(KEY, ConversationState(last_topic="a"))
        await uow.commit()
    async with storage.uow() as first:
        state = await first.conversations.get(KEY)
        await first.conversations.save(KEY, ConversationState(last_topic="b", version=state.version))
        await first.commit()
    async with storage.uow() as late:
        with pytest.raises(StaleState):
            await late.conversations.save(KEY, ConversationState(last_topic="c", version=1))
    async with storage.uow() as late:
        # A second first-save of the same chat loses too.
        with pytest.raises(StaleState):
            await late.conversations.save(KEY, ConversationState(last_topic="d", version=0))
    async with storage.uow() as uow:
        assert (await uow.conversations.get(KEY)).last_topic == "b"


async def test_two_sessions_racing_on_one_conversation(storage: Storage) -> None:
    """Both read version 1; the first commit wins, the other gets StaleState, nothing is lost."""
    async with storage.uow() as uow:
        await uow.conversations.save(KEY, ConversationState(data={"n": 0}))
        await uow.commit()
    a, b = storage.uow(), storage.uow()
    async with a, b:
        sa, sb = await a.conversations.get(KEY), await b.conversations.get(KEY)
        await a.conversations.save(KEY, ConversationState(data={"n": sa.data["n"] + 1},
                                                          version=sa.version))
        await a.commit()
        with pytest.raises(StaleState):
            await b.conversations.save(KEY, ConversationState(data={"n": sb.data["n"] + 1},
                                                              version=sb.version))
    async with storage.uow() as uow:
        assert (await uow.conversations.get(KEY)).data == {"n": 1}


async def test_uncommitted_work_is_rolled_back(storage: Storage) -> None:
    async with storage.uow() as uow:
        await uow.users.touch("slack", "U1", "Ann")
        await uow.conversations.save(KEY, ConversationState(last_topic="x"))
    async with storage.uow() as uow:
        assert await uow.users.describe("slack", "U1") == {}
        assert await uow.conversations.get(KEY) == ConversationState()


async def test_users_touch_keeps_name_and_moves_last_seen(storage: Storage) -> None:
    async with storage.uow() as uow:
        await uow.users.touch("slack", "U1", "Ann")
    # Rolled back: the next unit of work must write the row after all.
    async with storage.uow() as uow:
        await uow.users.touch("slack", "U1", "Ann")
        await uow.commit()
    first = await describe(storage, "slack", "U1")
    await asyncio.sleep(0.01)
    async with storage.uow() as uow:
        await uow.users.touch("slack", "U1", "Bob")  # seen a moment ago: no write
        await uow.commit()
    assert await describe(storage, "slack", "U1") == first
    storage.touched.clear()  # as if TOUCH_INTERVAL had passed
    async with storage.uow() as uow:
        await uow.users.touch("slack", "U1", None)  # platforms do not always send a name
        await uow.commit()
    second = await describe(storage, "slack", "U1")
    assert second["user"]["display_name"] == "Ann"
    assert second["user"]["created_at"] == first["user"]["created_at"]
    assert second["user"]["last_seen_at"] > first["user"]["last_seen_at"]


async def describe(storage: Storage, platform: str, user_id: str) -> dict[str, object]:
    async with storage.uow() as uow:
        return await uow.users.describe(platform, user_id)


async def test_profiles(storage: Storage) -> None:
    profile = Profile(skills=("python", "postgresql"), unknown_skills=("cobolt",),
                      level=Level.SENIOR, remote=RemotePreference.HYBRID,
                      locations=("Berlin", "München"), years=6)
    async with storage.uow() as uow:
        assert await uow.profiles.get("telegram", "u1") is None
        await uow.profiles.save("telegram", "u1", profile)
        await uow.commit()
    async with storage.uow() as uow:
        assert await uow.profiles.get("telegram", "u1") == profile
        await uow.profiles.save("telegram", "u1", Profile(skills=("go",)))
        await uow.commit()
    async with storage.uow() as uow:
        assert await uow.profiles.get("telegram", "u1") == Profile(skills=("go",))
        assert await uow.profiles.get("slack", "u1") is None


async def test_feedback_least_helpful(storage: Storage) -> None:
    votes = [("docker", True), ("docker", False), ("sql", False), ("sql", False),
             ("sql", True), ("k8s", True), ("nosql", False)]
    async with storage.uow() as uow:
        for i, (topic, helpful) in enumerate(votes):
            await uow.feedback.add("telegram", f"u{i}", topic, helpful)
        await uow.commit()
    async with storage.uow() as uow:
        rows = await uow.feedback.least_helpful(10)
        # Two complaints of three rank before one of one; k8s had no complaints.
        assert rows == [("sql", 1, 2), ("nosql", 0, 1), ("docker", 1, 1)]
        assert await uow.feedback.least_helpful(1) == [("sql", 1, 2)]


async def test_feedback_keeps_negative_questions_newest_first_until_the_retention(
        storage: Storage) -> None:
    from sqlalchemy import update

    from storage.models import Feedback

    ratings = [("docker", False, "what is docker"), ("docker", True, "docker vs vm"),
               ("docker", False, None), ("docker", False, "why containers"),
               ("sql", False, "what is a join"), ("k8s", False, "what is a pod"),
               ("docker", False, "docker compose")]
    async with storage.uow() as uow:
        for i, (topic, helpful, question) in enumerate(ratings):
            await uow.feedback.add("telegram", f"u{i}", topic, helpful, question=question)
        await uow.commit()
    async with storage.uow() as uow:
        # Stamped a day apart, the first oldest, so "newest" does not rest on the clock's grain.
        for i in range(len(ratings)):
            await uow.execute(update(Feedback).where(Feedback.user_id == f"u{i}").values(
                created_at=datetime(2026, 11, 1, tzinfo=UTC) + timedelta(days=i)))
        await uow.commit()
    async with storage.uow() as uow:
        found = await uow.feedback.negative_questions(["docker", "sql", "nosql"], 2)
        assert {t: [q for q, _ in qs] for t, qs in found.items()} == {
            "docker": ["docker compose", "why containers"], "sql": ["what is a join"]}
        assert found["sql"][0][1] == datetime(2026, 11, 5, tzinfo=UTC)
        shown = await uow.users.describe("telegram", "u1")
        assert shown["feedback"][0]["question"] is None  # a helpful rating keeps none
        assert await uow.feedback.clear_questions(datetime(2026, 11, 5, tzinfo=UTC)) == 2
        await uow.commit()
    async with storage.uow() as uow:
        found = await uow.feedback.negative_questions(["docker", "sql"], 5)
        assert {t: [q for q, _ in qs] for t, qs in found.items()} == {
            "docker": ["docker compose"], "sql": ["what is a join"]}
        assert ("docker", 1, 4) in await uow.feedback.least_helpful(5)  # the ratings stay


async def test_unanswered_counts_without_user(storage: Storage) -> None:
    async with storage.uow() as uow:
        for i, text in enumerate(["how to bake bread", "what is rust", "how to bake bread",
                                  "how to bake bread", "what is rust", "weather"]):
            await uow.unanswered.record(text, f"asker-{i % 2}")
        await uow.commit()
    async with storage.uow() as uow:
        assert await uow.unanswered.top(2) == [("how to bake bread", 3), ("what is rust", 2)]


async def test_unanswered_first_and_last_seen(storage: Storage) -> None:
    from sqlalchemy import select

    from storage.models import Unanswered

    async with storage.uow() as uow:
        await uow.unanswered.record("q", "a")
        await uow.commit()
    await asyncio.sleep(0.01)
    async with storage.uow() as uow:
        await uow.unanswered.record("q", "a")
        await uow.commit()
    async with storage.uow() as uow:
        row = (await uow.execute(select(Unanswered))).one()
    assert row.count == 2
    assert row.first_seen_at < row.last_seen_at
    assert row.last_seen_at.tzinfo is not None
    assert not hasattr(row, "user_id")


async def test_events_claimed_once(storage: Storage) -> None:
    async with storage.uow() as uow:
        assert await uow.events.claim("slack", "Ev1")
        assert not await uow.events.claim("slack", "Ev1")
        assert await uow.events.claim("telegram", "Ev1")
        await uow.commit()
    async with storage.uow() as uow:
        assert not await uow.events.claim("slack", "Ev1")
        pruned = await uow.events.prune(datetime.now(UTC) + timedelta(seconds=1))
        assert pruned == 2
        assert await uow.events.claim("slack", "Ev1")


async def test_event_claim_races_across_engines(db_url: str) -> None:
    """Two engines (as two processes would have) claim the same ids at once: one winner each."""
    first, second = Storage.from_url(db_url), Storage.from_url(db_url)

    async def claim(storage: Storage, event_id: str) -> bool:
        async with storage.uow() as uow:
            won = await uow.events.claim("slack", event_id)
            await uow.commit()
            return won

    try:
        ids = [f"E{i}" for i in range(20)]
        results = await asyncio.gather(*(claim(s, e) for e in ids for s in (first, second)))
        assert sum(results) == len(ids)
        assert all(a != b for a, b in zip(results[::2], results[1::2], strict=True))
    finally:
        await first.aclose()
        await second.aclose()


async def test_openings_upsert_close_count(storage: Storage) -> None:
    posted = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    a = opening("1", remote=Remote.YES, level=Level.MID, skills=("python", "sql"),
                location="Remote (EU)", description="Build APIs", posted_at=posted)
    b, c = opening("2"), opening("3")
    async with storage.uow() as uow:
        assert await uow.openings.upsert_many([a, b, c]) == (3, 0)
        await uow.commit()
    async with storage.uow() as uow:
        listed = await uow.openings.list_open()
        assert listed == [a, b, c]
        assert listed[0].posted_at == posted
        # Same rows again: nothing changes; one edited, one new.
        assert await uow.openings.upsert_many([a, b, c]) == (0, 0)
        b2 = opening("2", title="Job 2 (senior)", level=Level.SENIOR)
        assert await uow.openings.upsert_many([b2, opening("4")]) == (1, 1)
        assert await uow.openings.count() == 4
        assert await uow.openings.close_missing("seed", ["1", "2"]) == 2
        assert await uow.openings.close_missing("seed", ["1", "2"]) == 0
        assert await uow.openings.close_missing("other-source", []) == 0
        assert await uow.openings.count() == 2
        assert await uow.openings.count(open_only=False) == 4
        assert [o.external_id for o in await uow.openings.list_open()] == ["1", "2"]
        # A closed opening that shows up again is reopened and counts as updated.
        assert await uow.openings.upsert_many([opening("3")]) == (0, 1)
        assert await uow.openings.count() == 3
        await uow.commit()


async def test_openings_upsert_large_batch(storage: Storage) -> None:
    batch = [opening(str(i), source="feed") for i in range(1200)]
    async with storage.uow() as uow:
        assert await uow.openings.upsert_many(batch) == (1200, 0)
        assert await uow.openings.upsert_many(batch[:700]) == (0, 0)
        assert await uow.openings.close_missing("feed", [o.external_id for o in batch[:700]]) == 500
        assert await uow.openings.count() == 700
        await uow.commit()


async def test_subscriptions(storage: Storage) -> None:
    sub = Subscription(platform="telegram", user_id="u1", chat_id="c1", query="remote python",
                       frequency="daily")
    async with storage.uow() as uow:
        assert await uow.subscriptions.get("telegram", "c1", "u1") is None
        await uow.subscriptions.save(sub)
        await uow.commit()
    async with storage.uow() as uow:
        got = await uow.subscriptions.get("telegram", "c1", "u1")
        assert got is not None
        assert (got.query, got.frequency, got.is_channel) == ("remote python", "daily", False)
        assert got.created_at is not None and got.created_at.tzinfo is not None
        sent = datetime(2026, 3, 1, tzinfo=UTC)
        await uow.subscriptions.save(Subscription(platform="telegram", user_id="u1",
                                                  chat_id="c1", query="go", last_sent_at=sent))
        await uow.commit()
    async with storage.uow() as uow:
        got = await uow.subscriptions.get("telegram", "c1", "u1")
        assert got is not None and got.query == "go" and got.last_sent_at == sent
        assert [s.query for s in await uow.subscriptions.list_all()] == ["go"]
        assert await uow.subscriptions.delete("telegram", "c1", "u1")
        assert not await uow.subscriptions.delete("telegram", "c1", "u1")
        await uow.commit()


async def test_describe_and_forget_cover_every_personal_table(storage: Storage) -> None:
    from tests.storage.helpers import fill_every_table, rows_about

    await fill_every_table(storage, "telegram", "u1")
    await fill_every_table(storage, "telegram", "someone-else")
    before = await rows_about(storage, "telegram", "u1")
    assert all(n > 0 for n in before.values()), before
    async with storage.uow() as uow:
        shown = await uow.users.describe("telegram", "u1")
    assert set(shown) == {"user", "profile", "conversations", "feedback", "subscriptions",
                          "deliveries"}
    async with storage.uow() as uow:
        removed = await uow.users.forget("telegram", "u1")
        await uow.commit()
    assert removed == sum(before.values())
    assert await rows_about(storage, "telegram", "u1") == dict.fromkeys(before, 0)
    others = await rows_about(storage, "telegram", "someone-else")
    assert all(n > 0 for n in others.values()), others
    async with storage.uow() as uow:
        assert await uow.users.describe("telegram", "u1") == {}


async def test_sqlite_waits_for_another_writer_without_blocking_the_loop(
    storage: Storage, backend: str
) -> None:
    """Another process holds SQLite's write lock: our write waits (asynchronously), then lands."""
    if backend != "sqlite":
        pytest.skip("SQLite's database-wide write lock only")
    import sqlite3

    path = storage.engine.url.database
    assert path
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # holds the write lock, like a long import would
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    async def release() -> None:
        await asyncio.sleep(0.2)
        other.execute("COMMIT")

    tick = asyncio.create_task(ticker())
    try:
        async with storage.uow() as uow:
            await asyncio.gather(release(), uow.events.claim("telegram", "late"))
            await uow.commit()
    finally:
        tick.cancel()
        other.close()
    assert ticks >= 10  # the event loop kept running while we waited
    async with storage.uow() as uow:
        assert not await uow.events.claim("telegram", "late")


async def test_openings_listed_for_ranking_leave_descriptions_out(storage: Storage) -> None:
    a = opening("1", description="Build payment APIs.", skills=("Go",))
    async with storage.uow() as uow:
        await uow.openings.upsert_many([a])
        await uow.commit()
    async with storage.uow() as uow:
        (full,) = await uow.openings.list_open()
        (lean,) = await uow.openings.list_open(descriptions=False)
    assert full.description == a.description and a.description
    assert lean.description == "" and lean.skills == a.skills and lean.title == a.title


async def test_one_opening_by_its_feed_record_with_its_description(storage: Storage) -> None:
    a = opening("1", description="Two days a week in the office.", skills=("Go",))
    async with storage.uow() as uow:
        await uow.openings.upsert_many([a, opening("2")])
        await uow.openings.close_missing("seed", ["2"])
        await uow.commit()
    async with storage.uow() as uow:
        assert await uow.openings.get("seed", "1") == dataclasses.replace(a, is_open=False)
        assert (await uow.openings.get("seed", "2")) == opening("2")
        assert await uow.openings.get("seed", "3") is None
        assert await uow.openings.get("other", "1") is None


async def test_database_counts_for_stats(storage: Storage) -> None:
    from storage.stats import database_counts
    from tests.storage.helpers import fill_every_table

    await fill_every_table(storage, "telegram", "u1")
    await fill_every_table(storage, "slack", "u2")
    async with storage.uow() as uow:
        await uow.openings.close_missing("t", ["x-u1"])
        await uow.commit()
    assert await database_counts(storage) == {
        "people": 2, "conversations": 4, "subscriptions": 2, "open openings": 1,
        "alerts delivered": 2,
    }
