"""Alert runs: each subscriber gets every new matching opening once, several at a time as a digest.

Delivery guarantee (see AlertStore.claim/finish; storage/alerts.py for the SQL side): a
(subscriber, opening) delivery is claimed, and the claim committed, before the message goes
out; it is marked sent after. So:

- two runners at once never both claim a delivery, so never both send it;
- a crash after the platform accepted the message but before 'sent' is recorded leaves the
  claim in place: it is never sent again (no duplicate);
- a send that fails with an error releases the claim for the next run (no skip); a permanent
  failure (bot blocked, chat gone) keeps it, so that chat is not retried;
- the one window left is a process killed *during* the HTTP call (or between claim and
  call): the platform may or may not have the message and cannot be asked. The claim stays;
  we choose at most once there, never a duplicate.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.actions import RunCommand, SetAlerts
from bot.markup import para
from bot.messages import Button, Reply
from bot.ports import (
    AlertStore,
    DeliveryState,
    Notifier,
    NotifierError,
    Profile,
    StoredOpening,
    Subscription,
)
from bot.recommend import Match, OpeningIndex, Query, parse_request
from bot.skills import SkillVocabulary

log = logging.getLogger(__name__)

# One digest carries at most this many openings; the rest wait for the next run.
DIGEST_LIMIT = 8
PERIODS = {"instant": timedelta(0), "daily": timedelta(days=1), "weekly": timedelta(days=7)}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(kw_only=True)
class AlertStats:
    subscriptions: int = 0
    due: int = 0
    messages: int = 0
    openings_sent: int = 0
    retry_later: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"subscriptions": self.subscriptions, "due": self.due, "messages": self.messages,
                "openings_sent": self.openings_sent, "retry_later": self.retry_later,
                "failed": self.failed, "errors": list(self.errors)}


def is_due(sub: Subscription, now: datetime) -> bool:
    period = PERIODS.get(sub.frequency, timedelta(0))
    return sub.last_sent_at is None or now - sub.last_sent_at >= period


def subscription_query(sub: Subscription, profile: Profile | None,
                       vocab: SkillVocabulary) -> Query:
    request = parse_request(sub.query, vocab)
    if sub.is_channel:
        return request
    return Query.for_person(profile or Profile(), request)


def new_matches(index: OpeningIndex, stored: Sequence[StoredOpening], sub: Subscription,
                q: Query) -> dict[int, Match]:
    """Openings (by storage id) first seen after the subscription began that fit it, best first."""
    since = sub.created_at or EPOCH
    if q.is_empty and not sub.is_channel:
        return {}  # a person with no skills at all: nothing can be said to fit them
    # A channel digest without skill filters carries every new opening its filters allow, and
    # claims no skill of the channel's as a reason.
    results = index.rank(q, limit=len(index), browse=sub.is_channel)
    return {stored[m.index].id: m for m in results.matches
            if stored[m.index].first_seen_at > since}


def digest(sub: Subscription, matches: Sequence[Match]) -> Reply:
    n = len(matches)
    head = "A new opening that fits you:" if n == 1 else f"{n} new openings that fit you:"
    if sub.is_channel:
        head = "A new opening:" if n == 1 else f"{n} new openings:"
    buttons: tuple[Button, ...] = (Button(label="See all matches",
                                          action=RunCommand(name="jobs").encode()),)
    if not sub.is_channel:
        buttons = (*buttons, Button(label="Stop alerts", action=SetAlerts(on=False).encode()))
    return Reply(blocks=(para(head),), cards=tuple(m.card() for m in matches), buttons=buttons,
                 intent="subscribe", confidence=1.0)


async def run_alerts_once(store: AlertStore, notifier: Notifier, vocab: SkillVocabulary, *,
                          now: datetime | None = None, runner: str | None = None) -> AlertStats:
    """One pass over every due subscription; safe to run in several processes at once."""
    now = now or datetime.now(UTC)
    runner = runner or uuid.uuid4().hex
    stats = AlertStats()
    stored = await store.open_openings()
    index = OpeningIndex([s.opening for s in stored], vocab)
    subs = await store.subscriptions()
    stats.subscriptions = len(subs)
    for sub in subs:
        if not is_due(sub, now):
            continue
        stats.due += 1
        profile = None if sub.is_channel else await store.profile(sub.platform, sub.user_id)
        q = subscription_query(sub, profile, vocab)
        candidates = new_matches(index, stored, sub, q)
        if not candidates:
            continue
        owned = await store.claim(sub, list(candidates), runner, limit=DIGEST_LIMIT)
        if not owned:
            continue
        matches = [candidates[i] for i in owned]
        try:
            await notifier.send(sub.platform, sub.chat_id, [digest(sub, matches)])
        except NotifierError as exc:
            log.warning("alert to %s:%s failed for good: %s", sub.platform, sub.chat_id, exc)
            stats.failed += len(owned)
            stats.errors.append(f"{sub.platform}:{sub.chat_id}: {exc}")
            await store.finish(sub, owned, runner, outcome=DeliveryState.FAILED, at=now)
            continue
        except Exception as exc:
            log.warning("alert to %s:%s failed, will retry: %s", sub.platform, sub.chat_id, exc)
            stats.retry_later += len(owned)
            stats.errors.append(f"{sub.platform}:{sub.chat_id}: {type(exc).__name__}: {exc}")
            await store.finish(sub, owned, runner, outcome=DeliveryState.PENDING, at=now)
            continue
        stats.messages += 1
        stats.openings_sent += len(owned)
        try:
            await store.finish(sub, owned, runner, outcome=DeliveryState.SENT, at=now)
        except Exception as exc:
            # Sent but not recorded: the rows stay 'sending', which is never sent again.
            log.error("alert to %s:%s sent but not recorded: %s", sub.platform, sub.chat_id, exc)
            stats.errors.append(f"{sub.platform}:{sub.chat_id}: recorded late: {exc}")
    return stats


__all__ = ["AlertStats", "digest", "is_due", "new_matches", "run_alerts_once"]
