"""The /admin pages in a real browser: Debian's chromium, driven by Playwright, against
`careerbot serve` over a seeded database."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.admin.signin import SignInLinks, issue
from bot.usage import today
from storage.engine import Storage
from tests.fakes import admin_seed
from tests.fakes.knowledge import write_small_kb
from tests.fakes.servers import Server, free_port, start_server

pytestmark = pytest.mark.heavy

CHROMIUM = os.environ.get("CAREERBOT_CHROMIUM", "/usr/bin/chromium")
# No downloads, no background traffic: the browser talks to the test's server only.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_or_skip() -> str:
    if shutil.which(CHROMIUM):
        return CHROMIUM
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium (.ci/run)")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); CI runs this test")


@dataclass
class Site:
    server: Server
    storage: Storage

    async def sign_in_link(self) -> str:
        return await issue(self.storage.uow, SignInLinks(self.server.url), "browser test")


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    url = f"sqlite:///{tmp_path / 'careerbot.sqlite3'}"
    storage = Storage.from_url(url)
    await storage.upgrade()
    await admin_seed.seed(storage.uow, today())
    port = free_port()
    server = start_server({
        "DATABASE_URL": url,
        "CAREERBOT_KNOWLEDGE_DIR": str(write_small_kb(tmp_path / "kb")),
        "CAREERBOT_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "CAREERBOT_SESSION_SECRET": "browser-test-session-secret-0123456789",
    }, tmp_path, name="serve", port=port)
    try:
        await server.wait_healthy()
        yield Site(server=server, storage=storage)
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


async def fits(page: object) -> None:
    """No sideways scrolling of the page itself (wide tables scroll in their own box)."""
    width = await page.evaluate(  # type: ignore[attr-defined]
        "document.documentElement.scrollWidth - window.innerWidth")
    assert width <= 0, f"the page is {width}px wider than the screen"
