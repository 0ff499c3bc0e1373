"""The /admin pages in a real browser: Debian's chromium, driven by Playwright, against
`careerbot serve` over a seeded database."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.usage import today
from storage.engine import Storage
from tests.fakes import admin_seed
from tests.fakes.admin_site import BOARDS, CHROMIUM, CHROMIUM_ARGS, Site
from tests.fakes.feeds import FeedServer
from tests.fakes.knowledge import write_small_kb
from tests.fakes.servers import free_port, start_server

pytestmark = pytest.mark.heavy


def chromium_or_skip() -> str:
    if shutil.which(CHROMIUM):
        return CHROMIUM
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium (.ci/run)")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); CI runs this test")


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    url = f"sqlite:///{tmp_path / 'careerbot.sqlite3'}"
    storage = Storage.from_url(url)
    await storage.upgrade()
    await admin_seed.seed(storage.uow, today())
    port = free_port()
    env = {
        "DATABASE_URL": url,
        "CAREERBOT_KNOWLEDGE_DIR": str(write_small_kb(tmp_path / "kb")),
        "CAREERBOT_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "CAREERBOT_SESSION_SECRET": "browser-test-session-secret-0123456789",
    }
    server = start_server(env, tmp_path, name="serve", port=port)
    try:
        await server.wait_healthy()
        yield Site(server=server, storage=storage, env=env, workdir=tmp_path)
    finally:
        server.terminate()
        await storage.aclose()


async def test_sign_in_read_every_page_and_mark_a_gap_handled(site: Site) -> None:
    from playwright.async_api import async_playwright

    executable = chromium_or_skip()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            # A phone's width: every page must fit it without scrolling sideways.
            page = await browser.new_page(viewport={"width": 390, "height": 844})
            r = await page.goto(site.server.url + "/admin/")
            assert r is not None and r.status == 401

            link = await site.sign_in_link()
            await page.goto(link)
            await page.get_by_role("button", name="Sign in").click()
            await page.wait_for_url(site.server.url + "/admin/")

            # Overview: four charts with a bar per day, and the table says the same.
            assert await page.locator("svg.chart").count() == 4
            last = admin_seed.DAYS - 1
            day = today().isoformat()
            telegram = admin_seed.messages_on(last, "telegram")
            bar = page.locator(f'rect[data-series="telegram"][data-day="{day}"]')
            assert await bar.get_attribute("data-value") == str(telegram)
            row = page.locator(f'#by-day tr[data-day="{day}"] td')
            cells = await row.all_inner_texts()
            assert cells[:4] == [day, str(admin_seed.messages_on(last, "console")),
                                 str(admin_seed.messages_on(last, "slack")), str(telegram)]
            assert await page.locator('[data-total="messages"]').inner_text() == str(sum(
                admin_seed.messages_on(i, p) for i in range(admin_seed.DAYS)
                for p in ("telegram", "slack", "console")))
            await fits(page)

            # Gaps: the three Poland phrasings are one group of 16, biggest first.
            await page.get_by_role("link", name="Gaps").click()
            first = page.locator("#gaps tbody tr").first
            assert "poland" in await first.locator("b").inner_text()
            assert await first.locator("td").first.inner_text() == "16"
            laptop = page.locator("#gaps tbody tr", has_text="which laptop")
            assert await laptop.count() == 1
            await laptop.get_by_role("button", name="Mark handled").click()
            await page.wait_for_url(site.server.url + "/admin/gaps")
            assert await page.locator("#gaps tbody tr", has_text="which laptop").count() == 0
            assert await page.locator("#least-helpful tr[data-topic='kubernetes']").count() == 1
            await fits(page)

            await page.get_by_role("link", name="Topics").click()
            docker = await page.locator("#topics tr[data-topic='docker'] td").all_inner_texts()
            assert docker[1] != "0" and docker[4] == "100%"
            await fits(page)

            await page.get_by_role("link", name="Openings").click()
            assert await page.locator("#sources tr[data-source='globex'] td").all_inner_texts() \
                == ["globex", "2", "3"]
            alerts = page.locator(f'rect[data-series="openings sent in alerts"][data-day="{day}"]')
            assert await alerts.get_attribute("data-value") == str(3 + last % 5)
            await fits(page)

            await page.get_by_role("button", name="Sign out").click()
            r = await page.goto(site.server.url + "/admin/")
            assert r is not None and r.status == 401
        finally:
            await browser.close()


async def test_feeds_added_on_the_openings_page_are_refreshed_by_the_worker(site: Site) -> None:
    from playwright.async_api import async_playwright

    executable = chromium_or_skip()
    async with FeedServer(boards={k: list(v) for k, v in BOARDS.items()}) as boards, \
            async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 390, "height": 844})
            await page.goto(await site.sign_in_link())
            await page.get_by_role("button", name="Sign in").click()
            await page.wait_for_url(site.server.url + "/admin/")
            await page.get_by_role("link", name="Openings").click()
            assert "No feeds yet" in await page.locator("#feed-list").inner_text()

            for board in BOARDS:
                await add_feed(page, kind="url", target=boards.url(board), fmt="greenhouse")
                await page.wait_for_url("**/admin/openings#feeds")
            # A url feed without its format: refused, said in the form's own words.
            await add_feed(page, kind="url", target=boards.url("initech") + "&again", fmt="")
            alert = await page.get_by_role("alert").inner_text()
            assert alert == "A url feed needs a format: yaml, greenhouse, lever."
            assert await page.locator("#feed-list tr[data-feed]").count() == 2
            assert await feed_cells(page, 1) == {"last-refresh": "never",
                                                 "last-success": "never", "open": "0",
                                                 "closed": "0", "result": "not refreshed yet"}

            await site.worker_pass()
            await page.goto(site.server.url + "/admin/openings")
            for feed_id in (1, 2):
                cells = await feed_cells(page, feed_id)
                assert cells["open"] == "2" and cells["closed"] == "0", cells
                assert cells["last-success"] != "never" and "error" not in cells["result"]
            umbrella = page.locator('#feed-list tr[data-feed="2"]')
            source = (await umbrella.inner_text()).split("source ")[1].split()[0]
            assert await page.locator(f"#sources tr[data-source='{source}'] td") \
                .all_inner_texts() == [source, "2", "0"]
            succeeded = (await feed_cells(page, 2))["last-success"]

            # The board breaks: the next refresh records its error and closes nothing.
            boards.broken["umbrella"] = "500"
            await site.due_now(2)
            await site.worker_pass()
            await page.reload()
            cells = await feed_cells(page, 2)
            assert cells["result"].startswith("error: ") and "500" in cells["result"], cells
            assert (cells["open"], cells["closed"], cells["last-success"]) == ("2", "0", succeeded)
            assert await page.locator("#feed-list tr.failing").count() == 1
            assert await page.locator(f"#sources tr[data-source='{source}'] td") \
                .all_inner_texts() == [source, "2", "0"]
            await fits(page)

            await umbrella.get_by_role("button", name="Pause").click()
            await page.wait_for_url("**/admin/openings#feeds")
            assert "paused" in await page.locator('#feed-list tr[data-feed="2"]').inner_text()
        finally:
            await browser.close()


async def add_feed(page: Any, *, kind: str, target: str, fmt: str, every: str = "1h") -> None:
    form = page.locator("#add-feed")
    await form.locator("select[name=kind]").select_option(kind)
    await form.locator("input[name=target]").fill(target)
    await form.locator("select[name=format]").select_option(fmt)
    await form.locator("input[name=every]").fill(every)
    await form.get_by_role("button", name="Add feed").click()


async def feed_cells(page: Any, feed_id: int) -> dict[str, str]:
    row = page.locator(f'#feed-list tr[data-feed="{feed_id}"]')
    cells = row.locator("td[data-col]")
    return {await c.get_attribute("data-col"): (await c.inner_text()).strip()
            for c in await cells.all()}


async def fits(page: object) -> None:
    """No sideways scrolling of the page itself (wide tables scroll in their own box)."""
    width = await page.evaluate(  # type: ignore[attr-defined]
        "document.documentElement.scrollWidth - window.innerWidth")
    assert width <= 0, f"the page is {width}px wider than the screen"
