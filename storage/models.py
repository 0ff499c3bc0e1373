"""SQLAlchemy 2.0 typed declarative models: one class per table, named as in the migrations."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.feeds import MAX_ERROR, MAX_ETAG, MAX_LAST_MODIFIED, MAX_RESULT
from bot.openings import (
    MAX_COMPANY,
    MAX_EXTERNAL_ID,
    MAX_LOCATION,
    MAX_SOURCE,
    MAX_TITLE,
    MAX_URL,
)

# Stable constraint names, so later migrations can alter them on both dialects.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite has no 64-bit autoincrement BIGINT; the variant keeps ids INTEGER PRIMARY KEY there.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out; SQLite would otherwise hand back naive ones."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime, dict[str, Any]: JSON, list[str]: JSON,
    }


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("platform", "user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(128))
    display_name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=now)
    last_seen_at: Mapped[datetime] = mapped_column(default=now)


class ProfileRow(Base):
    __tablename__ = "profiles"

    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    skills: Mapped[list[str]] = mapped_column(default=list)
    unknown_skills: Mapped[list[str]] = mapped_column(default=list)
    level: Mapped[str | None] = mapped_column(String(16))
    remote: Mapped[str] = mapped_column(String(16), default="any")
    locations: Mapped[list[str]] = mapped_column(default=list)
    years: Mapped[int | None] = mapped_column(Integer)
    remote_from: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=now)


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_platform_user_id", "platform", "user_id"),)

    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    last_topic: Mapped[str | None] = mapped_column(String(128))
    pending: Mapped[str | None] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Optimistic locking: a save must name the version it read (see bot.ports.StaleState).
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(default=now)


class Feedback(Base):
    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_platform_user_id", "platform", "user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(128))
    topic: Mapped[str] = mapped_column(String(128), index=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(default=now)
    # The question a "not helpful" was given on, normalised as unanswered questions are; set
    # to NULL after UNANSWERED_RETENTION_DAYS.
    question: Mapped[str | None] = mapped_column(String(255))


class Unanswered(Base):
    """Questions nobody could answer, counted per asker; who asked is only a keyed hash
    (bot.services.Services.asker), "" for questions kept from before it was recorded."""

    __tablename__ = "unanswered_questions"
    __table_args__ = (UniqueConstraint("asker", "text"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    asker: Mapped[str] = mapped_column(String(64), default="")
    text: Mapped[str] = mapped_column(String(255))
    count: Mapped[int] = mapped_column(Integer, default=1)
    first_seen_at: Mapped[datetime] = mapped_column(default=now)
    last_seen_at: Mapped[datetime] = mapped_column(default=now, index=True)


class ProcessedEvent(Base):
    """Platform event ids already handled: drops Slack retries and Telegram re-deliveries."""

    __tablename__ = "processed_events"

    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(default=now, index=True)


class InboxRow(Base):
    """Platform updates acknowledged and not yet answered (see bot.ports.InboxRepository)."""

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_platform_lease_until", "platform", "lease_until"),)

    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    payload: Mapped[str] = mapped_column(Text)
    # The core's answer (bot.messages.replies_to_data), once given.
    replies: Mapped[list[Any] | None] = mapped_column(JSON)
    owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    received_at: Mapped[datetime] = mapped_column(default=now)


class OpeningRow(Base):
    __tablename__ = "openings"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(MAX_SOURCE))
    external_id: Mapped[str] = mapped_column(String(MAX_EXTERNAL_ID))
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    company: Mapped[str] = mapped_column(String(MAX_COMPANY))
    location: Mapped[str] = mapped_column(String(MAX_LOCATION), default="")
    remote: Mapped[str] = mapped_column(String(16), default="unknown")
    level: Mapped[str | None] = mapped_column(String(16))
    skills: Mapped[list[str]] = mapped_column(default=list)
    url: Mapped[str] = mapped_column(String(MAX_URL))
    description: Mapped[str] = mapped_column(Text, default="")
    posted_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]
    is_open: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    # Opening.terms, comma-separated ("contract,part-time"): read from the description, which
    # the recommender's index is built without.
    employment: Mapped[str | None] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(default=now)
    last_seen_at: Mapped[datetime] = mapped_column(default=now)


class SubscriptionRow(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("platform", "chat_id", "user_id"),
                      Index("ix_subscriptions_platform_user_id", "platform", "user_id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(128))
    user_id: Mapped[str] = mapped_column(String(128))
    query: Mapped[str] = mapped_column(String(500), default="")
    frequency: Mapped[str] = mapped_column(String(16), default="instant")
    is_channel: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=now)
    last_sent_at: Mapped[datetime | None]


class Delivery(Base):
    """Which opening went to which chat, so alerts never repeat one."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("platform", "chat_id", "user_id", "opening_id"),
                      Index("ix_deliveries_platform_user_id", "platform", "user_id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subscription_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("subscriptions.id", ondelete="SET NULL"), index=True
    )
    platform: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(128))
    user_id: Mapped[str] = mapped_column(String(128))
    opening_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("openings.id", ondelete="CASCADE"), index=True
    )
    sent_at: Mapped[datetime] = mapped_column(default=now)


class UsageDaily(Base):
    """Daily counters for the maintainer's pages (bot.usage): no text, no id."""

    __tablename__ = "usage_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    event: Mapped[str] = mapped_column(String(32), primary_key=True)
    intent: Mapped[str] = mapped_column(String(32), primary_key=True)
    topic: Mapped[str] = mapped_column(String(128), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, default=0)


class UsagePerson(Base):
    """Who was active on a day, as a keyed hash salted with the day (bot.services.Services.person),
    kept only until the day is rolled up into a "people" counter."""

    __tablename__ = "usage_people"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    person: Mapped[str] = mapped_column(String(64), primary_key=True)


class SignInToken(Base):
    """One-time sign-in links to the maintainer's pages: the SHA-256 of each, never the token."""

    __tablename__ = "sign_in_tokens"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class GapMark(Base):
    """An unanswered question a maintainer marked handled (the Gaps page hides it till asked again)."""

    __tablename__ = "gap_marks"

    text: Mapped[str] = mapped_column(String(255), primary_key=True)
    handled_at: Mapped[datetime]


class FeedRow(Base):
    """A job feed the worker refreshes (see bot.feeds), with its schedule, state and lease."""

    __tablename__ = "feeds"
    __table_args__ = (UniqueConstraint("kind", "target"), UniqueConstraint("source"),
                      Index("ix_feeds_next_refresh_at", "next_refresh_at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(MAX_URL))
    format: Mapped[str | None] = mapped_column(String(16))
    company: Mapped[str | None] = mapped_column(String(MAX_COMPANY))
    source: Mapped[str | None] = mapped_column(String(MAX_SOURCE))
    every_seconds: Mapped[int] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    next_refresh_at: Mapped[datetime]
    refresh_started_at: Mapped[datetime | None]
    refresh_finished_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(MAX_ERROR))
    last_result: Mapped[str | None] = mapped_column(String(MAX_RESULT))
    etag: Mapped[str | None] = mapped_column(String(MAX_ETAG))
    last_modified: Mapped[str | None] = mapped_column(String(MAX_LAST_MODIFIED))
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]


# Every table that may hold a row about a person, with the columns naming them. /forget and
# /mydata walk this list, and a test checks that every table is either here or exempt.
PERSONAL_TABLES: tuple[type[Base], ...] = (
    User, ProfileRow, Conversation, Feedback, SubscriptionRow, Delivery,
)
# Tables that never hold a person's id: counted questions (their asker is a keyed hash that
# /forget and /mydata reach through the unanswered repository), event ids, job openings, feeds.
# Daily counters, the day's keyed hashes of active people (which /forget reaches through the
# usage repository), sign-in token digests and marks on questions are impersonal too.
IMPERSONAL_TABLES: tuple[type[Base], ...] = (Unanswered, ProcessedEvent, OpeningRow, FeedRow,
                                             UsageDaily, UsagePerson, SignInToken, GapMark)
# Tables holding what a person sent only until it is answered (seconds, unless the service is
# down), and deleted then: nothing for /forget to find afterwards.
TRANSIENT_TABLES: tuple[type[Base], ...] = (InboxRow,)
