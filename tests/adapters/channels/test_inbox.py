"""The inbox's sweep: takes over what a dead process left, retries a bounded number of times."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.channels.inbox import MAX_ATTEMPTS, Inbox
from bot.memory import InboxEntry, MemoryInbox, MemoryStore
from bot.ports import InboxItem, StorageUnavailable

PAST = datetime.now(UTC) - timedelta(seconds=1)


def left(store: MemoryStore, event_id: str, attempts: int = 1) -> None:
    store.inbox[("telegram", event_id)] = InboxEntry(payload="{}", owner="dead:1:0",
                                                     lease_until=PAST, attempts=attempts)


async def test_an_update_that_keeps_failing_is_given_up_with_one_log_line(
        caplog: pytest.LogCaptureFixture) -> None:
    store = MemoryStore()
    inbox = Inbox(store.uow, "telegram")
    left(store, "tg:1")
    resumed: list[InboxItem] = []

    async def failing(item: InboxItem) -> None:
        resumed.append(item)
        raise RuntimeError("the payload does not parse")

    with caplog.at_level(logging.INFO, logger="adapters.channels.inbox"):
        for _ in range(MAX_ATTEMPTS):
            # Released with a delay after each failure; a later sweep finds it due again.
            store.inbox[("telegram", "tg:1")].lease_until = PAST
            await inbox.sweep(failing)
    assert [i.attempts for i in resumed] == list(range(2, MAX_ATTEMPTS + 1))
    assert store.inbox == {}
    dead = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.getMessage() for r in dead] == [
        f"giving up on telegram update tg:1 after {MAX_ATTEMPTS} attempts"]


async def test_a_failed_update_waits_before_its_retry_and_a_live_lease_is_renewed() -> None:
    store = MemoryStore()
    inbox = Inbox(store.uow, "telegram")
    assert await inbox.keep("tg:live", "{}") is True
    assert await inbox.keep("tg:live", "{}") is False  # a re-delivery
    assert await inbox.keep("tg:fails", "{}") is True
    await inbox.failed("tg:fails")
    fails = store.inbox[("telegram", "tg:fails")]
    assert fails.owner is None and fails.lease_until > datetime.now(UTC)
    live = store.inbox[("telegram", "tg:live")]
    before = live.lease_until
    store.inbox[("telegram", "tg:live")].lease_until = PAST  # as if the sweeper were late

    async def never(item: InboxItem) -> None:
        raise AssertionError(f"{item.event_id} is not due")

    assert await inbox.sweep(never) == 0  # renewed first, so not taken from its owner
    assert live.lease_until >= before
    await inbox.done("tg:live")
    assert list(store.inbox) == [("telegram", "tg:fails")]


async def test_without_a_database_an_update_is_processed_unkept() -> None:
    store = MemoryStore()
    inbox = Inbox(store.uow, "telegram")
    store.available = False
    assert await inbox.keep("tg:1", "{}") is None
    assert not inbox.holds("tg:1")
    with pytest.raises(StorageUnavailable):
        await inbox.sweep(lambda item: None)  # type: ignore[arg-type,return-value]


async def test_updates_kept_and_forgotten_meanwhile_share_one_transaction() -> None:
    store = MemoryStore()
    units = 0

    def counting() -> object:
        nonlocal units
        units += 1
        return store.uow()

    inbox = Inbox(counting, "telegram")  # type: ignore[arg-type]
    assert await inbox.keep("tg:1", "{}") is True
    assert await inbox.keep("tg:2", "{}") is True
    units = 0
    # Answered, a new update, and a re-delivery of one being forgotten, all at once.
    kept = await asyncio.gather(inbox.done("tg:1"), inbox.keep("tg:3", "{}"),
                                inbox.done("tg:2"), inbox.keep("tg:2", "{}"))
    assert units == 1
    assert list(kept[1:]) == [True, None, False]  # the re-delivery was recognised before the forget
    assert list(store.inbox) == [("telegram", "tg:3")]
    assert inbox.holds("tg:3") and not inbox.holds("tg:2")


async def test_a_keep_the_database_refuses_does_not_fail_the_forgets_beside_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    store = MemoryStore()
    inbox = Inbox(store.uow, "telegram")
    assert await inbox.keep("tg:1", "{}") is True
    original = MemoryInbox.add

    async def refusing(self: MemoryInbox, platform: str, updates: Sequence[tuple[str, str]],
                       **kwargs: Any) -> set[str]:
        if any(payload == "refused" for _, payload in updates):
            raise ValueError("value too long")
        return await original(self, platform, updates, **kwargs)

    monkeypatch.setattr(MemoryInbox, "add", refusing)
    results = await asyncio.gather(inbox.done("tg:1"), inbox.keep("tg:2", "refused"))
    assert results[1] is None  # processed unkept, as without a database
    assert store.inbox == {}  # the answered update was forgotten all the same
