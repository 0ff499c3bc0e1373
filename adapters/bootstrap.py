"""The composition root: builds knowledge, storage and the dialogue core from settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from adapters.operations import instrument
from adapters.settings import Settings
from bot.dialogue import Bot
from bot.handlers.admin import AdminHandler
from bot.handlers.basic import FallbackHandler, GreetingHandler, HelpHandler, TopicsHandler
from bot.handlers.feedback import FeedbackHandler
from bot.handlers.openings import OpeningsHandler
from bot.handlers.privacy import PrivacyHandler
from bot.handlers.topics import MoreHandler, TopicHandler
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.memory import MemoryStore
from bot.ports import UnitOfWorkFactory
from bot.ratelimit import RateLimiter


def build_bot(
    kb: KnowledgeBase,
    uow_factory: UnitOfWorkFactory | None,
    *,
    admins: frozenset[str] = frozenset(),
    bot_names: tuple[str, ...] = (),
    services: dict[str, Any] | None = None,
    limiter: RateLimiter | None = None,
) -> Bot:
    """The dialogue core with every handler registered; order breaks score ties."""
    handlers = [
        GreetingHandler(),
        HelpHandler(),
        TopicsHandler(),
        PrivacyHandler(),
        FeedbackHandler(),
        MoreHandler(),
        OpeningsHandler(),
        TopicHandler(),
        AdminHandler(),
    ]
    return Bot(
        kb=kb,
        uow_factory=uow_factory,
        handlers=handlers,
        fallback=FallbackHandler(),
        admins=admins,
        bot_names=bot_names,
        services=services,
        limiter=limiter,
    )


@dataclass(kw_only=True)
class Runtime:
    """Everything a front end needs; close() releases what build() opened."""

    settings: Settings
    kb: KnowledgeBase
    bot: Bot
    resources: list[Any] = field(default_factory=list)
    metrics: Any = None

    async def close(self) -> None:
        for res in reversed(self.resources):
            closer = getattr(res, "aclose", None) or getattr(res, "close", None)
            if closer is not None:
                result = closer()
                if hasattr(result, "__await__"):
                    await result
        self.resources.clear()


async def build(settings: Settings, *, memory: bool = False) -> Runtime:
    """Build the runtime. `memory=True` keeps everything in process (tests, benchmarks)."""
    kb = load_knowledge(settings.careerbot_knowledge_dir)
    store = MemoryStore(list(kb.openings))
    bot = build_bot(kb, store.uow, admins=settings.admins)
    runtime = Runtime(settings=settings, kb=kb, bot=bot)
    instrument(runtime)
    return runtime
