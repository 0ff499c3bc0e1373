"""Repository interfaces the core needs; storage/ implements them, tests use bot.memory."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self

from bot.flows import Step
from bot.openings import Level, Opening, level_for_years

if TYPE_CHECKING:
    from bot.messages import Reply


class StorageUnavailable(Exception):
    """The database cannot be reached; the core degrades to answering without memory."""


class StaleState(Exception):
    """Another process saved this conversation first (optimistic locking)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class ChatKey:
    platform: str
    chat_id: str
    user_id: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ConversationState:
    last_topic: str | None = None
    pending: Step | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    version: int = 0


class RemotePreference(StrEnum):
    REMOTE = "remote"
    ONSITE = "onsite"
    HYBRID = "hybrid"
    ANY = "any"


@dataclass(frozen=True, kw_only=True, slots=True)
class Profile:
    """What a person told about themselves; only the openings recommender reads it.

    The remote wish and the places combine as "either": remote openings anywhere (unless the
    wish is on-site), or openings in one of the places (in the wished mode when it is hybrid
    or on-site). So "remote or Berlin" is REMOTE with the place Berlin. Without places the
    wish alone filters; a hybrid wish takes remote openings too. With `remote_from`, the places
    are where the person lives ("I live in Canada and want remote"): remote openings only, those
    open to the places first (see bot.recommend.Query.for_person).
    """

    skills: tuple[str, ...] = ()
    unknown_skills: tuple[str, ...] = ()
    level: Level | None = None  # as the person gave it
    remote: RemotePreference = RemotePreference.ANY
    locations: tuple[str, ...] = ()
    years: int | None = None  # of experience
    remote_from: bool = False  # a remote wish done from the places, not "remote or there"

    @property
    def seniority(self) -> Level | None:
        """The level given, else the one the years of experience suggest."""
        if self.level is not None or self.years is None:
            return self.level
        return level_for_years(self.years)

    @property
    def is_empty(self) -> bool:
        return not (self.skills or self.unknown_skills or self.level or self.locations
                    or self.years is not None) and self.remote is RemotePreference.ANY


@dataclass(frozen=True, kw_only=True, slots=True)
class Subscription:
    platform: str
    user_id: str
    chat_id: str
    # Free-form filters as typed ("remote python senior"); parsed by the recommender.
    query: str = ""
    frequency: str = "instant"  # instant | daily | weekly (channel digests)
    is_channel: bool = False
    created_at: datetime | None = None
    last_sent_at: datetime | None = None


class ConversationRepository(Protocol):
    async def get(self, key: ChatKey) -> ConversationState: ...

    async def save(self, key: ChatKey, state: ConversationState) -> ConversationState:
        """Store state if its version is still current (else StaleState); returns the new version."""
        ...


class UserRepository(Protocol):
    async def touch(self, platform: str, user_id: str, display_name: str | None) -> None: ...

    async def forget(self, platform: str, user_id: str) -> int:
        """Delete every row about this person in every table; returns rows removed."""
        ...

    async def describe(self, platform: str, user_id: str) -> dict[str, Any]:
        """Everything stored about this person, for /mydata."""
        ...


class ProfileRepository(Protocol):
    async def get(self, platform: str, user_id: str) -> Profile | None: ...

    async def save(self, platform: str, user_id: str, profile: Profile) -> None: ...


class FeedbackRepository(Protocol):
    async def add(self, platform: str, user_id: str, topic: str, helpful: bool, *,
                  question: str | None = None) -> None:
        """A rating; `question` (normalised, as unanswered questions are) only with a negative one."""
        ...

    async def least_helpful(self, limit: int) -> list[tuple[str, int, int]]:
        """(topic, helpful, not helpful) of the topics rated not helpful, ranked by `bot.ratings`."""
        ...

    async def negative_questions(self, topics: Sequence[str],
                                 per_topic: int) -> dict[str, list[tuple[str, datetime]]]:
        """Per topic, the `per_topic` most recent questions rated not helpful (text, when),
        newest first; topics without any are left out."""
        ...

    async def clear_questions(self, before: datetime) -> int:
        """Forget the questions of ratings given before `before` (the unanswered questions'
        retention), keeping the ratings; returns how many."""
        ...


class UnansweredRepository(Protocol):
    """Questions nobody could answer, counted. Who asked is kept only as `asker`, a keyed
    hash (Services.asker), so /forget and /mydata find a person's questions but the table
    names nobody."""

    async def record(self, text: str, asker: str) -> None: ...

    async def top(self, limit: int) -> list[tuple[str, int]]:
        """The most asked questions with how often, over all askers."""
        ...

    async def of(self, asker: str) -> list[dict[str, Any]]:
        """One asker's questions (text, count, first and last asked), for /mydata."""
        ...

    async def forget(self, asker: str) -> int:
        """Delete one asker's questions; returns how many."""
        ...

    async def purge(self, before: datetime) -> int:
        """Delete questions last asked before `before` (the retention); returns how many."""
        ...

    async def summary(self, limit: int) -> list[tuple[str, int, datetime]]:
        """(text, how often, last asked) over all askers, the most asked first."""
        ...


class EventRepository(Protocol):
    async def claim(self, platform: str, event_id: str) -> bool:
        """True the first time an event id is seen, across all processes."""
        ...

    async def prune(self, before: datetime) -> int:
        """Forget event ids seen before `before` (platforms re-deliver within minutes)."""
        ...


@dataclass(frozen=True, kw_only=True, slots=True)
class InboxItem:
    """A platform update acknowledged but not yet answered (see InboxRepository)."""

    platform: str
    event_id: str
    payload: str  # the update as the platform sent it
    attempts: int  # processings started, this one included
    # The core's answer once it was given (kept in the same transaction as the event claim),
    # so a process that died before delivering it leaves only the sending to do.
    replies: tuple[Reply, ...] | None = None


class InboxRepository(Protocol):
    """Updates kept before the platform gets its 200, until they are answered.

    A row is leased to one process (`owner`) until `lease_until`; one whose lease ran out
    (its process died, or it failed and waits for a retry) is taken again by any process.
    """

    async def add(self, platform: str, updates: Sequence[tuple[str, str]], *, owner: str,
                  lease_until: datetime) -> set[str]:
        """Keep new updates, (event id, payload) each, leased to `owner`; returns the event ids
        kept now (the others are kept already: re-deliveries)."""
        ...

    async def answered(self, platform: str, event_id: str, replies: Sequence[Reply]) -> None:
        """Keep the core's replies with their update; nothing when no such update is kept."""
        ...

    async def done(self, platform: str, event_ids: Sequence[str]) -> None:
        """These updates are answered: forget them."""
        ...

    async def release(self, platform: str, event_id: str, *, retry_at: datetime) -> None:
        """Processing failed: any process may take the update again from `retry_at`."""
        ...

    async def renew(self, owner: str, lease_until: datetime) -> int:
        """Extend the lease of every update `owner` holds; returns how many."""
        ...

    async def take(self, platform: str, owner: str, *, now: datetime, lease_until: datetime,
                   limit: int) -> list[InboxItem]:
        """Lease to `owner` up to `limit` updates whose lease ran out before `now`, oldest
        first, counting an attempt each; no two processes take the same update."""
        ...

    async def count(self) -> int: ...


class OpeningRepository(Protocol):
    async def list_open(self, *, descriptions: bool = True) -> list[Opening]:
        """Open openings; without descriptions (the bulk of each row) for the ranking index."""
        ...

    async def get(self, source: str, external_id: str) -> Opening | None:
        """One opening of a feed, open or closed, with its description; None if never seen."""
        ...

    async def upsert_many(self, openings: Iterable[Opening]) -> tuple[int, int]:
        """Add new openings (by source, external_id), update changed ones: (inserted, updated)."""
        ...

    async def close_missing(self, source: str, keep_external_ids: Iterable[str]) -> int:
        """Close the open openings of `source` not in `keep_external_ids`; returns how many."""
        ...

    async def count(self, *, open_only: bool = True) -> int: ...

    async def by_source(self) -> list[tuple[str, int, int]]:
        """(source, open, closed) for every source, by name."""
        ...


class SubscriptionRepository(Protocol):
    async def get(self, platform: str, chat_id: str, user_id: str) -> Subscription | None: ...

    async def save(self, subscription: Subscription) -> None: ...

    async def delete(self, platform: str, chat_id: str, user_id: str) -> bool: ...


@dataclass(frozen=True, kw_only=True, slots=True)
class UsageCount:
    """How often something happened on one day (UTC): a message's outcome, a rating, or the
    people active ("people"). No text and no id: the maintainer's pages read only these."""

    day: date
    platform: str
    event: str
    intent: str = ""
    topic: str = ""
    count: int = 1


class UsageRepository(Protocol):
    """Daily counters (bot.usage says what is counted). The people active on a day are kept as
    keyed hashes salted with the day (Services.person) only until the day is over, when
    roll_up() replaces them by their number."""

    async def add(self, counts: Sequence[UsageCount]) -> None:
        """Add each count to its (day, platform, event, intent, topic) counter."""
        ...

    async def seen(self, day: date, platform: str, person: str) -> None:
        """`person` (a hash for that day) was active; the same person again counts once."""
        ...

    async def roll_up(self, before: date) -> int:
        """Replace the hashes of days before `before` by "people" counters; returns the days."""
        ...

    async def held_days(self) -> list[date]:
        """The days whose hashes are still kept (today, and days not rolled up yet)."""
        ...

    async def forget(self, people: Sequence[str]) -> int:
        """Delete these hashes (one person's, one per held day), for /forget; returns how many."""
        ...

    async def since(self, day: date) -> list[UsageCount]:
        """Every counter from `day` on, people still held counted as "people" events."""
        ...


class SignInRepository(Protocol):
    """One-time sign-in tokens for the maintainer's pages, kept only as digests."""

    async def add(self, digest: str, expires_at: datetime) -> None: ...

    async def consume(self, digest: str, now: datetime) -> bool:
        """True for exactly one caller, across processes, if the token exists and is valid;
        the token is gone afterwards either way. Expired tokens are deleted too."""
        ...


class GapMarkRepository(Protocol):
    """Unanswered questions a maintainer marked handled, by text, with when."""

    async def mark(self, texts: Sequence[str], at: datetime) -> None: ...

    async def marks(self) -> dict[str, datetime]: ...


class UnitOfWork(Protocol):
    # Read-only members, so implementations may hold their own repository classes.
    @property
    def conversations(self) -> ConversationRepository: ...
    @property
    def users(self) -> UserRepository: ...
    @property
    def profiles(self) -> ProfileRepository: ...
    @property
    def feedback(self) -> FeedbackRepository: ...
    @property
    def unanswered(self) -> UnansweredRepository: ...
    @property
    def events(self) -> EventRepository: ...
    @property
    def inbox(self) -> InboxRepository: ...
    @property
    def openings(self) -> OpeningRepository: ...
    @property
    def subscriptions(self) -> SubscriptionRepository: ...
    @property
    def usage(self) -> UsageRepository: ...
    @property
    def sign_ins(self) -> SignInRepository: ...
    @property
    def gap_marks(self) -> GapMarkRepository: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


@dataclass(frozen=True, kw_only=True, slots=True)
class SignInLink:
    """A one-time link to the maintainer's pages; it works once SignInRepository has its digest."""

    url: str
    digest: str
    expires_at: datetime


class AdminLinks(Protocol):
    """Makes sign-in links to the maintainer's pages (adapters.admin.signin implements it)."""

    def new(self, who: str) -> SignInLink:
        """A fresh link for the admin `who` (platform:id), valid for a few minutes, once stored."""
        ...


class NotifierError(Exception):
    """A send failed for good (chat gone, bot blocked); alerts for that chat are not retried."""


class Notifier(Protocol):
    """Sends replies to a chat outside a conversation (alerts, digests), pacing itself."""

    async def send(self, platform: str, chat_id: str, replies: Sequence[Reply]) -> None:
        """Deliver, or raise NotifierError (permanent failure) or anything else (retry later)."""
        ...


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, kw_only=True, slots=True)
class StoredOpening:
    """An open opening with its storage id and when it first appeared (alerts need both)."""

    id: int
    opening: Opening
    first_seen_at: datetime


class AlertStore(Protocol):
    """What alert runs need; each call is its own committed transaction."""

    async def subscriptions(self) -> list[Subscription]: ...

    async def open_openings(self) -> list[StoredOpening]: ...

    async def profile(self, platform: str, user_id: str) -> Profile | None: ...

    async def claim(self, subscription: Subscription, opening_ids: Sequence[int],
                    runner: str, *, limit: int) -> list[int]:
        """Record (subscriber, opening) deliveries not seen before and take those still pending.

        Returns up to `limit` ids, in the given order, that this runner now owns (state
        'sending'); a concurrent runner gets none of them. Committed before it returns, so a
        crash after sending never re-sends.
        """
        ...

    async def finish(self, subscription: Subscription, opening_ids: Sequence[int], runner: str,
                     *, outcome: DeliveryState, at: datetime) -> None:
        """Move owned deliveries to `outcome`: SENT (and set last_sent_at), PENDING, FAILED."""
        ...
