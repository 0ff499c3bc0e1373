"""The composition root: builds knowledge, storage, the core and the channels from settings."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from threadpoolctl import threadpool_limits

from adapters.channels.base import Channel, Notifiers
from adapters.channels.console.channel import ConsoleChannel
from adapters.channels.slack.channel import SlackChannel
from adapters.channels.telegram.channel import TelegramChannel
from adapters.observability.logs import MessageLog
from adapters.observability.metrics import Metrics
from adapters.settings import Settings
from bot.dialogue import Bot
from bot.encoder import Encoder, shared_encoder
from bot.handlers.admin import AdminHandler
from bot.handlers.basic import (
    FallbackHandler,
    GreetingHandler,
    HelpHandler,
    SmallTalkHandler,
    TopicsHandler,
)
from bot.handlers.feedback import FeedbackHandler
from bot.handlers.opening import OpeningHandler
from bot.handlers.openings import OpeningsHandler
from bot.handlers.privacy import PrivacyHandler
from bot.handlers.profile import ProfileHandler
from bot.handlers.subscribe import SubscribeHandler
from bot.handlers.topics import MoreHandler, TopicHandler
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.memory import MemoryAlertStore, MemoryStore
from bot.ports import AlertStore, Notifier, StorageUnavailable, UnitOfWorkFactory
from bot.ratelimit import RateLimiter
from bot.services import Recommender, Services
from bot.usage import today

if TYPE_CHECKING:
    from storage import Storage

log = logging.getLogger(__name__)

# Every platform, in the order /healthz lists them; a new platform is one more line here.
CHANNELS: tuple[Callable[[Settings], Channel], ...] = (
    ConsoleChannel,
    SlackChannel,
    TelegramChannel,
)
# Platforms re-deliver within minutes; a week of event ids is plenty.
EVENT_RETENTION = timedelta(days=7)


def build_bot(
    kb: KnowledgeBase,
    uow_factory: UnitOfWorkFactory | None,
    *,
    admins: frozenset[str] = frozenset(),
    bot_names: tuple[str, ...] = (),
    services: Services | None = None,
    limiter: RateLimiter | None = None,
    encoder: Encoder | None = None,
    embedding_dir: Path | None = None,
) -> Bot:
    """The dialogue core with every handler registered; order breaks score ties.

    `encoder` None: lexical understanding only. `embedding_dir`: the knowledge base's embedding
    cache (None: the user cache folder).
    """
    # The core's numpy work is matrix-vector products over a few thousand rows, which OpenBLAS
    # splits over every core: no faster, and its threads spin after each product, which doubled
    # the CPU of a message and takes the core the web server or another process needs.
    threadpool_limits(limits=1, user_api="blas")
    handlers = [
        GreetingHandler(),
        HelpHandler(),
        TopicsHandler(),
        PrivacyHandler(),
        FeedbackHandler(),
        MoreHandler(),
        OpeningsHandler(),
        OpeningHandler(),
        ProfileHandler(),
        SubscribeHandler(),
        TopicHandler(),
        SmallTalkHandler(),
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
        encoder=encoder,
        embedding_dir=embedding_dir,
    )


def semantic_encoder() -> Encoder | None:
    """The process's shared sentence encoder, or None (lexical only) when its model is missing."""
    try:
        return shared_encoder()
    except FileNotFoundError as exc:
        log.warning("%s; understanding by words only", exc)
        return None


@dataclass(frozen=True, kw_only=True)
class Runtime:
    """Everything a front end, the service and the CLI need; close() releases what build() opened.

    Exactly one of `storage` (the SQL database) and `memory` (the in-process store) is set.
    """

    settings: Settings
    bot: Bot
    storage: Storage | None
    memory: MemoryStore | None
    alerts: AlertStore
    metrics: Metrics
    channels: tuple[Channel, ...]
    # Alerts go out through here: each platform's channel notifier (or the ones given to build).
    notifier: Notifier
    _exit: AsyncExitStack = field(repr=False)

    @property
    def kb(self) -> KnowledgeBase:
        """The knowledge base in use now (an admin's /reload replaces it)."""
        return self.bot.kb

    @property
    def database_kind(self) -> str:
        return self.storage.dialect if self.storage is not None else "memory"

    async def ping_database(self) -> None:
        """Raise if the database cannot be reached (StorageUnavailable or the driver's error)."""
        if self.storage is not None:
            await self.storage.ping()
        elif self.memory is not None:
            self.memory.check()

    def channel(self, name: str) -> Channel:
        for channel in self.channels:
            if channel.name == name:
                return channel
        raise KeyError(f"no channel {name!r}")

    async def close(self) -> None:
        await self._exit.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()


async def build(
    settings: Settings,
    *,
    store: Storage | MemoryStore | None = None,
    notifiers: Mapping[str, Notifier] | None = None,
    rate_limit: bool = True,
    semantic: bool = True,
) -> Runtime:
    """The runtime for these settings.

    `store`: None opens DATABASE_URL (and close() closes it); a MemoryStore keeps everything in
    process (tests, `chat --memory`, `ask`); a Storage already open is used and left open.
    `notifiers`: alert senders by platform instead of the channels' own (tests, dry runs).
    `rate_limit`: False for a terminal of the operator's own, where no flood can hurt anyone else
    and a script may pipe many turns a minute (`chat --json`).
    `semantic`: False gives a core that matches by words only and never loads the sentence
    encoder's model, for processes that answer no messages or must stay small (the worker).
    """
    kb = load_knowledge(settings.careerbot_knowledge_dir)
    exit_stack = AsyncExitStack()
    try:
        storage: Storage | None = None
        memory: MemoryStore | None = None
        alerts: AlertStore
        if isinstance(store, MemoryStore):
            memory = store
            uow_factory: UnitOfWorkFactory = memory.uow
            alerts = MemoryAlertStore(memory)
        else:
            from storage import open_storage
            from storage.alerts import SqlAlertStore

            if store is None:
                # Raises DatabaseUrlError for an unusable URL. SQLite is migrated on the spot,
                # PostgreSQL by `careerbot db upgrade`; a server that is down is no error here:
                # the bot answers without memory and reconnects later.
                store = await open_storage(settings.database_url)
                exit_stack.push_async_callback(store.aclose)
            storage = store
            uow_factory = storage.uow
            alerts = SqlAlertStore(storage)
        await prepare(uow_factory, kb,
                      unanswered_retention=timedelta(days=settings.unanswered_retention_days))
        metrics = Metrics()
        bot = build_bot(
            kb, uow_factory, admins=settings.admins,
            services=services(settings, metrics, storage),
            limiter=RateLimiter(settings.rate_limit_per_minute, observer=metrics.limited)
            if rate_limit else None,
            encoder=semantic_encoder() if semantic else None,
        )
        metrics.attach(bot)
        bot.hooks.append(MessageLog())
        channels = tuple(make(settings) for make in CHANNELS)
        notifier = Notifiers(channels, notifiers)
        exit_stack.push_async_callback(notifier.aclose)
        return Runtime(settings=settings, bot=bot, storage=storage, memory=memory, alerts=alerts,
                       metrics=metrics, channels=channels, notifier=notifier, _exit=exit_stack)
    except BaseException:
        await exit_stack.aclose()
        raise


def services(settings: Settings, metrics: Metrics, storage: Storage | None) -> Services:
    """What the core's handlers may call on: the openings recommender, /reload, /stats and
    /admin's sign-in links (with CAREERBOT_PUBLIC_URL set)."""
    knowledge_dir = settings.careerbot_knowledge_dir
    links = None
    if settings.careerbot_public_url:
        from adapters.admin.signin import SignInLinks

        links = SignInLinks(settings.careerbot_public_url)

    def reload_knowledge() -> KnowledgeBase:
        return load_knowledge(knowledge_dir)

    async def stats() -> dict[str, Any]:
        out = metrics.stats()
        if storage is not None:
            from storage.stats import database_counts

            out["in the database"] = await database_counts(storage)
        return out

    if storage is None:
        return Services(reload_knowledge=reload_knowledge, stats=stats,
                        asker_key=settings.privacy_key, admin_links=links)
    from storage.openings import openings_version

    # The openings index is rebuilt when this aggregate changes (an import, a close).
    return Services(recommender=Recommender(version_of=openings_version),
                    asker_key=settings.privacy_key, admin_links=links,
                    reload_knowledge=reload_knowledge, stats=stats)


async def prepare(uow_factory: UnitOfWorkFactory, kb: KnowledgeBase, *,
                  unanswered_retention: timedelta | None = None) -> None:
    """A fresh store starts with the knowledge base's seed openings; old event ids and past
    days' hashes of active people go."""
    try:
        async with uow_factory() as uow:
            if kb.openings and await uow.openings.count(open_only=False) == 0:
                await uow.openings.upsert_many(kb.openings)
            await uow.events.prune(datetime.now(UTC) - EVENT_RETENTION)
            if unanswered_retention is not None:
                await uow.unanswered.purge(datetime.now(UTC) - unanswered_retention)
                await uow.feedback.clear_questions(datetime.now(UTC) - unanswered_retention)
            # Past days' hashes of active people become counts (the core does it too, daily).
            await uow.usage.roll_up(today())
            await uow.commit()
    except StorageUnavailable as exc:
        log.warning("database not reachable at start-up (%s); answering without memory", exc)
