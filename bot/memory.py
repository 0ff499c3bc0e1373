"""In-memory repositories: the default without a database, and the fakes for core tests."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any, Self

from bot import ratings
from bot.messages import Reply
from bot.openings import Opening
from bot.ports import (
    ChatKey,
    ConversationState,
    DeliveryState,
    InboxItem,
    Profile,
    StaleState,
    StorageUnavailable,
    StoredOpening,
    Subscription,
    UsageCount,
)
from bot.usage import Event, event_count


class MemoryStore:
    """All tables of the in-memory backend; `available = False` simulates a database outage."""

    def __init__(self, openings: list[Opening] | None = None) -> None:
        self.available = True
        self.conversations: dict[ChatKey, ConversationState] = {}
        self.users: dict[tuple[str, str], dict[str, Any]] = {}
        self.profiles: dict[tuple[str, str], Profile] = {}
        # (platform, user id, topic, helpful, when, question rated not helpful)
        self.feedback: list[tuple[str, str, str, bool, datetime, str | None]] = []
        # (asker, text) → [count, first asked, last asked]
        self.unanswered: dict[tuple[str, str], list[Any]] = {}
        self.events: dict[tuple[str, str], datetime] = {}
        # (platform, event_id) → the update, its lease (owner, until) and attempts; in
        # insertion order, which is the order updates arrived in.
        self.inbox: dict[tuple[str, str], InboxEntry] = {}
        self.openings: list[Opening] = list(openings or [])
        self.subscriptions: dict[tuple[str, str, str], Subscription] = {}
        # (platform, chat_id, user_id, opening position) → (state, runner owning it)
        self.deliveries: dict[tuple[str, str, str, int], tuple[DeliveryState, str | None]] = {}
        self.created_at = datetime.now(UTC)
        self.first_seen: dict[tuple[str, str], datetime] = {}
        # (day, platform, event, intent, topic) → count
        self.usage: dict[tuple[date, str, str, str, str], int] = {}
        # (day, platform) → the hashes of the people active then (bot.ports.UsageRepository)
        self.people: dict[tuple[date, str], set[str]] = {}
        # digest → expiry of a sign-in token
        self.sign_ins: dict[str, datetime] = {}
        self.gap_marks: dict[str, datetime] = {}

    def add_openings(self, openings: Sequence[Opening], at: datetime | None = None) -> None:
        """Append openings (as an import would), first seen at `at`."""
        for o in openings:
            self.openings.append(o)
            self.first_seen[(o.source, o.external_id)] = at or datetime.now(UTC)

    def check(self) -> None:
        if not self.available:
            raise StorageUnavailable("in-memory store switched off")

    def uow(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self)


@dataclasses.dataclass(kw_only=True)
class InboxEntry:
    payload: str
    owner: str | None
    lease_until: datetime
    attempts: int = 1
    replies: tuple[Reply, ...] | None = None


class _Repo:
    def __init__(self, store: MemoryStore) -> None:
        self.s = store


class MemoryConversations(_Repo):
    async def get(self, key: ChatKey) -> ConversationState:
        self.s.check()
        return self.s.conversations.get(key, ConversationState())

    async def save(self, key: ChatKey, state: ConversationState) -> ConversationState:
        self.s.check()
        current = self.s.conversations.get(key, ConversationState())
        if current.version != state.version:
            raise StaleState(f"{key} is at version {current.version}, not {state.version}")
        new = dataclasses.replace(state, version=state.version + 1)
        self.s.conversations[key] = new
        return new


class MemoryUsers(_Repo):
    async def touch(self, platform: str, user_id: str, display_name: str | None) -> None:
        self.s.check()
        now = datetime.now(UTC)
        row = self.s.users.setdefault((platform, user_id), {"created_at": now})
        row.update(display_name=display_name, last_seen_at=now)

    async def forget(self, platform: str, user_id: str) -> int:
        self.s.check()
        removed = 0
        if self.s.users.pop((platform, user_id), None) is not None:
            removed += 1
        if self.s.profiles.pop((platform, user_id), None) is not None:
            removed += 1
        for chat in [k for k in self.s.conversations if (k.platform, k.user_id) == (platform, user_id)]:
            del self.s.conversations[chat]
            removed += 1
        before = len(self.s.feedback)
        self.s.feedback = [f for f in self.s.feedback if (f[0], f[1]) != (platform, user_id)]
        removed += before - len(self.s.feedback)
        for sub in [k for k in self.s.subscriptions if (k[0], k[2]) == (platform, user_id)]:
            del self.s.subscriptions[sub]
            removed += 1
        for dkey in [k for k in self.s.deliveries if (k[0], k[2]) == (platform, user_id)]:
            del self.s.deliveries[dkey]
            removed += 1
        return removed

    async def describe(self, platform: str, user_id: str) -> dict[str, Any]:
        self.s.check()
        out: dict[str, Any] = {}
        if (user := self.s.users.get((platform, user_id))) is not None:
            out["user"] = dict(user)
        if (profile := self.s.profiles.get((platform, user_id))) is not None:
            out["profile"] = dataclasses.asdict(profile)
        convs = [dataclasses.asdict(v) for k, v in self.s.conversations.items()
                 if (k.platform, k.user_id) == (platform, user_id)]
        if convs:
            out["conversations"] = convs
        fb = [{"topic": f[2], "helpful": f[3], **({"question": f[5]} if f[5] else {})}
              for f in self.s.feedback if (f[0], f[1]) == (platform, user_id)]
        if fb:
            out["feedback"] = fb
        subs = [dataclasses.asdict(s) for k, s in self.s.subscriptions.items()
                if (k[0], k[2]) == (platform, user_id)]
        if subs:
            out["subscriptions"] = subs
        return out


class MemoryProfiles(_Repo):
    async def get(self, platform: str, user_id: str) -> Profile | None:
        self.s.check()
        return self.s.profiles.get((platform, user_id))

    async def save(self, platform: str, user_id: str, profile: Profile) -> None:
        self.s.check()
        self.s.profiles[(platform, user_id)] = profile


class MemoryFeedback(_Repo):
    async def add(self, platform: str, user_id: str, topic: str, helpful: bool, *,
                  question: str | None = None) -> None:
        self.s.check()
        self.s.feedback.append((platform, user_id, topic, helpful, datetime.now(UTC),
                                None if helpful else question))

    async def least_helpful(self, limit: int) -> list[tuple[str, int, int]]:
        self.s.check()
        tally: dict[str, list[int]] = {}
        for _, _, topic, helpful, _, _ in self.s.feedback:
            t = tally.setdefault(topic, [0, 0])
            t[0 if helpful else 1] += 1
        return ratings.least_helpful(((k, v[0], v[1]) for k, v in tally.items()), limit)

    async def negative_questions(self, topics: Sequence[str],
                                 per_topic: int) -> dict[str, list[tuple[str, datetime]]]:
        self.s.check()
        out: dict[str, list[tuple[str, datetime]]] = {}
        for _, _, topic, _, at, question in reversed(self.s.feedback):
            if question and topic in topics and len(out.setdefault(topic, [])) < per_topic:
                out[topic].append((question, at))
        return {t: qs for t, qs in out.items() if qs}

    async def clear_questions(self, before: datetime) -> int:
        self.s.check()
        old = [i for i, f in enumerate(self.s.feedback) if f[5] is not None and f[4] < before]
        for i in old:
            self.s.feedback[i] = (*self.s.feedback[i][:5], None)
        return len(old)


class MemoryUnanswered(_Repo):
    async def record(self, text: str, asker: str) -> None:
        self.s.check()
        now = datetime.now(UTC)
        row = self.s.unanswered.setdefault((asker, text), [0, now, now])
        row[0] += 1
        row[2] = now

    async def top(self, limit: int) -> list[tuple[str, int]]:
        self.s.check()
        counts: Counter[str] = Counter()
        for (_, text), row in self.s.unanswered.items():
            counts[text] += row[0]
        return counts.most_common(limit)

    async def of(self, asker: str) -> list[dict[str, Any]]:
        self.s.check()
        return [{"text": text, "count": row[0], "first_asked_at": row[1],
                 "last_asked_at": row[2]}
                for (who, text), row in self.s.unanswered.items() if who == asker]

    async def forget(self, asker: str) -> int:
        self.s.check()
        mine = [key for key in self.s.unanswered if key[0] == asker]
        for key in mine:
            del self.s.unanswered[key]
        return len(mine)

    async def purge(self, before: datetime) -> int:
        self.s.check()
        old = [key for key, row in self.s.unanswered.items() if row[2] < before]
        for key in old:
            del self.s.unanswered[key]
        return len(old)


    async def summary(self, limit: int) -> list[tuple[str, int, datetime]]:
        self.s.check()
        out: dict[str, list[Any]] = {}
        for (_, text), (count, _, last) in self.s.unanswered.items():
            row = out.setdefault(text, [0, last])
            row[0] += count
            row[1] = max(row[1], last)
        rows = sorted(out.items(), key=lambda kv: (-kv[1][0], -kv[1][1].timestamp(), kv[0]))
        return [(text, n, last) for text, (n, last) in rows[:limit]]


class MemoryUsage(_Repo):
    async def add(self, counts: Sequence[UsageCount]) -> None:
        self.s.check()
        for c in counts:
            key = (c.day, c.platform, c.event, c.intent, c.topic)
            self.s.usage[key] = self.s.usage.get(key, 0) + c.count

    async def seen(self, day: date, platform: str, person: str) -> None:
        self.s.check()
        self.s.people.setdefault((day, platform), set()).add(person)

    async def roll_up(self, before: date) -> int:
        self.s.check()
        old = [key for key in self.s.people if key[0] < before]
        for day, platform in old:
            n = len(self.s.people.pop((day, platform)))
            key = (day, platform, "people", "", "")
            self.s.usage[key] = self.s.usage.get(key, 0) + n
        return len({day for day, _ in old})

    async def held_days(self) -> list[date]:
        self.s.check()
        return sorted({day for day, _ in self.s.people})

    async def forget(self, people: Sequence[str]) -> int:
        self.s.check()
        removed = 0
        for hashes in self.s.people.values():
            for person in people:
                if person in hashes:
                    hashes.discard(person)
                    removed += 1
        return removed

    async def since(self, day: date) -> list[UsageCount]:
        self.s.check()
        out = [UsageCount(day=d, platform=p, event=e, intent=i, topic=t, count=n)
               for (d, p, e, i, t), n in self.s.usage.items() if d >= day]
        out += [UsageCount(day=d, platform=p, event="people", count=len(hashes))
                for (d, p), hashes in self.s.people.items() if d >= day and hashes]
        return out


class MemorySignIns(_Repo):
    async def add(self, digest: str, expires_at: datetime) -> None:
        self.s.check()
        self.s.sign_ins[digest] = expires_at

    async def consume(self, digest: str, now: datetime) -> bool:
        self.s.check()
        for old in [d for d, until in self.s.sign_ins.items() if until <= now]:
            del self.s.sign_ins[old]
        return self.s.sign_ins.pop(digest, None) is not None


class MemoryGapMarks(_Repo):
    async def mark(self, texts: Sequence[str], at: datetime) -> None:
        self.s.check()
        for text in texts:
            self.s.gap_marks[text] = at

    async def marks(self) -> dict[str, datetime]:
        self.s.check()
        return dict(self.s.gap_marks)


class MemoryEvents(_Repo):
    async def claim(self, platform: str, event_id: str) -> bool:
        self.s.check()
        key = (platform, event_id)
        if key in self.s.events:
            return False
        self.s.events[key] = datetime.now(UTC)
        return True

    async def prune(self, before: datetime) -> int:
        self.s.check()
        old = [k for k, seen in self.s.events.items() if seen < before]
        for k in old:
            del self.s.events[k]
        return len(old)


class MemoryInbox(_Repo):
    async def add(self, platform: str, updates: Sequence[tuple[str, str]], *, owner: str,
                  lease_until: datetime) -> set[str]:
        self.s.check()
        added: set[str] = set()
        for event_id, payload in updates:
            if (platform, event_id) not in self.s.inbox:
                self.s.inbox[(platform, event_id)] = InboxEntry(
                    payload=payload, owner=owner, lease_until=lease_until)
                added.add(event_id)
        return added

    async def answered(self, platform: str, event_id: str, replies: Sequence[Reply]) -> None:
        self.s.check()
        entry = self.s.inbox.get((platform, event_id))
        if entry is not None:
            entry.replies = tuple(replies)

    async def done(self, platform: str, event_ids: Sequence[str]) -> None:
        self.s.check()
        for event_id in event_ids:
            self.s.inbox.pop((platform, event_id), None)

    async def release(self, platform: str, event_id: str, *, retry_at: datetime) -> None:
        self.s.check()
        entry = self.s.inbox.get((platform, event_id))
        if entry is not None:
            entry.owner, entry.lease_until = None, retry_at

    async def renew(self, owner: str, lease_until: datetime) -> int:
        self.s.check()
        held = [e for e in self.s.inbox.values() if e.owner == owner]
        for entry in held:
            entry.lease_until = lease_until
        return len(held)

    async def take(self, platform: str, owner: str, *, now: datetime, lease_until: datetime,
                   limit: int) -> list[InboxItem]:
        self.s.check()
        taken: list[InboxItem] = []
        for (p, event_id), entry in self.s.inbox.items():
            if len(taken) >= limit:
                break
            if p != platform or entry.lease_until >= now:
                continue
            entry.owner, entry.lease_until = owner, lease_until
            entry.attempts += 1
            taken.append(InboxItem(platform=p, event_id=event_id, payload=entry.payload,
                                   attempts=entry.attempts, replies=entry.replies))
        return taken

    async def count(self) -> int:
        self.s.check()
        return len(self.s.inbox)


class MemoryOpenings(_Repo):
    async def list_open(self, *, descriptions: bool = True) -> list[Opening]:
        self.s.check()
        found = [o for o in self.s.openings if o.is_open]
        return found if descriptions else [dataclasses.replace(o, description="") for o in found]

    async def get(self, source: str, external_id: str) -> Opening | None:
        self.s.check()
        return next((o for o in self.s.openings
                     if (o.source, o.external_id) == (source, external_id)), None)

    async def upsert_many(self, openings: Iterable[Opening]) -> tuple[int, int]:
        self.s.check()
        index = {(o.source, o.external_id): i for i, o in enumerate(self.s.openings)}
        inserted = updated = 0
        for o in openings:
            i = index.get((o.source, o.external_id))
            if i is None:
                index[(o.source, o.external_id)] = len(self.s.openings)
                self.s.openings.append(o)
                inserted += 1
            elif self.s.openings[i] != o:
                self.s.openings[i] = o
                updated += 1
        return inserted, updated

    async def close_missing(self, source: str, keep_external_ids: Iterable[str]) -> int:
        self.s.check()
        keep = set(keep_external_ids)
        closed = 0
        for i, o in enumerate(self.s.openings):
            if o.source == source and o.is_open and o.external_id not in keep:
                self.s.openings[i] = dataclasses.replace(o, is_open=False)
                closed += 1
        return closed

    async def count(self, *, open_only: bool = True) -> int:
        self.s.check()
        return sum(1 for o in self.s.openings if o.is_open or not open_only)

    async def by_source(self) -> list[tuple[str, int, int]]:
        self.s.check()
        tally: dict[str, list[int]] = {}
        for o in self.s.openings:
            tally.setdefault(o.source, [0, 0])[0 if o.is_open else 1] += 1
        return [(source, n[0], n[1]) for source, n in sorted(tally.items())]

    async def version(self) -> str:
        """Changes whenever the openings do; the recommender rebuilds its index then."""
        self.s.check()
        return str(hash(tuple(self.s.openings)))


class MemorySubscriptions(_Repo):
    async def get(self, platform: str, chat_id: str, user_id: str) -> Subscription | None:
        self.s.check()
        return self.s.subscriptions.get((platform, chat_id, user_id))

    async def save(self, subscription: Subscription) -> None:
        self.s.check()
        key = (subscription.platform, subscription.chat_id, subscription.user_id)
        self.s.subscriptions[key] = subscription

    async def delete(self, platform: str, chat_id: str, user_id: str) -> bool:
        self.s.check()
        return self.s.subscriptions.pop((platform, chat_id, user_id), None) is not None


class MemoryUnitOfWork:
    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        self.conversations = MemoryConversations(store)
        self.users = MemoryUsers(store)
        self.profiles = MemoryProfiles(store)
        self.feedback = MemoryFeedback(store)
        self.unanswered = MemoryUnanswered(store)
        self.events = MemoryEvents(store)
        self.inbox = MemoryInbox(store)
        self.openings = MemoryOpenings(store)
        self.subscriptions = MemorySubscriptions(store)
        self.usage = MemoryUsage(store)
        self.sign_ins = MemorySignIns(store)
        self.gap_marks = MemoryGapMarks(store)

    async def __aenter__(self) -> Self:
        self.store.check()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    async def commit(self) -> None:
        self.store.check()

    async def rollback(self) -> None:
        return None


class MemoryAlertStore:
    """The alert store over a MemoryStore; mirrors the SQL one's claim/finish semantics."""

    def __init__(self, store: MemoryStore) -> None:
        self.s = store

    async def subscriptions(self) -> list[Subscription]:
        self.s.check()
        return list(self.s.subscriptions.values())

    async def open_openings(self) -> list[StoredOpening]:
        self.s.check()
        return [StoredOpening(id=i, opening=o, first_seen_at=self.s.first_seen.get(
                    (o.source, o.external_id), self.s.created_at))
                for i, o in enumerate(self.s.openings) if o.is_open]

    async def profile(self, platform: str, user_id: str) -> Profile | None:
        self.s.check()
        return self.s.profiles.get((platform, user_id))

    async def claim(self, subscription: Subscription, opening_ids: Sequence[int],
                    runner: str, *, limit: int) -> list[int]:
        self.s.check()
        sub = (subscription.platform, subscription.chat_id, subscription.user_id)
        taken: list[int] = []
        for oid in opening_ids:
            key = (*sub, oid)
            state, _ = self.s.deliveries.setdefault(key, (DeliveryState.PENDING, None))
            if state is DeliveryState.PENDING and len(taken) < limit:
                self.s.deliveries[key] = (DeliveryState.SENDING, runner)
                taken.append(oid)
        return taken

    async def finish(self, subscription: Subscription, opening_ids: Sequence[int], runner: str,
                     *, outcome: DeliveryState, at: datetime) -> None:
        self.s.check()
        sub = (subscription.platform, subscription.chat_id, subscription.user_id)
        for oid in opening_ids:
            key = (*sub, oid)
            if self.s.deliveries.get(key) == (DeliveryState.SENDING, runner):
                self.s.deliveries[key] = (outcome, None)
        if outcome is DeliveryState.SENT:
            await MemoryUsage(self.s).add([event_count(subscription.platform, Event.ALERTS,
                                                       count=len(set(opening_ids)),
                                                       day=at.astimezone(UTC).date())])
        if outcome is DeliveryState.SENT and sub in self.s.subscriptions:
            self.s.subscriptions[sub] = dataclasses.replace(
                self.s.subscriptions[sub], last_sent_at=at)
