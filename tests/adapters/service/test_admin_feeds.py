"""Feeds on the admin's Openings page through the real Starlette app: add, pause, resume, remove."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from adapters.bootstrap import Runtime
from adapters.service.app import create_app
from adapters.settings import Settings
from bot.memory import MemoryStore
from storage import Storage
from storage.feeds import SqlFeedStore
from tests.adapters.service.conftest import runtime_for
from tests.adapters.service.test_admin_pages import SECRET, client, signed_in
from tests.fakes.sqlite import migrated_sqlite

CHANGES = ("/admin/feeds", "/admin/feeds/remove", "/admin/feeds/pause", "/admin/feeds/resume")


@pytest.fixture
async def runtime(make_settings: Callable[..., Settings], tmp_path: Path) -> AsyncIterator[Runtime]:
    storage = Storage.from_url(migrated_sqlite(tmp_path / "admin.sqlite3"))
    settings = make_settings(careerbot_public_url="http://admin.test",
                             careerbot_session_secret=SECRET)
    async with await runtime_for(settings, store=storage) as rt:
        yield rt
    await storage.aclose()


@pytest.fixture
def app(runtime: Runtime) -> Starlette:
    return create_app(runtime)


async def csrf_of(c: httpx.AsyncClient) -> str:
    page = await c.get("/admin/openings")
    assert page.status_code == 200
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def feed_row(page: str, feed_id: int) -> str | None:
    found = re.search(rf'<tr data-feed="{feed_id}".*?</tr>', page, re.S)
    return html.unescape(re.sub(r"\s+", " ", found.group(0))) if found else None


def problem(page: str) -> str:
    found = re.search(r'<p class="problem" role="alert">(.*?)</p>', page, re.S)
    assert found, page
    return html.unescape(found.group(1))


async def test_a_feed_is_added_paused_resumed_and_removed(app: Starlette, runtime: Runtime) -> None:
    async with signed_in(app, runtime) as c:
        csrf = await csrf_of(c)
        assert "No feeds yet" in (await c.get("/admin/openings")).text
        r = await c.post("/admin/feeds", data={
            "csrf": csrf, "kind": "greenhouse", "target": " acme ", "format": "",
            "every": "30m", "company": "Acme Corp"})
        assert r.status_code == 303 and r.headers["location"] == "/admin/openings#feeds"
        row = feed_row((await c.get("/admin/openings")).text, 1)
        assert row is not None
        assert "greenhouse</b> acme" in row and "Acme Corp" in row and "<td>30m</td>" in row
        assert "never" in row and "not refreshed yet" in row and "Pause" in row

        r = await c.post("/admin/feeds/pause", data={"csrf": csrf, "feed": "1"})
        assert r.status_code == 303
        row = feed_row((await c.get("/admin/openings")).text, 1)
        assert row is not None and "<b>paused</b>" in row and "Resume" in row
        assert runtime.storage is not None
        [feed] = await SqlFeedStore(runtime.storage).list_all()
        assert not feed.enabled
        r = await c.post("/admin/feeds/resume", data={"csrf": csrf, "feed": "1"})
        assert r.status_code == 303
        row = feed_row((await c.get("/admin/openings")).text, 1)
        assert row is not None and "paused" not in row and "Pause" in row

        r = await c.post("/admin/feeds/remove", data={"csrf": csrf, "feed": "1"})
        assert r.status_code == 303
        assert feed_row((await c.get("/admin/openings")).text, 1) is None
        for path in ("/admin/feeds/remove", "/admin/feeds/pause"):
            r = await c.post(path, data={"csrf": csrf, "feed": "1"})
            assert r.status_code == 404 and "no longer there" in problem(r.text)


@pytest.mark.parametrize(("fields", "status", "said"), [
    ({"kind": "greenhouse", "target": "acme", "every": "often"}, 400,
     "The refresh interval 'often': expected a duration such as 30m, 1h, 6h or 1d."),
    ({"kind": "greenhouse", "target": "acme", "every": "0s"}, 400,
     "The refresh interval '0s': expected between 1 second and a year."),
    ({"kind": "url", "target": "https://jobs.example.org/feed.json", "every": "1h"}, 400,
     "A url feed needs a format: yaml, greenhouse, lever."),
    ({"kind": "lever", "target": "globex", "format": "yaml"}, 400,
     "A format is for url feeds; a lever feed is read as lever."),
    ({"kind": "url", "target": "file:///etc/passwd", "format": "yaml"}, 400,
     "'file:///etc/passwd': expected an http(s) URL."),
    ({"kind": "greenhouse", "target": "acme"}, 409,
     "Not added: feed 1 is a greenhouse feed of acme already."),
    ({"kind": "rss", "target": "acme"}, 400, "Choose the kind of feed: greenhouse, lever, url."),
])
async def test_a_refused_feed_says_why_in_plain_words_and_keeps_the_form(
    app: Starlette, runtime: Runtime, fields: dict[str, str], status: int, said: str,
) -> None:
    async with signed_in(app, runtime) as c:
        csrf = await csrf_of(c)
        r = await c.post("/admin/feeds", data={"csrf": csrf, "kind": "greenhouse",
                                               "target": "acme"})
        assert r.status_code == 303
        r = await c.post("/admin/feeds", data={"csrf": csrf, **fields})
        assert r.status_code == status
        # The web form's own wording: no command-line options.
        assert problem(r.text) == said and "--" not in problem(r.text)
        assert f'name="target" required maxlength="2000" value="{html.escape(fields["target"])}"' \
            in r.text
        assert feed_row(r.text, 1) is not None and feed_row(r.text, 2) is None


async def test_a_feed_being_refreshed_is_not_removed(app: Starlette, runtime: Runtime) -> None:
    assert runtime.storage is not None
    store = SqlFeedStore(runtime.storage)
    async with signed_in(app, runtime) as c:
        csrf = await csrf_of(c)
        await c.post("/admin/feeds", data={"csrf": csrf, "kind": "lever", "target": "globex"})
        now = datetime.now(UTC)
        claimed = await store.claim_due("another worker", now=now,
                                        lease_until=now + timedelta(hours=1))
        assert claimed is not None
        r = await c.post("/admin/feeds/remove", data={"csrf": csrf, "feed": str(claimed.id)})
        assert r.status_code == 409
        assert problem(r.text) == (f"Feed {claimed.id} was not removed: a worker is refreshing "
                                   "it right now. Try again in a minute.")
        assert feed_row(r.text, claimed.id) is not None


async def test_changing_feeds_needs_a_session_and_the_csrf_token(
    app: Starlette, runtime: Runtime,
) -> None:
    fields = {"kind": "greenhouse", "target": "acme", "feed": "1"}
    async with client(app) as anonymous:
        for path in CHANGES:
            r = await anonymous.post(path, data={**fields, "csrf": "x"})
            assert r.status_code == 401, path
    async with signed_in(app, runtime) as c:
        for path in CHANGES:
            assert (await c.post(path, data=fields)).status_code == 403, path
            assert (await c.post(path, data={**fields, "csrf": "wrong"})).status_code == 403
    assert runtime.storage is not None
    assert await SqlFeedStore(runtime.storage).list_all() == []


async def test_without_a_database_the_page_says_where_feeds_live(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings(careerbot_public_url="http://admin.test",
                             careerbot_session_secret=SECRET)
    async with await runtime_for(settings, store=MemoryStore()) as rt:
        app = create_app(rt)
        async with signed_in(app, rt) as c:
            page = await c.get("/admin/openings")
            assert page.status_code == 200 and "set <code>DATABASE_URL</code>" in page.text
            csrf = await csrf_of(c)
            r = await c.post("/admin/feeds", data={"csrf": csrf, "kind": "lever",
                                                   "target": "globex"})
            assert r.status_code == 503


async def test_a_feed_url_is_listed_without_its_credentials_or_token(
    app: Starlette, runtime: Runtime,
) -> None:
    async with signed_in(app, runtime) as c:
        csrf = await csrf_of(c)
        r = await c.post("/admin/feeds", data={
            "csrf": csrf, "kind": "url", "format": "yaml",
            "target": "https://bot:pa55@jobs.example.org/feed.yaml?token=s3cret"})
        assert r.status_code == 303
        page = (await c.get("/admin/openings")).text
        row = feed_row(page, 1)
        assert row is not None and "url</b> https://jobs.example.org/feed.yaml" in row
        assert "s3cret" not in page and "pa55" not in page
