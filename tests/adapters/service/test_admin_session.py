"""Session cookies, CSRF tokens, sign-in links and the SVG charts, without a server."""

from __future__ import annotations

from datetime import date, timedelta

from itsdangerous import URLSafeTimedSerializer

from adapters.admin import charts
from adapters.admin.session import Sessions, csrf_ok
from adapters.admin.signin import SignInLinks, digest, issue, redeem
from bot.memory import MemoryStore

SECRET = "x" * 32


def test_a_session_cookie_reads_back_and_a_forged_or_old_one_does_not() -> None:
    sessions = Sessions(SECRET)
    cookie, session = sessions.issue()
    assert sessions.read(cookie) == session
    assert Sessions("y" * 32).read(cookie) is None  # another key
    assert sessions.read(cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")) is None
    forged = URLSafeTimedSerializer("guess", salt="careerbot admin session").dumps({"csrf": "x"})
    assert sessions.read(forged) is None
    assert Sessions(SECRET, max_age=-1).read(cookie) is None  # expired
    assert sessions.read(None) is None and sessions.read("") is None


def test_csrf_needs_the_session_token() -> None:
    _, session = Sessions(SECRET).issue()
    assert csrf_ok(session, session.csrf)
    assert not csrf_ok(session, None)
    assert not csrf_ok(session, "")
    assert not csrf_ok(session, session.csrf + "x")


async def test_a_link_stores_only_the_digest_and_works_once() -> None:
    store = MemoryStore()
    url = await issue(store.uow, SignInLinks("https://bot.example.org/"), "telegram:1")
    assert url.startswith("https://bot.example.org/admin/login?token=")
    token = url.split("token=")[1]
    assert list(store.sign_ins) == [digest(token)] and token not in store.sign_ins
    assert await redeem(store.uow, token) is True
    assert await redeem(store.uow, token) is False
    assert await redeem(store.uow, "") is False


async def test_an_expired_link_is_refused() -> None:
    store = MemoryStore()
    url = await issue(store.uow, SignInLinks("http://x", ttl=timedelta(seconds=-1)), "op")
    assert await redeem(store.uow, url.split("token=")[1]) is False
    assert store.sign_ins == {}


def test_stacked_bars_carry_every_value_and_scale_to_the_biggest_day() -> None:
    days = [date(2026, 11, 1) + timedelta(days=i) for i in range(3)]
    lines = charts.series({"telegram": [1, 0, 4], "slack": [2, 0, 1]})
    svg = str(charts.stacked_bars(days, lines, label="Messages <by> platform"))
    assert svg.count("<rect") == 4  # zero values draw nothing
    assert 'data-series="telegram" data-day="2026-11-03" data-value="4"' in svg
    assert "Messages &lt;by&gt; platform" in svg and "<by>" not in svg
    # The tallest bar (5) fills the plot up to the axis maximum, 5.
    assert '>5</text>' in svg
    assert charts._nice(0) == 1 and charts._nice(7) == 10 and charts._nice(120) == 200
