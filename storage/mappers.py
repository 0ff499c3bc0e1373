"""Rows ↔ domain objects: how conversations, profiles, openings and subscriptions are stored."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from bot.flows import Step
from bot.openings import Employment, Level, Opening, Remote
from bot.ports import (
    ConversationState,
    Profile,
    RemotePreference,
    StoredOpening,
    Subscription,
)

E = TypeVar("E", Level, RemotePreference, Remote, Step)

# Rows are SQLAlchemy Rows (or anything with the same attributes); values are column dicts.


def _enum(kind: type[E], value: str | None) -> E | None:
    """None for a value an older or newer release wrote (the caller picks the default)."""
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        return None


def conversation(row: Any | None) -> ConversationState:
    if row is None:
        return ConversationState()
    # A step this release does not know starts over.
    return ConversationState(last_topic=row.last_topic, pending=_enum(Step, row.pending),
                             data=dict(row.data or {}), version=row.version)


def conversation_values(state: ConversationState) -> dict[str, Any]:
    """Without the version: the repository decides it (optimistic locking)."""
    return {"last_topic": state.last_topic,
            "pending": state.pending.value if state.pending else None,
            "data": dict(state.data)}


def profile(row: Any) -> Profile:
    return Profile(
        skills=tuple(row.skills or ()), unknown_skills=tuple(row.unknown_skills or ()),
        level=_enum(Level, row.level), locations=tuple(row.locations or ()), years=row.years,
        remote=_enum(RemotePreference, row.remote) or RemotePreference.ANY,
        remote_from=bool(row.remote_from),
    )


def profile_values(p: Profile) -> dict[str, Any]:
    return {"skills": list(p.skills), "unknown_skills": list(p.unknown_skills),
            "level": p.level.value if p.level else None, "remote": p.remote.value,
            "locations": list(p.locations), "years": p.years, "remote_from": p.remote_from}


# The columns an import may change (compared to tell an update from an unchanged row).
OPENING_FIELDS = ("title", "company", "location", "remote", "level", "skills", "url",
                  "description", "posted_at", "updated_at", "is_open", "employment")


def opening(row: Any) -> Opening:
    """Rows selected without the description column get an empty one."""
    return Opening(
        source=row.source, external_id=row.external_id, title=row.title, company=row.company,
        url=row.url, location=row.location or "",
        remote=_enum(Remote, row.remote) or Remote.UNKNOWN, level=_enum(Level, row.level),
        skills=tuple(row.skills or ()), description=getattr(row, "description", None) or "",
        posted_at=row.posted_at, updated_at=row.updated_at, is_open=row.is_open,
        terms=frozenset(Employment(t) for t in (row.employment or "").split(",") if t),
    )


def opening_values(o: Opening) -> dict[str, Any]:
    """Every column in OPENING_FIELDS; the key columns (source, external_id) are the caller's."""
    return {"title": o.title, "company": o.company, "location": o.location,
            "remote": o.remote.value, "level": o.level.value if o.level else None,
            "skills": list(o.skills), "url": o.url, "description": o.description,
            "posted_at": o.posted_at, "updated_at": o.updated_at, "is_open": o.is_open,
            "employment": ",".join(sorted(o.terms))}


def stored_opening(row: Any) -> StoredOpening:
    return StoredOpening(id=row.id, first_seen_at=row.first_seen_at, opening=opening(row))


def subscription(row: Any) -> Subscription:
    return Subscription(platform=row.platform, user_id=row.user_id, chat_id=row.chat_id,
                        query=row.query, frequency=row.frequency, is_channel=row.is_channel,
                        created_at=row.created_at, last_sent_at=row.last_sent_at)


def subscription_values(s: Subscription) -> dict[str, Any]:
    """The columns a later save may change; the key and created_at are the caller's."""
    return {"query": s.query, "frequency": s.frequency, "is_channel": s.is_channel,
            "last_sent_at": s.last_sent_at}


def shown(row: dict[str, Any]) -> dict[str, Any]:
    """A row as the person sees it (/mydata): surrogate ids and who-they-are columns left out."""
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()
            if k not in ("id", "platform", "user_id", "subscription_id")}
