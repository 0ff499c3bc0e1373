"""Screenshots of the /admin pages for the docs, taken with the browser the tests use.

    .venv/bin/python scripts/admin_screenshots.py [--out docs] [--chromium /usr/bin/chromium]
        [--pages overview gaps topics openings]

Starts `careerbot serve` on 127.0.0.1 with the shipped knowledge base over a temporary SQLite
database seeded with a made-up but plausible month (see seed()) and three feeds from a board server
on 127.0.0.1 (one of them failing) refreshed by `careerbot worker --once`, signs in with a one-time
link, and saves admin-<page>.png for each page.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.knowledge import KnowledgeBase  # noqa: E402
from bot.ports import UnitOfWorkFactory, UsageCount  # noqa: E402

PAGES = {"overview": "/admin/", "gaps": "/admin/gaps", "topics": "/admin/topics",
         "openings": "/admin/openings"}
DAYS = 30
# Needs the shipped knowledge base does not meet, each asked in several ways, with how many
# people asked each phrasing. (The bot answers some such phrasings with a nearby topic rather
# than declining, and then stores nothing: these stand for the ones it declined.)
UNANSWERED: dict[str, dict[str, int]] = {
    "salary in a country": {
        "How much does a backend developer earn in Poland?": 9,
        "what's a normal salary for a mid-level python dev in Krakow": 5,
        "average backend salary in Warsaw 2026?": 4,
        "is 18k PLN gross a good offer for a senior Java developer": 3,
        "what do junior backend devs make in germany": 3,
    },
    "visa and relocation": {
        "Can I move to Germany as a developer without speaking German?": 6,
        "how do I get an EU Blue Card as a software engineer": 4,
        "do Dutch companies sponsor work visas for backend developers": 3,
        "relocating to the Netherlands for a dev job, what paperwork do I need?": 2,
    },
    "laptop choice": {
        "Which laptop should I buy for backend development?": 7,
        "macbook air or thinkpad for programming?": 4,
        "is 16GB of RAM enough to run Docker and an IDE": 3,
    },
    "a framework the base does not cover": {
        "Is Laravel still worth learning for backend jobs?": 5,
        "symfony or laravel for a new php project": 3,
        "are there many Elixir / Phoenix jobs out there": 2,
    },
    "burnout": {
        "how do I deal with burnout from being on call every other week": 3,
        "I'm exhausted after a year of night pages, should I quit?": 2,
    },
}
# Topics rated poorly far more often than the rest.
LESS_HELPFUL = 2


def messages_on(day: date, i: int, platform: str) -> int:
    """Messages on `day`, day i of the month (0 = 29 days ago), on a platform: quieter at
    weekends, growing."""
    base = {"telegram": 40, "slack": 26, "console": 3}[platform]
    if day.weekday() >= 5:
        base = base // 2 if platform == "telegram" else base // 5
    return base + i // 2


def traffic(kb: KnowledgeBase, today: date) -> list[UsageCount]:
    """Daily counters as the bot keeps them: answered over the knowledge base's topics, declined
    and "did you mean", ratings (most helpful, a couple of topics clearly less), people."""
    rng = random.Random(14)
    topics = sorted(kb.topics)
    rng.shuffle(topics)
    weights = [1 / (rank + 2) for rank in range(len(topics))]  # a few popular, a long tail
    poor = set(rng.sample(topics[:12], LESS_HELPFUL))
    counts: list[UsageCount] = []
    for i in range(DAYS):
        day = today - timedelta(days=DAYS - 1 - i)
        for platform in ("telegram", "slack", "console"):
            n = messages_on(day, i, platform) + rng.randint(0, 6)
            declined, did_you_mean = round(n * 0.09), round(n * 0.06)
            asked = rng.choices(topics, weights, k=n - declined - did_you_mean)
            for topic in sorted(set(asked)):
                counts.append(UsageCount(day=day, platform=platform, event="answered",
                                         intent="topic", topic=topic, count=asked.count(topic)))
                if platform == "console":
                    continue
                # About one answer in five is rated.
                rated = sum(rng.random() < 0.2 for _ in range(asked.count(topic)))
                unhelpful = sum(rng.random() < (0.6 if topic in poor else 0.12)
                                for _ in range(rated))
                counts += [
                    UsageCount(day=day, platform=platform, event="helpful", intent="feedback",
                               topic=topic, count=rated - unhelpful),
                    UsageCount(day=day, platform=platform, event="not_helpful",
                               intent="feedback", topic=topic, count=unhelpful),
                ]
            counts += [
                UsageCount(day=day, platform=platform, event="answered", intent="greeting",
                           count=n // 10),
                UsageCount(day=day, platform=platform, event="declined", intent="fallback",
                           count=declined),
                UsageCount(day=day, platform=platform, event="did_you_mean", intent="fallback",
                           count=did_you_mean),
                UsageCount(day=day, platform=platform, event="people", count=max(n // 3, 1)),
            ]
        counts += [
            UsageCount(day=day, platform="telegram", event="subscribed", count=i % 4),
            UsageCount(day=day, platform="telegram", event="unsubscribed", count=int(i % 9 == 0)),
            UsageCount(day=day, platform="telegram", event="alerts", count=6 + i % 5),
        ]
    return [c for c in counts if c.count]


async def unanswered(uow_factory: UnitOfWorkFactory) -> None:
    """Each phrasing of UNANSWERED as the bot stores a question it could not answer (normalised,
    who asked as a keyed hash), once per person who asked it."""
    from bot.handlers.feedback import recorded_text
    from bot.services import Services

    services = Services()
    rng = random.Random(14)
    person = 0
    async with uow_factory() as uow:
        for phrasings in UNANSWERED.values():
            for text, people in phrasings.items():
                for _ in range(people):
                    person += 1
                    platform = rng.choice(("telegram", "telegram", "slack"))
                    await uow.unanswered.record(recorded_text(text),
                                                services.asker(platform, str(person)))
        await uow.commit()


async def seed(uow_factory: UnitOfWorkFactory, kb: KnowledgeBase, today: date) -> None:
    from bot.openings import Opening

    await unanswered(uow_factory)
    async with uow_factory() as uow:
        await uow.usage.add(traffic(kb, today))
        titles = ("Backend engineer", "Senior Python developer", "Platform engineer",
                  "Go developer")
        await uow.openings.upsert_many([
            Opening(source=source, external_id=f"{source}-{k}", title=titles[k % len(titles)],
                    company=company, url=f"https://example.org/{source}/{k}")
            for source, company, n in (("greenhouse:northwind", "Northwind", 14),
                                       ("lever:contoso", "Contoso", 6))
            for k in range(n)])
        await uow.openings.close_missing("lever:contoso", ["lever:contoso-0", "lever:contoso-1"])
        await uow.commit()


async def main(out: Path, chromium: str, pages: list[str]) -> None:
    from playwright.async_api import async_playwright

    from adapters.admin.signin import SignInLinks, issue
    from adapters.feeds import add_feed, new_feed, parse_every
    from adapters.importers.feeds import FeedFormat
    from bot.feeds import FeedKind
    from bot.knowledge import default_dir, load_knowledge
    from bot.usage import today
    from storage.engine import Storage
    from storage.feeds import SqlFeedStore
    from tests.fakes.admin_site import BOARDS, CHROMIUM_ARGS, Site
    from tests.fakes.feeds import FeedServer
    from tests.fakes.servers import free_port, start_server

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        url = f"sqlite:///{work / 'careerbot.sqlite3'}"
        storage = Storage.from_url(url)
        await storage.upgrade()
        knowledge = default_dir()
        await seed(storage.uow, load_knowledge(knowledge), today())
        port = free_port()
        env = {
            "DATABASE_URL": url,
            "CAREERBOT_KNOWLEDGE_DIR": str(knowledge),
            "CAREERBOT_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "CAREERBOT_SESSION_SECRET": "screenshots-session-secret-0123456789",
        }
        server = start_server(env, work, name="serve", port=port)
        boards = FeedServer(boards={k: list(v) for k, v in BOARDS.items()},
                            broken={"hooli": "500"})
        await boards.start()
        try:
            await server.wait_healthy()
            for board, every in (("initech", "1h"), ("umbrella", "6h"), ("hooli", "30m")):
                await add_feed(SqlFeedStore(storage), new_feed(
                    FeedKind.URL, boards.url(board), fmt=FeedFormat.GREENHOUSE,
                    every=parse_every(every)))
            await Site(server=server, storage=storage, env=env, workdir=work).worker_pass()
            link = await issue(storage.uow, SignInLinks(server.url), "screenshots")
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                page = await browser.new_page(viewport={"width": 1100, "height": 800})
                await page.goto(link)
                await page.get_by_role("button", name="Sign in").click()
                await page.wait_for_url(server.url + "/admin/")
                out.mkdir(parents=True, exist_ok=True)
                for name in pages:
                    await page.goto(server.url + PAGES[name])
                    target = out / f"admin-{name}.png"
                    await page.screenshot(path=str(target), full_page=True)
                    print(target)
                await browser.close()
        finally:
            await boards.stop()
            server.terminate()
            await storage.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--pages", nargs="+", choices=list(PAGES), default=list(PAGES))
    args = parser.parse_args()
    asyncio.run(main(args.out, args.chromium, args.pages))
