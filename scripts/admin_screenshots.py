"""Screenshots of the /admin pages for the docs, taken with the browser the tests use.

    .venv/bin/python scripts/admin_screenshots.py [--out docs] [--chromium /usr/bin/chromium]

Starts `careerbot serve` on 127.0.0.1 over a temporary SQLite database seeded with a month of
made-up activity (tests/fakes/admin_seed.py) and three feeds from a board server on 127.0.0.1
(one of them failing) refreshed by `careerbot worker --once`, signs in with a one-time link,
and saves admin-overview.png, admin-gaps.png, admin-topics.png and admin-openings.png.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = {"overview": "/admin/", "gaps": "/admin/gaps", "topics": "/admin/topics",
         "openings": "/admin/openings"}


async def main(out: Path, chromium: str) -> None:
    from playwright.async_api import async_playwright

    from adapters.admin.signin import SignInLinks, issue
    from adapters.feeds import add_feed, new_feed, parse_every
    from adapters.importers.feeds import FeedFormat
    from bot.feeds import FeedKind
    from bot.usage import today
    from storage.engine import Storage
    from storage.feeds import SqlFeedStore
    from tests.adapters.service.test_admin_browser import BOARDS, CHROMIUM_ARGS, Site
    from tests.fakes import admin_seed
    from tests.fakes.feeds import FeedServer
    from tests.fakes.knowledge import write_small_kb
    from tests.fakes.servers import free_port, start_server

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        url = f"sqlite:///{work / 'careerbot.sqlite3'}"
        storage = Storage.from_url(url)
        await storage.upgrade()
        await admin_seed.seed(storage.uow, today())
        port = free_port()
        env = {
            "DATABASE_URL": url,
            "CAREERBOT_KNOWLEDGE_DIR": str(write_small_kb(work / "kb")),
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
                for name, path in PAGES.items():
                    await page.goto(server.url + path)
                    target = out / f"admin-{name}.png"
                    await page.screenshot(path=str(target), full_page=True)
                    print(target)
                await browser.close()
        finally:
            await boards.stop()
            server.terminate()
            await storage.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    asyncio.run(main(args.out, args.chromium))
