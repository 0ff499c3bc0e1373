"""The SQL alert store: a delivery row is inserted (claimed) before sending, never twice.

The unique key (platform, chat_id, user_id, opening_id) of `deliveries` is the whole
mechanism. claim() inserts the rows it means to send with ON CONFLICT DO NOTHING … RETURNING
and commits: only the runner whose insert created a row gets it back, on SQLite and on
PostgreSQL alike (a second runner's insert waits for the first one's commit and then
conflicts). finish() stamps sent_at after the platform accepted the message, deletes the rows
again when sending failed in a way worth retrying, and keeps them when it failed for good.
See bot/alerts.py for what this guarantees and the one window it cannot close.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update

from bot.ports import DeliveryState, Profile, StoredOpening, Subscription
from bot.usage import Event, event_count
from storage.engine import Storage
from storage.models import Delivery, SubscriptionRow
from storage.repositories import CHUNK, dialect_insert


class SqlAlertStore:
    """Implements bot.ports.AlertStore; every method is its own short transaction."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    async def subscriptions(self) -> list[Subscription]:
        async with self.storage.uow() as uow:
            return await uow.subscriptions.list_all()

    async def open_openings(self) -> list[StoredOpening]:
        async with self.storage.uow() as uow:
            return await uow.openings.list_open_stored()

    async def profile(self, platform: str, user_id: str) -> Profile | None:
        async with self.storage.uow() as uow:
            return await uow.profiles.get(platform, user_id)

    async def claim(self, subscription: Subscription, opening_ids: Sequence[int],
                    runner: str, *, limit: int) -> list[int]:
        s = subscription
        d = Delivery
        key = (d.platform == s.platform, d.chat_id == s.chat_id, d.user_id == s.user_id)
        async with self.storage.uow() as uow:
            done: set[int] = set()
            ids = list(dict.fromkeys(opening_ids))
            for i in range(0, len(ids), CHUNK):
                done.update((await uow.execute(
                    select(d.opening_id).where(*key, d.opening_id.in_(ids[i:i + CHUNK]))
                )).scalars())
            fresh = [i for i in ids if i not in done][:limit]
            if not fresh:
                return []
            sub_id = (await uow.execute(select(SubscriptionRow.id).where(
                SubscriptionRow.platform == s.platform, SubscriptionRow.chat_id == s.chat_id,
                SubscriptionRow.user_id == s.user_id))).scalar()
            stmt = dialect_insert(self.storage.dialect)(Delivery).values([
                {"subscription_id": sub_id, "platform": s.platform, "chat_id": s.chat_id,
                 "user_id": s.user_id, "opening_id": oid} for oid in fresh
            ]).on_conflict_do_nothing(
                index_elements=["platform", "chat_id", "user_id", "opening_id"]
            ).returning(d.opening_id)
            won = set((await uow.execute(stmt)).scalars())
            await uow.commit()
        return [i for i in fresh if i in won]

    async def finish(self, subscription: Subscription, opening_ids: Sequence[int], runner: str,
                     *, outcome: DeliveryState, at: datetime) -> None:
        s = subscription
        d = Delivery
        key = (d.platform == s.platform, d.chat_id == s.chat_id, d.user_id == s.user_id,
               d.opening_id.in_(list(opening_ids)))
        async with self.storage.uow() as uow:
            if outcome is DeliveryState.SENT:
                await uow.execute(update(d).where(*key).values(sent_at=at))
                await uow.execute(update(SubscriptionRow).where(
                    SubscriptionRow.platform == s.platform, SubscriptionRow.chat_id == s.chat_id,
                    SubscriptionRow.user_id == s.user_id).values(last_sent_at=at))
                await uow.usage.add([event_count(s.platform, Event.ALERTS,
                                                 count=len(set(opening_ids)), day=at.date())])
            elif outcome is DeliveryState.PENDING:
                # Released: the next run claims and sends them again.
                await uow.execute(delete(d).where(*key))
            # FAILED keeps the rows: a chat that is gone is not retried.
            await uow.commit()
