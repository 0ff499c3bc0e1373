"""Imports, the seed and exactly-once alerts on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from adapters.importers.feeds import FeedFormat, parse_feed
from adapters.service.alerts import RecordingNotifier
from bot.alerts import run_alerts_once
from bot.messages import Reply
from bot.openings import Opening, Remote
from bot.ports import DeliveryState, Profile, Subscription
from bot.skills import Skill, SkillVocabulary
from storage.alerts import SqlAlertStore
from storage.engine import Storage
from storage.openings import import_batch, import_feed, openings_version, seed_if_empty

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
VOCAB = SkillVocabulary([
    Skill(name="Python", topic="python"), Skill(name="Go", aliases=("golang",), topic="go"),
    Skill(name="PostgreSQL", aliases=("postgres",)), Skill(name="Kubernetes"),
    Skill(name="Docker"), Skill(name="Kafka"), Skill(name="Java"),
])


def feed(text: str | None = None) -> tuple[list[Opening], set[str], str]:
    parsed = parse_feed(text or (FIXTURES / "greenhouse_jobs.json").read_text(),
                        FeedFormat.GREENHOUSE, VOCAB)
    return parsed.openings, parsed.listed_ids, parsed.source


async def all_openings(storage: Storage) -> list[Opening]:
    from sqlalchemy import select

    from storage.models import OpeningRow
    async with storage.uow() as uow:
        rows = (await uow.execute(select(OpeningRow).order_by(OpeningRow.id))).all()
        return [Opening(source=r.source, external_id=r.external_id, title=r.title,
                        company=r.company, url=r.url, is_open=r.is_open) for r in rows]


async def test_reimport_updates_in_place_and_closes_what_is_gone(storage: Storage) -> None:
    openings, listed, source = feed()
    first = await import_feed(storage, openings, source=source, listed_ids=listed, batch=2)
    assert (first.inserted, first.updated, first.closed, first.failed) == (4, 0, 0, 0)
    v1 = await _version(storage)
    again = await import_feed(storage, openings, source=source, listed_ids=listed)
    assert (again.inserted, again.updated, again.closed) == (0, 0, 0)
    assert len(await all_openings(storage)) == 4

    changed = [dataclasses.replace(openings[0], title="Principal Backend Engineer"),
               *openings[1:3]]
    listed_now = {o.external_id for o in changed} | {"4012348"}
    result = await import_feed(storage, changed, source=source, listed_ids=listed_now)
    assert (result.inserted, result.updated, result.closed) == (0, 1, 1)
    rows = {o.external_id: o for o in await all_openings(storage)}
    assert len(rows) == 4
    assert rows["4012345"].title == "Principal Backend Engineer"
    assert not rows["4012350"].is_open and rows["4012346"].is_open
    assert await _version(storage) != v1

    # It comes back in a later feed: reopened in place.
    result = await import_feed(storage, openings, source=source, listed_ids=listed)
    assert result.inserted == 0
    assert all(o.is_open for o in await all_openings(storage))


async def test_malformed_record_is_not_closed_as_gone(storage: Storage) -> None:
    openings, listed, source = feed()
    await import_feed(storage, openings, source=source, listed_ids=listed)
    # The next feed has record 4012350 broken (no title): skipped, but still listed.
    text = (FIXTURES / "greenhouse_jobs.json").read_text().replace(
        '"title": "Engineering Manager, Core API"', '"title": null')
    broken, listed2, _ = feed(text)
    assert "4012350" not in {o.external_id for o in broken} and "4012350" in listed2
    result = await import_feed(storage, broken, source=source, listed_ids=listed2)
    assert result.closed == 0


async def test_a_batch_is_all_or_nothing(storage: Storage) -> None:
    openings, _, source = feed()
    bad = dataclasses.replace(openings[1], url=None)  # type: ignore[arg-type]
    with pytest.raises(Exception):  # noqa: B017 - the driver's own IntegrityError
        await import_batch(storage, [openings[0], bad], source=source, full_feed=False)
    assert await all_openings(storage) == []
    result = await import_feed(storage, [openings[0], bad, openings[2]], source=source,
                               listed_ids={"x"}, batch=2)
    assert result.failed == 2 and result.errors and result.closed == 0
    assert [o.external_id for o in await all_openings(storage)] == [openings[2].external_id]


async def test_seed_only_into_a_database_that_never_had_openings(storage: Storage) -> None:
    seed = [Opening(source="seed", external_id="s1", title="Go Engineer", company="Acme",
                    url="https://example.org/s1", skills=("Go",))]
    assert await seed_if_empty(storage, seed) == 1
    async with storage.uow() as uow:
        await uow.openings.close_missing("seed", set())  # an operator closed it
        await uow.commit()
    assert await seed_if_empty(storage, seed) == 0
    assert [o.is_open for o in await all_openings(storage)] == [False]


async def _version(storage: Storage) -> object:
    async with storage.uow() as uow:
        return await openings_version(uow)


# --- alerts ---------------------------------------------------------------------------------

def job(eid: str, *skills: str) -> Opening:
    return Opening(source="t", external_id=eid, title=f"{eid} engineer", company="Acme",
                   url=f"https://example.org/{eid}", remote=Remote.YES, skills=skills)


async def subscribe(storage: Storage, user: str, query: str = "", *,
                    profile: Profile | None = None, when: datetime | None = None) -> None:
    async with storage.uow() as uow:
        await uow.subscriptions.save(Subscription(
            platform="telegram", user_id=user, chat_id=user, query=query,
            created_at=when or datetime.now(UTC)))
        if profile is not None:
            await uow.profiles.save("telegram", user, profile)
        await uow.commit()


async def add(storage: Storage, *openings: Opening) -> None:
    await import_batch(storage, list(openings), source="t", full_feed=False)


def sent_urls(notifier: RecordingNotifier, user: str | None = None) -> list[str]:
    return [c.url for _, chat, replies in notifier.sent if user in (None, chat)
            for r in replies for c in r.cards]


async def test_each_new_matching_opening_once_as_a_digest(storage: Storage) -> None:
    await add(storage, job("old", "Go"))
    await subscribe(storage, "ann", "go")
    await subscribe(storage, "bob", profile=Profile(skills=("Python",)))
    await add(storage, job("go1", "Go", "Docker"), job("go2", "Go"), job("py1", "Python"),
              job("java", "Java"))
    store = SqlAlertStore(storage)
    notifier = RecordingNotifier()
    stats = await run_alerts_once(store, notifier, VOCAB)
    assert stats.messages == 2 and stats.openings_sent == 3
    # "old" was there before Ann subscribed; Java fits nobody.
    assert sorted(sent_urls(notifier, "ann")) == ["https://example.org/go1",
                                                   "https://example.org/go2"]
    assert sent_urls(notifier, "bob") == ["https://example.org/py1"]
    ann = next(r for _, chat, rs in notifier.sent if chat == "ann" for r in rs)
    assert len(ann.cards) == 2 and "2 new openings" in ann.text  # one digest message

    again = RecordingNotifier()
    assert (await run_alerts_once(store, again, VOCAB)).messages == 0
    await add(storage, job("go3", "Go"))
    await run_alerts_once(store, again, VOCAB)
    assert sent_urls(again) == ["https://example.org/go3"]
    # The Openings page of /admin counts the openings sent, per day.
    async with storage.uow() as uow:
        sent = [c for c in await uow.usage.since(date.today() - timedelta(days=1))
                if c.event == "alerts"]
    assert sum(c.count for c in sent) == 4 and {c.platform for c in sent} == {"telegram"}


class CrashAfterSend(SqlAlertStore):
    """Dies between the platform accepting the message and recording it as sent."""

    async def finish(self, subscription: Subscription, opening_ids: Sequence[int], runner: str,
                     *, outcome: DeliveryState, at: datetime) -> None:
        if outcome is DeliveryState.SENT:
            raise ConnectionResetError("process killed before commit")
        await super().finish(subscription, opening_ids, runner, outcome=outcome, at=at)


async def test_crash_between_send_and_commit_never_sends_twice(storage: Storage) -> None:
    await subscribe(storage, "ann", "go")
    await add(storage, job("go1", "Go"), job("go2", "Go"))
    notifier = RecordingNotifier()
    stats = await run_alerts_once(CrashAfterSend(storage), notifier, VOCAB)
    assert stats.messages == 1 and stats.errors
    # The restarted process finds the deliveries claimed: nothing is sent again.
    await run_alerts_once(SqlAlertStore(storage), notifier, VOCAB)
    assert sorted(sent_urls(notifier)) == ["https://example.org/go1", "https://example.org/go2"]


class FlakyNotifier(RecordingNotifier):
    def __init__(self) -> None:
        super().__init__()
        self.failures = 1

    async def send(self, platform: str, chat_id: str, replies: Sequence[Reply]) -> None:
        if self.failures:
            self.failures -= 1
            raise TimeoutError("telegram timed out")
        await super().send(platform, chat_id, replies)


async def test_a_failed_send_is_retried_not_skipped(storage: Storage) -> None:
    await subscribe(storage, "ann", "go")
    await add(storage, job("go1", "Go"))
    notifier = FlakyNotifier()
    first = await run_alerts_once(SqlAlertStore(storage), notifier, VOCAB)
    assert first.retry_later == 1 and not notifier.sent
    await run_alerts_once(SqlAlertStore(storage), notifier, VOCAB)
    assert sent_urls(notifier) == ["https://example.org/go1"]


class SlowNotifier(RecordingNotifier):
    async def send(self, platform: str, chat_id: str, replies: Sequence[Reply]) -> None:
        await asyncio.sleep(0.01)  # keeps both runners inside their runs at the same time
        await super().send(platform, chat_id, replies)


async def test_two_concurrent_runners_never_double_send(db_url: str, storage: Storage) -> None:
    users = [f"u{i}" for i in range(12)]
    for u in users:
        await subscribe(storage, u, "go")
    await add(storage, *(job(f"go{i}", "Go") for i in range(20)))
    other = Storage.from_url(db_url)  # a second process: its own engine and connections
    notifier = SlowNotifier()
    try:
        for _ in range(3):  # a digest carries 8; three passes deliver all 20
            await asyncio.gather(
                run_alerts_once(SqlAlertStore(storage), notifier, VOCAB, runner="a"),
                run_alerts_once(SqlAlertStore(other), notifier, VOCAB, runner="b"),
            )
    finally:
        await other.aclose()
    for u in users:
        urls = sent_urls(notifier, u)
        assert len(urls) == len(set(urls)) == 20, u


async def test_recommender_rebuilds_its_index_only_after_an_import(storage: Storage,
                                                                   tmp_path: Path) -> None:
    from bot.knowledge import KnowledgeBase
    from bot.services import Recommender

    kb = KnowledgeBase(topics={}, skills=VOCAB)
    await add(storage, job("go1", "Go"))
    rec = Recommender(refresh_seconds=0, version_of=openings_version)
    async with storage.uow() as uow:
        first = await rec.index(kb, uow)
        assert await rec.index(kb, uow) is first
    await import_batch(storage, [dataclasses.replace(job("go1", "Go"), title="Go Lead")],
                       source="t", full_feed=False)
    async with storage.uow() as uow:
        second = await rec.index(kb, uow)
    assert second is not first and second.openings[0].title == "Go Lead"
