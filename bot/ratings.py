"""Which topics people found least helpful: ranked by the upper end of their helpful share."""

from __future__ import annotations

import math
from collections.abc import Iterable

# (topic, helpful, not helpful)
Tally = tuple[str, int, int]


def helpful_at_most(helpful: int, not_helpful: int, z: float = 1.96) -> float:
    """The upper end of the Wilson score interval (95%) of a topic's helpful share: how helpful it
    can still plausibly be, so one unlucky rating does not outrank ten of twelve."""
    n = helpful + not_helpful
    if n == 0:
        return 1.0
    p = helpful / n
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (p + z * z / (2 * n) + spread) / (1 + z * z / n)


def least_helpful(tallies: Iterable[Tally], limit: int) -> list[Tally]:
    """The topics rated not helpful at least once, those surely least helpful first."""
    rated = [t for t in tallies if t[2] > 0]
    rated.sort(key=lambda t: (helpful_at_most(t[1], t[2]), -t[2], t[0]))
    return rated[:limit]
