"""Helpers for storage tests: fill every table about one person, count rows table by table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select

from bot.openings import Opening
from bot.ports import ChatKey, ConversationState, Profile, Subscription
from storage.engine import Storage
from storage.models import PERSONAL_TABLES, Delivery, OpeningRow, SubscriptionRow


async def fill_every_table(storage: Storage, platform: str, user_id: str) -> None:
    """At least one row about this person in every table that can hold one."""
    async with storage.uow() as uow:
        await uow.users.touch(platform, user_id, "Ann")
        await uow.profiles.save(platform, user_id, Profile(skills=("python",)))
        for chat in ("dm", "group"):
            await uow.conversations.save(
                ChatKey(platform=platform, chat_id=f"{chat}-{user_id}", user_id=user_id),
                ConversationState(last_topic="docker"),
            )
        await uow.feedback.add(platform, user_id, "docker", False)
        await uow.subscriptions.save(Subscription(platform=platform, user_id=user_id,
                                                  chat_id=f"dm-{user_id}", query="python"))
        await uow.openings.upsert_many([Opening(source="t", external_id=f"x-{user_id}",
                                                title="t", company="c", url="u")])
        sub_id = (await uow.execute(select(SubscriptionRow.id).where(
            SubscriptionRow.platform == platform, SubscriptionRow.user_id == user_id))).scalar()
        opening_id = (await uow.execute(select(OpeningRow.id).where(
            OpeningRow.external_id == f"x-{user_id}"))).scalar()
        await uow.execute(insert(Delivery).values(
            subscription_id=sub_id, platform=platform, chat_id=f"dm-{user_id}",
            user_id=user_id, opening_id=opening_id))
        await uow.unanswered.record("something nobody answered", f"asker-{user_id}")
        await uow.events.claim(platform, f"event-{user_id}")
        await uow.commit()


async def rows_about(storage: Storage, platform: str, user_id: str) -> dict[str, int]:
    """Row count per personal table for one person."""
    out: dict[str, int] = {}
    async with storage.uow() as uow:
        for model in PERSONAL_TABLES:
            table: Any = model.__table__
            n = (await uow.execute(select(func.count()).select_from(table).where(
                table.c.platform == platform, table.c.user_id == user_id))).scalar_one()
            out[table.name] = int(n)
    return out
