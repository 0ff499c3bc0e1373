"""Job openings: ranked for the person, each with why it fits and what they would still need."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.dialogue import Context
from bot.handlers.base import BaseHandler, bare, words_re
from bot.knowledge import KnowledgeBase
from bot.markup import para
from bot.messages import Button, OpeningCard, Reply
from bot.openings import Opening
from bot.ports import RemotePreference, StorageUnavailable, UnitOfWork
from bot.recommend import Match, OpeningIndex, Query, Results, parse_request
from bot.vocabulary import find_level, remote_wish

PAGE_SIZE = 3
MAX_GAP_BUTTONS = 3
# A version check costs one small query; between checks the index is trusted as is.
REFRESH_SECONDS = 10.0

JOB_WORDS = words_re(
    r"jobs?", r"openings?", r"roles?", r"positions?", r"vacanc(?:y|ies)", r"gigs?",
    r"opportunit(?:y|ies)", r"hiring", r"job offers?", r"postings?", r"listings?", r"careers? page",
    r"work for me", r"employment",
)
# A level or remote word ("lead python roles", "hybrid go jobs") also makes it a request.
_REQUEST = words_re(
    r"any", r"find", r"show", r"list", r"recommend\w*", r"suggest\w*", r"available", r"open",
    r"for me", r"match\w*", r"fit\w*", r"looking for", r"search\w*", r"new", r"latest",
    r"who is hiring", r"are there", r"got", r"give me", r"browse", r"entry", r"in [a-z]+",
)
# Advice about the job hunt is the job-search topic, not a search for openings.
_ADVICE = words_re(
    r"how (?:do|can|should|to)", r"tips?", r"advice", r"prepare", r"cv", r"resume", r"cover letter",
    r"interview\w*", r"negotiat\w*", r"salary", r"portfolio", r"linkedin", r"apply(?:ing)? to",
    r"applying", r"write", r"what (?:is|are|does)", r"why", r"should i", r"career path",
    # "the role of backend in web development" describes a function, not a vacancy
    r"(?:role|position)s? of", r"roles? (?:in|for) (?:a|an|the)", r"the role", r"what roles?",
)
_MORE = words_re(r"more", r"next", r"next page", r"show more", r"more (?:jobs|openings|please)")


def card(o: Opening, matched: tuple[str, ...] = ()) -> OpeningCard:
    return OpeningCard(
        title=o.title, company=o.company, url=o.url, location=o.location, remote=o.remote.value,
        level=o.level.value if o.level else None, matched_skills=matched,
    )


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

    def _from_kb(self, kb: KnowledgeBase) -> OpeningIndex:
        if self._index is None or self._index.version != "kb" or self._index.vocab is not kb.skills:
            self._index = OpeningIndex(kb.openings, kb.skills, version="kb")
        return self._index


def recommender(ctx: Context) -> Recommender:
    found = ctx.bot.services.get("recommender")
    if not isinstance(found, Recommender):
        found = Recommender()
        ctx.bot.services["recommender"] = found
    return found


async def openings_index(ctx: Context) -> OpeningIndex:
    try:
        return await recommender(ctx).index(ctx.kb, ctx.uow)
    except StorageUnavailable:
        ctx.bot.storage_failed()
        ctx.degraded = True
        return await recommender(ctx).index(ctx.kb, None)


def describe_query(q: Query) -> str:
    parts = []
    if q.skills:
        parts.append(", ".join(q.skills))
    elif q.known:
        parts.append("your skills (" + ", ".join(q.known[:6]) + ("…" if len(q.known) > 6 else "")
                     + ")")
    if q.level:
        parts.append(q.level.value)
    if q.remote is not RemotePreference.ANY:
        parts.append({"remote": "remote", "hybrid": "hybrid", "onsite": "on-site"}[q.remote.value])
    if q.location:
        parts.append(q.location)
    return "; ".join(parts)


def gap_buttons(matches: tuple[Match, ...], limit: int = MAX_GAP_BUTTONS) -> list[Button]:
    """One button per missing skill that a topic teaches, most frequent gaps first."""
    seen: dict[str, tuple[str, int]] = {}
    for m in matches:
        for g in m.missing:
            if g.topic:
                skill, n = seen.get(g.topic, (g.skill, 0))
                seen[g.topic] = (skill, n + 1)
    ranked = sorted(seen.items(), key=lambda kv: -kv[1][1])[:limit]
    return [Button(label=f"Learn {skill}"[:60], action=f"t:{topic}"[:64])
            for topic, (skill, _) in ranked]


def no_skills_reply() -> Reply:
    return Reply(
        blocks=(para("To recommend openings I need to know at least one skill. Tell me yours with "
                     "/profile (e.g. /profile skills python, postgres; level mid; remote yes), "
                     "or ask for a stack, e.g. “any remote Go jobs?”"),),
        buttons=(Button(label="Set up my profile", action="profile:edit"),),
        intent="openings", confidence=1.0,
    )


class OpeningsHandler(BaseHandler):
    intent = "openings"
    commands = ("jobs",)
    actions = ("jobs",)

    def score(self, ctx: Context) -> float:
        text = bare(ctx.norm)
        if not JOB_WORDS.search(text):
            return 0.0
        if _ADVICE.search(text):
            return 0.2
        if _REQUEST.search(text) or find_level(text) or remote_wish(text) \
                or len(text.split()) <= 3:
            return 0.9
        return 0.55

    def _paging(self, ctx: Context) -> bool:
        if ctx.message.action == "jobs:more" or ctx.command == "more":
            return True
        # "more" typed as text reaches us through the MoreHandler when a list is on screen.
        return (ctx.command is None and not ctx.message.action and "jobs_query" in ctx.state.data
                and bool(_MORE.fullmatch(bare(ctx.norm))))

    async def handle(self, ctx: Context) -> list[Reply]:
        paging = self._paging(ctx)
        text = str(ctx.state.data.get("jobs_query", "")) if paging else ctx.text
        start = int(ctx.state.data.get("page", 0)) + PAGE_SIZE if paging else 0
        request = parse_request(text, ctx.kb.skills)
        q = Query.for_person(await ctx.profile(), request)
        ctx.update(last_topic=None)
        index = await openings_index(ctx)
        # Knowing no skill at all, nothing can be said to fit: list the newest, and ask.
        results = index.rank(q, offset=start, limit=PAGE_SIZE, browse=True)
        ctx.set_data(page=start, jobs_query=text)
        if q.is_empty and not results.matches and not paging:
            return [no_skills_reply()]
        return [self._reply(q, results, start, paging)]

    def _reply(self, q: Query, results: Results, start: int, paging: bool) -> Reply:
        wanted = describe_query(q) or "any skills"
        if not results.matches:
            if paging and results.total:
                msg = "That's all the openings that match."
            else:
                msg = (f"No open positions match {wanted} right now. Try fewer filters, or "
                       "/subscribe to hear when one appears.")
            return Reply(blocks=(para(msg),), intent="openings", confidence=1.0,
                         buttons=(Button(label="Alert me about new ones", action="sub:on"),))
        end = start + len(results.matches)
        head = f"Openings for {wanted} ({start + 1}-{end} of {results.total}):"
        buttons = gap_buttons(results.matches)
        if q.is_empty:
            head = (f"The newest openings ({start + 1}-{end} of {results.total}). Tell me your "
                    "skills with /profile and I'll pick the ones that fit you:")
            buttons.append(Button(label="Set up my profile", action="profile:edit"))
        if end < results.total:
            buttons.append(Button(label="More openings", action="jobs:more"))
        return Reply(
            blocks=(para(head),),
            cards=tuple(m.card() for m in results.matches),
            buttons=tuple(buttons), intent="openings", confidence=1.0,
        )
