"""What every running bot gets, whatever its front end: limits, admin services, metrics, logs."""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Any

from adapters.logs import MessageLog
from adapters.metrics import Metrics
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.ratelimit import RateLimiter

if TYPE_CHECKING:
    from adapters.bootstrap import Runtime

log = logging.getLogger(__name__)


def instrument(runtime: Runtime) -> Metrics:
    """Attach the limiter, /reload and /stats services, metrics and the message log to the bot."""
    settings = runtime.settings
    bot = runtime.bot
    if bot.limiter is None:
        bot.limiter = RateLimiter(settings.rate_limit_per_minute)
    metrics = Metrics()
    metrics.attach(bot)
    bot.hooks.append(MessageLog())
    knowledge_dir = settings.careerbot_knowledge_dir

    def reload_knowledge() -> KnowledgeBase:
        return load_knowledge(knowledge_dir)

    async def stats() -> dict[str, Any]:
        out = metrics.stats()
        storage = _storage(runtime)
        if storage is not None:
            out["in the database"] = await database_counts(storage)
        return out

    bot.services = dataclasses.replace(
        bot.services, reload_knowledge=bot.services.reload_knowledge or reload_knowledge,
        stats=bot.services.stats or stats)
    runtime.metrics = metrics
    return metrics


def _storage(runtime: Runtime) -> Any:
    from storage import Storage

    return next((r for r in runtime.resources if isinstance(r, Storage)), None)


async def database_counts(storage: Any) -> dict[str, int]:
    """Totals across every process: people, conversations, subscriptions, open openings,
    alerts delivered (one cheap COUNT each, only when an admin asks)."""
    from sqlalchemy import func, select

    from storage.models import Conversation, Delivery, OpeningRow, SubscriptionRow, User

    queries = {
        "people": select(func.count()).select_from(User),
        "conversations": select(func.count()).select_from(Conversation),
        "subscriptions": select(func.count()).select_from(SubscriptionRow),
        "open openings": select(func.count()).select_from(OpeningRow)
        .where(OpeningRow.is_open.is_(True)),
        "alerts delivered": select(func.count()).select_from(Delivery)
        .where(Delivery.sent_at.is_not(None)),
    }
    async with storage.session() as session:
        return {name: int((await session.execute(q)).scalar_one()) for name, q in queries.items()}
