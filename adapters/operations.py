"""What every running bot gets, whatever its front end: limits, admin services, metrics, logs."""

from __future__ import annotations

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
        counts = getattr(_storage(runtime), "counts", None)
        if counts is not None:
            out.update(await counts())
        return out

    bot.services.setdefault("reload_knowledge", reload_knowledge)
    bot.services.setdefault("stats", stats)
    runtime.metrics = metrics
    return metrics


def _storage(runtime: Runtime) -> Any:
    return getattr(runtime, "storage", None)
