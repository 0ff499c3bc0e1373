"""The /admin pages through the real Starlette app: sign-in, refusals, seeded data, CSRF."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from adapters.admin.reports import GapFinder, TopicRow, least_helpful
from adapters.admin.session import COOKIE
from adapters.bootstrap import Runtime, build_bot
from adapters.service.app import create_app
from adapters.settings import Settings
from bot.actions import RateTopic
from bot.knowledge import load_knowledge
from bot.memory import MemoryStore
from bot.retrieval import MATCHER_SUGGEST_AT
from tests.adapters.service.conftest import runtime_for
from tests.factories import message
from tests.fakes.knowledge import write_small_kb

SECRET = "s" * 40
PAGES = ("/admin/", "/admin/gaps", "/admin/topics", "/admin/openings")


@pytest.fixture
async def runtime(make_settings: Callable[..., Settings]) -> AsyncIterator[Runtime]:
    # Plain http, as on a developer's machine (an https address makes every cookie Secure).
    settings = make_settings(careerbot_public_url="http://admin.test",
                             careerbot_session_secret=SECRET)
    async with await runtime_for(settings, store=MemoryStore()) as rt:
        yield rt


@pytest.fixture
def app(runtime: Runtime) -> Starlette:
    return create_app(runtime)


def client(app: Starlette, base: str = "http://admin.test") -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base)


async def token_for(runtime: Runtime) -> str:
    [reply] = await runtime.bot.handle(message("/admin", user="1001", platform="telegram"))
    assert reply.private
    found = re.search(r"http://admin\.test/admin/login\?token=(\S+)", reply.text)
    assert found, reply.text
    return found.group(1)


@contextlib.asynccontextmanager
async def signed_in(app: Starlette, runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    async with client(app) as c:
        r = await c.post("/admin/login", data={"token": await token_for(runtime)})
        assert r.status_code == 303 and r.headers["location"] == "/admin/"
        yield c


async def test_nobody_signed_in_sees_anything(app: Starlette) -> None:
    async with client(app) as c:
        for page in PAGES:
            r = await c.get(page)
            assert r.status_code == 401 and "send /admin" in r.text
        r = await c.post("/admin/gaps/handled", data={"group": "x", "csrf": "x"})
        assert r.status_code == 401
        c.cookies.set(COOKIE, "forged.value.sig", domain="admin.test", path="/admin")
        assert (await c.get("/admin/")).status_code == 401


async def test_a_link_signs_in_once_with_a_safe_cookie_and_is_never_logged(
        app: Starlette, runtime: Runtime, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    token = await token_for(runtime)
    async with client(app) as c:
        # Opening the link (as a chat app's preview does) does not use it up.
        page = await c.get(f"/admin/login?token={token}")
        assert page.status_code == 200 and f'value="{token}"' in page.text
        assert page.headers["referrer-policy"] == "no-referrer"
        assert "script-src" not in page.headers["content-security-policy"]
        r = await c.post("/admin/login", data={"token": token})
        assert r.status_code == 303
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/admin" in cookie
        for path in PAGES:
            assert (await c.get(path)).status_code == 200, path
    async with client(app) as again:
        r = await again.post("/admin/login", data={"token": token})
        assert r.status_code == 403 and COOKIE not in r.headers.get("set-cookie", "")
        assert (await again.post("/admin/login", content=b"{}",
                                 headers={"content-type": "application/json"})).status_code == 400
    # (httpx, the test's client, logs the URLs it requests; the service logs no token.)
    assert not [r for r in caplog.records if token in r.getMessage() and r.name != "httpx"]


async def test_the_cookie_is_secure_over_https(app: Starlette, runtime: Runtime) -> None:
    c = client(app, "https://admin.test")
    r = await c.post("/admin/login", data={"token": await token_for(runtime)})
    assert r.status_code == 303 and "Secure" in r.headers["set-cookie"]
    await c.aclose()


async def test_pages_show_what_was_counted(app: Starlette, runtime: Runtime) -> None:
    bot = runtime.bot
    for user, platform in (("a", "telegram"), ("b", "slack"), ("c", "slack")):
        await bot.handle(message("what is docker", user=user, platform=platform))
    await bot.handle(message(action=RateTopic(topic_id="docker", helpful=False).encode(),
                             user="a", platform="telegram"))
    for i, text in enumerate(("how much does a backend developer earn in poland",
                              "average pay for a backend programmer in poland",
                              "which laptop should i buy for programming")):
        [reply] = await bot.handle(message(text, user=f"d{i}", platform="telegram"))
        assert reply.intent == "fallback", (text, reply)
    async with signed_in(app, runtime) as c:
        overview = (await c.get("/admin/")).text
        assert 'data-series="slack"' in overview and 'data-value="2"' in overview
        assert 'data-total="messages">' in overview
        gaps = (await c.get("/admin/gaps")).text
        # Both salary phrasings are one group, asked twice; the laptop question its own.
        assert re.search(r'<td class="n">2</td>\s*<td><b>[^<]*poland', gaps), gaps
        assert "which laptop should i buy for programming" in gaps
        topics = (await c.get("/admin/topics")).text
        assert re.search(r'data-topic="docker">.*?<td class="n">3</td><td class="n">0</td>\s*'
                         r'<td class="n">1</td>', topics, re.S), topics


async def test_a_least_helpful_topic_shows_the_questions_it_was_rated_on(
        app: Starlette, runtime: Runtime) -> None:
    bot = runtime.bot
    rate = RateTopic(topic_id="docker", helpful=False).encode()
    for user, text in (("a", "What is Docker?"), ("b", "what is docker <b>now</b>")):
        await bot.handle(message(text, user=user, platform="telegram"))
        await bot.handle(message(action=rate, user=user, platform="telegram"))
    await bot.handle(message("what is docker", user="c", platform="slack"))
    await bot.handle(message(action=RateTopic(topic_id="docker", helpful=True).encode(),
                             user="c", platform="slack"))
    async with signed_in(app, runtime) as c:
        gaps = (await c.get("/admin/gaps")).text
    row = re.search(r'<tr data-topic="docker">.*?</tr>', gaps, re.S)
    assert row, gaps
    # Newest first, escaped, and only what was rated not helpful.
    assert re.search(r"<td>what is docker b now b <span[^>]*>[^<]*UTC</span>; "
                     r"what is docker <span", row.group(0)), row.group(0)
    assert "unanswered questions nearest" not in gaps


async def test_marking_a_gap_handled_needs_the_csrf_token(app: Starlette, runtime: Runtime) -> None:
    await runtime.bot.handle(message("which laptop should i buy for programming", user="d"))
    async with signed_in(app, runtime) as c:
        page = (await c.get("/admin/gaps")).text
        group = re.search(r'name="group" value="(\w+)"', page)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert group and csrf
        r = await c.post("/admin/gaps/handled", data={"group": group.group(1)})
        assert r.status_code == 403
        r = await c.post("/admin/gaps/handled", data={"group": group.group(1), "csrf": "wrong"})
        assert r.status_code == 403
        assert "which laptop" in (await c.get("/admin/gaps")).text
        r = await c.post("/admin/gaps/handled",
                         data={"group": group.group(1), "csrf": csrf.group(1)})
        assert r.status_code == 303
        assert "which laptop" not in (await c.get("/admin/gaps")).text
        r = await c.post("/admin/gaps/handled", data={"group": "nope", "csrf": csrf.group(1)})
        assert r.status_code == 400
        # Asked again after the mark: back in the list.
        await runtime.bot.handle(message("which laptop should i buy for programming", user="e"))
        assert "which laptop" in (await c.get("/admin/gaps")).text
        r = await c.post("/admin/logout", data={"csrf": csrf.group(1)})
        assert r.status_code == 303


async def test_an_oversized_form_is_refused_before_it_is_read(app: Starlette) -> None:
    async with client(app) as c:
        r = await c.post("/admin/login", content=b"token=" + b"x" * (2 << 20),
                         headers={"content-type": "application/x-www-form-urlencoded"})
        assert r.status_code == 413


@pytest.mark.parametrize(("peer", "secure"), [("127.0.0.1", True), ("203.0.113.9", False)])
async def test_behind_a_trusted_proxy_the_cookie_is_secure(
        app: Starlette, runtime: Runtime, peer: str, secure: bool) -> None:
    """`careerbot serve` runs uvicorn with its proxy headers on: X-Forwarded-Proto counts from
    FORWARDED_ALLOW_IPS (default 127.0.0.1) only."""
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    proxied = ProxyHeadersMiddleware(app, trusted_hosts="127.0.0.1")
    transport = httpx.ASGITransport(app=proxied, client=(peer, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://admin.test") as c:
        r = await c.post("/admin/login", data={"token": await token_for(runtime)},
                         headers={"X-Forwarded-Proto": "https"})
    assert r.status_code == 303
    assert ("; Secure" in r.headers["set-cookie"]) is secure


async def test_without_a_model_a_gap_names_only_a_topic_the_bot_would_offer(
        tmp_path: Path) -> None:
    kb = load_knowledge(write_small_kb(tmp_path / "kb"))
    store = MemoryStore()
    bot = build_bot(kb, store.uow)  # no encoder: words only
    async with store.uow() as uow:
        await uow.unanswered.record("docker networking between two containers", "a")
        await uow.unanswered.record("which laptop should i buy", "b")
        await uow.commit()
    gaps = {g.group.leader.text: g for g in await GapFinder(bot).gaps(store.uow)}
    near = gaps["docker networking between two containers"]
    assert near.topic_id == "docker" and near.topic_title == "Docker"
    assert near.score is not None and near.score >= MATCHER_SUGGEST_AT
    far = gaps["which laptop should i buy"]
    assert (far.topic_id, far.topic_title, far.score) == (None, None, None)


def test_a_topic_surely_unhelpful_comes_before_one_unlucky_rating() -> None:
    def row(topic_id: str, helpful: int, not_helpful: int) -> TopicRow:
        return TopicRow(topic_id=topic_id, title=topic_id, answered=50, helpful=helpful,
                        not_helpful=not_helpful)

    rows = [row("once", 0, 1), row("mostly-good", 40, 2), row("often-bad", 2, 10),
            row("never-bad", 9, 0), row("half", 5, 5)]
    assert [r.topic_id for r in least_helpful(rows)] == ["often-bad", "half", "once",
                                                         "mostly-good"]
