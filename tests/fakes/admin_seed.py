"""A month of made-up activity for the admin pages: the browser test and the screenshots use it."""

from __future__ import annotations

from datetime import date, timedelta

from bot.openings import Opening
from bot.ports import UnitOfWorkFactory, UsageCount

DAYS = 30
# Unanswered questions (as stored: normalised) with how often: two needs, one phrased thrice.
QUESTIONS = {
    "how much does a backend developer earn in poland": 9,
    "average pay for a backend programmer in poland": 4,
    "what do backend devs make in warsaw": 3,
    "which laptop should i buy for programming": 5,
    "can i get a work visa for the netherlands as a developer": 2,
}


def messages_on(i: int, platform: str) -> int:
    """Messages on day i (0 = 29 days ago) on a platform: a weekly rhythm, growing."""
    base = {"telegram": 12, "slack": 7, "console": 1}[platform]
    return base + i // 3 + (4 if i % 7 in (1, 2, 3) else 0)


async def seed(uow_factory: UnitOfWorkFactory, today: date) -> None:
    counts: list[UsageCount] = []
    for i in range(DAYS):
        day = today - timedelta(days=DAYS - 1 - i)
        for platform in ("telegram", "slack", "console"):
            n = messages_on(i, platform)
            declined, did_you_mean = n // 6, n // 8
            counts += [
                UsageCount(day=day, platform=platform, event="answered", intent="topic",
                           topic="docker", count=n - declined - did_you_mean),
                UsageCount(day=day, platform=platform, event="declined", intent="fallback",
                           count=declined),
                UsageCount(day=day, platform=platform, event="did_you_mean", intent="fallback",
                           count=did_you_mean),
                UsageCount(day=day, platform=platform, event="people", count=max(n // 3, 1)),
            ]
        counts += [
            UsageCount(day=day, platform="telegram", event="helpful", intent="feedback",
                       topic="docker", count=2 + i % 3),
            UsageCount(day=day, platform="telegram", event="not_helpful", intent="feedback",
                       topic="kubernetes", count=1 + i % 2),
            UsageCount(day=day, platform="telegram", event="subscribed", count=i % 4),
            UsageCount(day=day, platform="telegram", event="alerts", count=3 + i % 5),
        ]
    async with uow_factory() as uow:
        await uow.usage.add([c for c in counts if c.count])
        for text, n in QUESTIONS.items():
            for k in range(n):
                await uow.unanswered.record(text, f"asker-{k}")
        await uow.openings.upsert_many([
            Opening(source=source, external_id=f"{source}-{k}", title=f"Backend engineer {k}",
                    company=source.title(), url=f"https://example.org/{source}/{k}")
            for source, n in (("acme", 12), ("globex", 5)) for k in range(n)])
        await uow.openings.close_missing("globex", ["globex-0", "globex-1"])
        await uow.commit()
