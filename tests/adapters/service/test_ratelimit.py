"""The per-person message limit: one warning past it, then silence, and no database work."""

from __future__ import annotations

from collections.abc import Callable

from adapters.bootstrap import build
from adapters.settings import Settings
from bot.memory import MemoryStore, MemoryUnitOfWork
from bot.ratelimit import RateLimiter, Verdict
from tests.factories import message


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limit_warns_once_then_drops_until_the_bucket_refills() -> None:
    clock = Clock()
    limiter = RateLimiter(20, clock=clock)
    verdicts = [limiter.check("telegram:1") for _ in range(25)]
    assert verdicts[:20] == [Verdict.ALLOW] * 20
    assert verdicts[20] is Verdict.WARN
    assert verdicts[21:] == [Verdict.DROP] * 4
    assert (limiter.warned, limiter.dropped) == (1, 4)
    # Someone else is not affected by the flooder.
    assert limiter.check("telegram:2") is Verdict.ALLOW
    clock.now += 3.0  # 20 a minute: one message every 3 s
    assert limiter.check("telegram:1") is Verdict.ALLOW
    # Still the same flood: told once only.
    assert limiter.check("telegram:1") is Verdict.DROP
    clock.now += 60.0
    assert [limiter.check("telegram:1") for _ in range(21)][-2:] == [Verdict.ALLOW, Verdict.WARN]


def test_idle_people_are_forgotten_so_memory_stays_bounded() -> None:
    clock = Clock()
    limiter = RateLimiter(5, clock=clock)
    limiter.MAX_KEYS = 100
    for i in range(100):
        limiter.check(f"slack:U{i}")
    clock.now += 120
    limiter.check("slack:new")
    assert len(limiter) == 1


async def test_flooder_is_told_once_and_dropped_without_touching_the_database(
    make_settings: Callable[..., Settings],
) -> None:
    opened: list[MemoryUnitOfWork] = []

    class Counting(MemoryStore):
        def uow(self) -> MemoryUnitOfWork:
            opened.append(super().uow())
            return opened[-1]

    runtime = await build(make_settings(rate_limit_per_minute=5), store=Counting())
    bot = runtime.bot
    opened.clear()  # the start-up's housekeeping
    answers = [await bot.handle(message("what is docker", user="flood", platform="slack"))
               for _ in range(12)]
    assert all(a and a[0].intent == "topic" for a in answers[:5])
    assert [r.intent for r in answers[5]] == ["rate_limited"]
    assert "slow down" in answers[5][0].text
    assert answers[6:] == [[]] * 6
    # Only the five answered messages opened a unit of work.
    assert len(opened) == 5
    other = await bot.handle(message("what is docker", user="calm", platform="slack"))
    assert other[0].intent == "topic"
