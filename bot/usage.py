"""What the maintainer's pages count per message: its outcome, intent, topic and who was active."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from enum import StrEnum

from bot.messages import Message, Reply
from bot.ports import UnitOfWork, UsageCount


class Event(StrEnum):
    """The events counted per day; the first three are the outcomes of a message."""

    ANSWERED = "answered"
    DECLINED = "declined"
    DID_YOU_MEAN = "did_you_mean"
    HELPFUL = "helpful"
    NOT_HELPFUL = "not_helpful"
    PEOPLE = "people"
    SUBSCRIBED = "subscribed"
    UNSUBSCRIBED = "unsubscribed"
    # Openings delivered in alerts (one per opening sent).
    ALERTS = "alerts"


OUTCOMES = (Event.ANSWERED, Event.DECLINED, Event.DID_YOU_MEAN)
# Replies that are no answer of the bot's own choosing (limits, failures).
_NOT_COUNTED = frozenset({"rate_limited", "error"})
# People remembered as counted today, per process (a hash each); past this it starts over.
REMEMBERED_PEOPLE = 100_000


def today() -> date:
    """Counters are kept per UTC day, so every process of a deployment agrees on the day."""
    return datetime.now(UTC).date()


def outcome(replies: Sequence[Reply]) -> Event | None:
    """Declined (the fallback without suggestions), "did you mean" (with some), answered (any
    other reply), or None when there is nothing to count (no reply)."""
    if not replies or all(r.intent in _NOT_COUNTED for r in replies):
        return None
    for reply in replies:
        if reply.intent == "fallback":
            return Event.DID_YOU_MEAN if reply.suggestions else Event.DECLINED
    return Event.ANSWERED


def message_count(message: Message, replies: Sequence[Reply], day: date) -> UsageCount | None:
    """The counter a message adds to: platform, outcome, the first reply's intent, its topic."""
    event = outcome(replies)
    if event is None:
        return None
    topic = next((r.topic for r in replies if r.topic), None) or ""
    return UsageCount(day=day, platform=message.platform, event=event, intent=replies[0].intent,
                      topic=topic)


def rating_count(platform: str, topic: str, helpful: bool, day: date) -> UsageCount:
    return UsageCount(day=day, platform=platform,
                      event=Event.HELPFUL if helpful else Event.NOT_HELPFUL, intent="feedback",
                      topic=topic)


def event_count(platform: str, event: Event, *, count: int = 1, day: date | None = None,
                ) -> UsageCount:
    return UsageCount(day=day or today(), platform=platform, event=event, count=count)


class UsageRecorder:
    """Counts each message in its own unit of work; once a day (per process) it also rolls
    the previous days' hashes of active people up into counts, so they are not kept longer."""

    def __init__(self, *, remember: int = REMEMBERED_PEOPLE) -> None:
        self._rolled_up: date | None = None
        # The people this process has stored as active today: most messages come from someone
        # seen already, and need no second write. (Should that transaction fail, the person
        # goes uncounted for the day; a /forget also keeps them uncounted, as they asked.)
        self._seen: set[str] = set()
        self._remember = remember

    async def record(self, uow: UnitOfWork, message: Message, replies: Sequence[Reply],
                     person: str, day: date) -> None:
        """`person`: the keyed hash standing for who sent `message` on `day`."""
        count = message_count(message, replies, day)
        if count is None:
            return
        if self._rolled_up != day:
            await uow.usage.roll_up(day)
            self._rolled_up = day
            self._seen.clear()
        await uow.usage.add([count])
        if person not in self._seen:
            await uow.usage.seen(day, message.platform, person)
            if len(self._seen) >= self._remember:
                self._seen.clear()
            self._seen.add(person)
