"""What the composition root lends the core: the openings recommender and the admin commands' sources."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.knowledge import KnowledgeBase
from bot.ports import AdminLinks, UnitOfWork
from bot.recommend import OpeningIndex

# A version check costs one small query; between checks the index is trusted as is.
REFRESH_SECONDS = 10.0

# Re-reads the knowledge folder (raises KnowledgeError).
KnowledgeLoader = Callable[[], KnowledgeBase]
# Extra counters from the composition root (metrics, storage).
StatsSource = Callable[[], Awaitable[Mapping[str, Any]] | Mapping[str, Any]]


class Recommender:
    """Keeps one OpeningIndex per version of the open openings; rebuilt only when they change."""

    def __init__(self, *, refresh_seconds: float = REFRESH_SECONDS,
                 clock: Callable[[], float] = time.monotonic,
                 version_of: Callable[[UnitOfWork], Awaitable[object]] | None = None) -> None:
        self.refresh_seconds = refresh_seconds
        self.clock = clock
        # How to tell the openings changed: storage passes a cheap aggregate query; without
        # one, the repository's version() or, failing that, its count().
        self.version_of = version_of
        self._index: OpeningIndex | None = None
        self._checked = float("-inf")
        self._lock = asyncio.Lock()

    async def index(self, kb: KnowledgeBase, uow: UnitOfWork | None) -> OpeningIndex:
        if uow is None:
            return self._from_kb(kb)
        now = self.clock()
        if self._index is not None and self._index.version != "kb" \
                and now - self._checked < self.refresh_seconds:
            return self._index
        async with self._lock:
            repo: Any = uow.openings
            version: object
            if self.version_of is not None:
                version = await self.version_of(uow)
            elif (own := getattr(repo, "version", None)) is not None:
                version = await own()
            else:
                version = await repo.count()
            self._checked = now
            if self._index is not None and self._index.version == version:
                return self._index
            openings = await repo.list_open(descriptions=False)
            if not openings:
                # A database nobody seeded yet: the knowledge base's own openings.
                return self._from_kb(kb)
            # Building over 100,000 openings takes a moment; keep the event loop answering.
            self._index = await asyncio.to_thread(OpeningIndex, openings, kb.skills,
                                                  version=version)
            return self._index

    @property
    def latest(self) -> OpeningIndex | None:
        """The index built last, perhaps a little stale: for quick looks that cannot wait for
        storage (is a company named in a message one with openings?)."""
        return self._index

    def _from_kb(self, kb: KnowledgeBase) -> OpeningIndex:
        if self._index is None or self._index.version != "kb" or self._index.vocab is not kb.skills:
            self._index = OpeningIndex(kb.openings, kb.skills, version="kb")
        return self._index


@dataclass(frozen=True, kw_only=True, slots=True)
class Services:
    """What handlers may use beyond the knowledge base and storage; None means not offered."""

    # Kept for the bot's lifetime: it holds the openings index between messages.
    recommender: Recommender = field(default_factory=Recommender)
    # /reload
    reload_knowledge: KnowledgeLoader | None = None
    # /stats
    stats: StatsSource | None = None
    # The key of the hash that stands for who asked an unanswered question (see asker()).
    asker_key: bytes = b"careerbot unanswered questions"
    # /admin: one-time links to the maintainer's pages (None: no public URL configured).
    admin_links: AdminLinks | None = None

    def asker(self, platform: str, user_id: str) -> str:
        """A keyed hash of the person (HMAC-SHA256): the same person always gets the same
        value, so /forget and /mydata find their questions, but without the key it cannot be
        turned back into an id, nor checked against a guessed one."""
        return hmac.new(self.asker_key, f"{platform}\0{user_id}".encode(),
                        hashlib.sha256).hexdigest()

    def person(self, day: date, platform: str, user_id: str) -> str:
        """Who was active on `day`, as a keyed hash salted with the day: counts people without
        an id, and one day's hashes cannot be matched with another's."""
        return hmac.new(self.asker_key, f"active\0{day.isoformat()}\0{platform}\0{user_id}".encode(),
                        hashlib.sha256).hexdigest()[:32]
