"""What each admin page shows, computed from the counters and the stores (no HTML here)."""

from __future__ import annotations

import asyncio
import functools
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from bot import ratings
from bot.dialogue import Bot
from bot.encoder import Vectors
from bot.feeds import FeedStatus
from bot.gaps import Group, Question, centroid, group_by_meaning, nearest_topic, open_groups
from bot.ports import UnitOfWorkFactory, UsageCount
from bot.usage import OUTCOMES, Event, today

DAYS = 30
# The most asked unanswered questions the Gaps page groups; the rest are rarer than any shown.
MAX_QUESTIONS = 500
EXAMPLES = 5
# The most recent questions rated not helpful shown under each least helpful topic.
NEGATIVE_QUESTIONS = 3
# Vectors of question texts kept between page views (384 floats each: 2,000 are 3 MB).
VECTOR_CACHE = 2000
OUTCOME_NAMES: dict[str, str] = {Event.ANSWERED: "answered", Event.DECLINED: "declined",
                 Event.DID_YOU_MEAN: "did you mean"}


def last_days(n: int = DAYS, *, end: date | None = None) -> list[date]:
    end = end or today()
    return [end - timedelta(days=n - 1 - i) for i in range(n)]


@dataclass(frozen=True, kw_only=True)
class Overview:
    days: list[date]
    platforms: list[str]
    messages: dict[str, list[int]]  # platform → per day
    outcomes: dict[str, list[int]]  # outcome name → per day
    ratings: dict[str, list[int]]  # helpful / not helpful → per day
    people: list[int]
    totals: dict[str, int]

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The table under the charts: one row per day, newest first."""
        out = []
        for i, day in enumerate(self.days):
            row: dict[str, Any] = {"day": day}
            row.update({p: self.messages[p][i] for p in self.platforms})
            row.update({name: values[i] for name, values in self.outcomes.items()})
            row.update({name: values[i] for name, values in self.ratings.items()})
            row["people"] = self.people[i]
            out.append(row)
        return out[::-1]

    def share(self, outcome: str) -> float:
        total = sum(self.totals[name] for name in self.outcomes)
        return self.totals[outcome] / total if total else 0.0


def overview(counts: Sequence[UsageCount], days: list[date]) -> Overview:
    index = {d: i for i, d in enumerate(days)}
    platforms = sorted({c.platform for c in counts if c.event in OUTCOMES and c.day in index})
    messages = {p: [0] * len(days) for p in platforms}
    outcomes = {OUTCOME_NAMES[e]: [0] * len(days) for e in OUTCOMES}
    ratings = {"helpful": [0] * len(days), "not helpful": [0] * len(days)}
    people = [0] * len(days)
    for c in counts:
        i = index.get(c.day)
        if i is None:
            continue
        if c.event in OUTCOMES:
            messages[c.platform][i] += c.count
            outcomes[OUTCOME_NAMES[c.event]][i] += c.count
        elif c.event == Event.HELPFUL:
            ratings["helpful"][i] += c.count
        elif c.event == Event.NOT_HELPFUL:
            ratings["not helpful"][i] += c.count
        elif c.event == Event.PEOPLE:
            people[i] += c.count
    totals = {name: sum(v) for name, v in (*outcomes.items(), *ratings.items())}
    totals["messages"] = sum(sum(v) for v in messages.values())
    return Overview(days=days, platforms=platforms, messages=messages, outcomes=outcomes,
                    ratings=ratings, people=people, totals=totals)


@dataclass(frozen=True, kw_only=True)
class TopicRow:
    topic_id: str
    title: str
    answered: int
    helpful: int
    not_helpful: int

    @property
    def rated(self) -> int:
        return self.helpful + self.not_helpful

    @property
    def helpful_share(self) -> float | None:
        return self.helpful / self.rated if self.rated else None


_TOPIC_SLOTS: dict[str, int] = {Event.ANSWERED: 0, Event.HELPFUL: 1, Event.NOT_HELPFUL: 2}


def topic_rows(counts: Sequence[UsageCount], titles: dict[str, str]) -> list[TopicRow]:
    """Every topic of the knowledge base (and any counted since removed), most answered first."""
    tally: dict[str, list[int]] = {t: [0, 0, 0] for t in titles}
    for c in counts:
        # A rating's own reply names its topic too, but answered nothing about it.
        if not c.topic or (c.event == Event.ANSWERED and c.intent == "feedback"):
            continue
        slot = _TOPIC_SLOTS.get(c.event)
        if slot is not None:
            tally.setdefault(c.topic, [0, 0, 0])[slot] += c.count
    rows = [TopicRow(topic_id=t, title=titles.get(t, t), answered=a, helpful=h, not_helpful=n)
            for t, (a, h, n) in tally.items()]
    rows.sort(key=lambda r: (-r.answered, -r.rated, r.topic_id))
    return rows


def least_helpful(rows: Sequence[TopicRow], limit: int = 10) -> list[TopicRow]:
    """The topics rated not helpful, ranked as everywhere else (`bot.ratings`)."""
    by_id = {r.topic_id: r for r in rows}
    ranked = ratings.least_helpful(((r.topic_id, r.helpful, r.not_helpful) for r in rows), limit)
    return [by_id[topic_id] for topic_id, _, _ in ranked]


@dataclass(frozen=True, kw_only=True)
class Gap:
    group: Group
    examples: tuple[Question, ...]
    topic_id: str | None
    topic_title: str | None
    # The nearest topic's similarity; None when no topic is near enough to name.
    score: float | None


@dataclass
class GapFinder:
    """Groups the unanswered questions with the bot's own encoder (never a second model) and
    names the nearest topic with the bot's own retriever."""

    bot: Bot
    _vectors: OrderedDict[str, Vectors] = field(default_factory=OrderedDict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def groups(self, uow_factory: UnitOfWorkFactory) -> list[Group]:
        """The open groups. The questions are read first and the database let go before
        encoding, which may take a moment."""
        async with uow_factory() as uow:
            rows = await uow.unanswered.summary(MAX_QUESTIONS)
            marks = await uow.gap_marks.marks()
        questions = [Question(text=t, count=n, last_asked=last) for t, n, last in rows]
        if not questions:
            return []
        vectors = await self._encode([q.text for q in questions])
        return open_groups(group_by_meaning(questions, vectors), marks)

    async def gaps(self, uow_factory: UnitOfWorkFactory) -> list[Gap]:
        groups = await self.groups(uow_factory)
        index = self.bot.retriever.index
        kb = self.bot.kb
        out = []
        for g in groups:
            near: tuple[str, float] | None = None
            if index is not None and all(q.text in self._vectors for q in g.questions):
                near = nearest_topic(index, centroid(g, self._vectors))
            else:
                # No model: the retriever's word matching (its confidence, 0..1), named only
                # where the bot itself would offer it as a "did you mean".
                ranking = self.bot.retriever.rank(g.leader.text, functools.partial(_given, None))
                best = ranking.best
                if best is not None and best.confidence >= ranking.suggest_at:
                    near = best.topic_id, best.confidence
            topic_id: str | None = None
            score: float | None = None
            if near is not None:
                topic_id, score = near
            title = kb.topics[topic_id].title if topic_id is not None and topic_id in kb.topics \
                else None
            out.append(Gap(group=g, examples=g.questions[:EXAMPLES], topic_id=topic_id,
                           topic_title=title, score=score))
        return out

    async def _encode(self, texts: list[str]) -> Vectors:
        encoder = self.bot.encoder
        if encoder is None:
            # Words only (no model): each question is its own group.
            return np.eye(len(texts), dtype=np.float32)
        async with self._lock:
            missing = [t for t in texts if t not in self._vectors]
            if missing:
                # Encoding hundreds of questions takes a moment: keep the event loop answering.
                fresh = await asyncio.to_thread(encoder.encode, missing)
                for text, v in zip(missing, fresh, strict=True):
                    self._vectors[text] = v
            for t in texts:
                self._vectors.move_to_end(t)
            rows = np.stack([self._vectors[t] for t in texts])
            while len(self._vectors) > max(VECTOR_CACHE, len(texts)):
                self._vectors.popitem(last=False)
            return rows


def _given(vector: Vectors | None) -> Vectors | None:
    return vector


@dataclass(frozen=True, kw_only=True)
class Openings:
    sources: list[tuple[str, int, int]]
    days: list[date]
    activity: dict[str, list[int]]  # subscribed / unsubscribed / alerts sent → per day


def openings(sources: list[tuple[str, int, int]], counts: Sequence[UsageCount],
             days: list[date]) -> Openings:
    index = {d: i for i, d in enumerate(days)}
    names: dict[str, str] = {Event.SUBSCRIBED: "subscribed", Event.UNSUBSCRIBED: "unsubscribed",
                             Event.ALERTS: "openings sent in alerts"}
    activity = {name: [0] * len(days) for name in names.values()}
    for c in counts:
        i = index.get(c.day)
        name = names.get(c.event)
        if i is not None and name is not None:
            activity[name][i] += c.count
    return Openings(sources=sources, days=days, activity=activity)


@dataclass(frozen=True, kw_only=True, slots=True)
class FeedRow:
    """One feed as the Openings page lists it."""

    id: int
    kind: str
    # Without credentials or query string (where feed tokens travel), as in the logs.
    target: str
    format: str | None
    company: str | None
    source: str | None
    every: str
    enabled: bool
    last_refresh: datetime | None
    last_success: datetime | None
    last_error: str | None
    last_result: str | None
    open: int
    closed: int


def feed_rows(statuses: Sequence[FeedStatus]) -> list[FeedRow]:
    """The Openings page's feeds table, in the order they were added."""
    from adapters.feeds import format_every, without_secrets

    return [FeedRow(id=s.feed.id, kind=s.feed.kind.value, target=without_secrets(s.feed.target),
                    format=s.feed.format, company=s.feed.company, source=s.feed.source,
                    every=format_every(s.feed.every), enabled=s.feed.enabled,
                    last_refresh=s.feed.refresh_finished_at, last_success=s.feed.last_success_at,
                    last_error=s.feed.last_error, last_result=s.feed.last_result,
                    open=s.open, closed=s.closed)
            for s in sorted(statuses, key=lambda s: s.feed.id)]
