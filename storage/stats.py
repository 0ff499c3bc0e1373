"""Totals across every process for the admin's /stats: one cheap COUNT each."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from storage.engine import Storage
from storage.models import Conversation, Delivery, OpeningRow, SubscriptionRow, User

_COUNTS: dict[str, Any] = {
    "people": select(func.count()).select_from(User),
    "conversations": select(func.count()).select_from(Conversation),
    "subscriptions": select(func.count()).select_from(SubscriptionRow),
    "open openings": select(func.count()).select_from(OpeningRow)
    .where(OpeningRow.is_open.is_(True)),
    "alerts delivered": select(func.count()).select_from(Delivery)
    .where(Delivery.sent_at.is_not(None)),
}


async def database_counts(storage: Storage) -> dict[str, int]:
    """People, conversations, subscriptions, open openings, alerts delivered."""
    async with storage.uow() as uow:
        return {name: int((await uow.execute(q)).scalar_one()) for name, q in _COUNTS.items()}
