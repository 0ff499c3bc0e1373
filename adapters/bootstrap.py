"""The composition root: builds knowledge, storage and the dialogue core from settings."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from adapters.observability.logs import MessageLog
from adapters.observability.metrics import Metrics
from adapters.settings import Settings
from bot.dialogue import Bot
from bot.handlers.admin import AdminHandler
from bot.handlers.basic import FallbackHandler, GreetingHandler, HelpHandler, TopicsHandler
from bot.handlers.feedback import FeedbackHandler
from bot.handlers.openings import OpeningsHandler
from bot.handlers.privacy import PrivacyHandler
from bot.handlers.profile import ProfileHandler
from bot.handlers.subscribe import SubscribeHandler
from bot.handlers.topics import MoreHandler, TopicHandler
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.memory import MemoryStore
from bot.ports import StorageUnavailable, UnitOfWorkFactory
from bot.ratelimit import RateLimiter
from bot.services import Recommender, Services

if TYPE_CHECKING:
    from storage import Storage

log = logging.getLogger(__name__)


def build_bot(
    kb: KnowledgeBase,
    uow_factory: UnitOfWorkFactory | None,
    *,
    admins: frozenset[str] = frozenset(),
    bot_names: tuple[str, ...] = (),
    services: Services | None = None,
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
        ProfileHandler(),
        SubscribeHandler(),
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
    resources: list[Any] = []
    if memory:
        uow_factory: UnitOfWorkFactory = MemoryStore(list(kb.openings)).uow
    else:
        storage = await open_database(settings, kb)
        resources.append(storage)
        uow_factory = storage.uow
    services: Services | None = None
    if not memory:
        from storage.openings import openings_version

        # The openings index is rebuilt when this aggregate changes (an import, a close).
        services = Services(recommender=Recommender(version_of=openings_version))
    bot = build_bot(kb, uow_factory, admins=settings.admins, services=services)
    runtime = Runtime(settings=settings, kb=kb, bot=bot, resources=resources)
    instrument(runtime)
    return runtime


async def open_database(settings: Settings, kb: KnowledgeBase) -> Storage:
    """DATABASE_URL's storage; SQLite is migrated on the spot, PostgreSQL by `careerbot db upgrade`.

    Raises storage.DatabaseUrlError for an unusable URL. A PostgreSQL server that is down
    is not an error here: the bot starts, answers without memory and reconnects later.
    """
    from storage import open_storage

    storage = await open_storage(settings.database_url)
    try:
        async with storage.uow() as uow:
            # A fresh database starts with the knowledge base's seed openings.
            if kb.openings and await uow.openings.count(open_only=False) == 0:
                await uow.openings.upsert_many(kb.openings)
            # Platforms re-deliver within minutes; a week of event ids is plenty.
            await uow.events.prune(datetime.now(UTC) - timedelta(days=7))
            await uow.commit()
    except StorageUnavailable as exc:
        log.warning("database not reachable at start-up (%s); answering without memory", exc)
    return storage


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
