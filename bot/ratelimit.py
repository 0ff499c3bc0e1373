"""A per-person limit on incoming messages (token bucket), checked before any database work."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    ALLOW = "allow"
    # The first message over the limit: the person is told to slow down, once.
    WARN = "warn"
    DROP = "drop"


@dataclass(kw_only=True, slots=True)
class _Bucket:
    tokens: float
    stamp: float
    warned: bool = False


class RateLimiter:
    """
    Up to `per_minute` messages a minute per key, with bursts up to the same number.

    The state lives in this process: with N server processes a person can send up to N times
    the limit, which still bounds a flooder; see the README's scale-out notes.
    """

    # Past this many tracked people, idle (full) buckets are forgotten so memory stays bounded.
    MAX_KEYS = 50_000

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic,
                 observer: Callable[[Verdict], None] | None = None) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.per_minute = per_minute
        # Told about every refused message (metrics); never about allowed ones.
        self.observer = observer
        self._rate = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self.warned = 0
        self.dropped = 0

    def check(self, key: str) -> Verdict:
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.MAX_KEYS:
                self._prune(now)
            bucket = self._buckets[key] = _Bucket(tokens=float(self.per_minute), stamp=now)
        else:
            bucket.tokens = min(float(self.per_minute),
                                bucket.tokens + (now - bucket.stamp) * self._rate)
            bucket.stamp = now
            if bucket.tokens >= self.per_minute:
                # Calm for long enough: a new flood gets a new warning.
                bucket.warned = False
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return Verdict.ALLOW
        if not bucket.warned:
            bucket.warned = True
            self.warned += 1
            verdict = Verdict.WARN
        else:
            self.dropped += 1
            verdict = Verdict.DROP
        if self.observer is not None:
            self.observer(verdict)
        return verdict

    def _prune(self, now: float) -> None:
        full = [k for k, b in self._buckets.items()
                if b.tokens + (now - b.stamp) * self._rate >= self.per_minute]
        for k in full:
            del self._buckets[k]
        if len(self._buckets) >= self.MAX_KEYS:
            # Everyone is active: forget the oldest half rather than grow without bound.
            oldest = sorted(self._buckets, key=lambda k: self._buckets[k].stamp)
            for k in oldest[: len(oldest) // 2]:
                del self._buckets[k]

    def __len__(self) -> int:
        return len(self._buckets)
