"""The /admin routes of `careerbot serve`: sign-in, Overview, Gaps, Topics, Openings."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route

from adapters.admin import charts, reports
from adapters.admin.session import COOKIE, CSRF_FIELD, Session, Sessions, cookie_options, csrf_ok
from adapters.admin.signin import redeem
from bot.feeds import DuplicateFeed, FeedBusy, FeedKind, FeedStore, NewFeed
from bot.ports import StorageUnavailable, UnitOfWork, UnitOfWorkFactory

if TYPE_CHECKING:
    import jinja2

    from adapters.bootstrap import Runtime

log = logging.getLogger(__name__)

# No script, no frames, nothing from elsewhere; and the sign-in link (its token) never leaves
# in a Referer header.
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}
FORM_TYPE = "application/x-www-form-urlencoded"
MAX_FIELDS = 10

Page = Callable[[Request, Session, "Runtime"], Awaitable[Response]]


@functools.cache
def templates() -> jinja2.Environment:
    """Loaded on the first page view, never at start-up (Jinja2 and the templates)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("adapters.admin", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["pct"] = lambda v: "–" if v is None else f"{v:.0%}"
    return env


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = templates().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def refuse(request: Request, status: int, why: str, text: str) -> HTMLResponse:
    """A refusal: one log line (never a token or cookie), a short page."""
    log.warning("admin: %d for %s %s (%s)", status, request.method, request.url.path, why)
    return render("message.html", status, title=text, session=None)


def admin_mount(runtime_of: Callable[[], Runtime | None], *, session_secret: str,
                public_url: str | None) -> Mount:
    """Everything under /admin. `runtime_of` gives the runtime once the service has one."""
    sessions = Sessions(session_secret)
    finders: dict[int, reports.GapFinder] = {}

    def secure(request: Request) -> bool:
        # uvicorn has already taken the scheme from X-Forwarded-Proto if the proxy is trusted
        # (FORWARDED_ALLOW_IPS); an https public URL means browsers come over HTTPS anyway.
        return request.url.scheme == "https" or (public_url or "").startswith("https://")

    def finder(rt: Runtime) -> reports.GapFinder:
        # One per bot (an admin's /reload keeps the bot, so the vector cache stays valid).
        return finders.setdefault(id(rt.bot), reports.GapFinder(bot=rt.bot))

    async def form(request: Request) -> dict[str, str] | None:
        if request.headers.get("content-type", "").split(";")[0].strip() != FORM_TYPE:
            return None
        try:
            body = (await request.body()).decode("utf-8")
            fields = parse_qs(body, max_num_fields=MAX_FIELDS, strict_parsing=False)
        except (UnicodeDecodeError, ValueError):
            return None
        return {k: v[0] for k, v in fields.items()}

    def signed_in(page: Page, *, changes: bool = False) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            session = sessions.read(request.cookies.get(COOKIE))
            if session is None:
                return refuse(request, 401, "not signed in",
                              "Please sign in: send /admin to the bot for a link.")
            if changes:
                fields = await form(request)
                if fields is None:
                    return refuse(request, 400, "not a form", "That request was not understood.")
                if not csrf_ok(session, fields.get(CSRF_FIELD)):
                    return refuse(request, 403, "CSRF token missing or wrong",
                                  "That form has expired; go back, reload and try again.")
                request.state.form = fields
            rt = runtime_of()
            if rt is None:
                return refuse(request, 503, "starting", "Starting up; try again in a moment.")
            try:
                return await page(request, session, rt)
            except StorageUnavailable:
                return refuse(request, 503, "database unreachable",
                              "The database is unreachable right now; try again later.")
        return endpoint

    async def login_page(request: Request) -> Response:
        # Chat apps fetch links to preview them: only the POST below uses the token up.
        token = request.query_params.get("token", "")
        return render("login.html", token=token, session=None)

    async def login(request: Request) -> Response:
        fields = await form(request)
        if fields is None:
            return refuse(request, 400, "not a form", "That request was not understood.")
        rt = runtime_of()
        if rt is None:
            return refuse(request, 503, "starting", "Starting up; try again in a moment.")
        uow_factory = _uow_factory(rt)
        try:
            ok = await redeem(uow_factory, fields.get("token", ""))
        except StorageUnavailable:
            return refuse(request, 503, "database unreachable",
                          "The database is unreachable right now; try again later.")
        if not ok:
            return refuse(request, 403, "sign-in link unknown, expired or used",
                          "This link is expired or was used already: send /admin to the bot "
                          "for a new one.")
        cookie, _ = sessions.issue()
        log.info("admin: signed in")
        response = RedirectResponse("/admin/", status_code=303, headers=HEADERS)
        response.set_cookie(COOKIE, cookie, **cookie_options(secure=secure(request)))  # type: ignore[arg-type]
        return response

    async def logout(request: Request, session: Session, rt: Runtime) -> Response:
        response = RedirectResponse("/admin/login", status_code=303, headers=HEADERS)
        response.delete_cookie(COOKIE, path="/admin", secure=secure(request), httponly=True,
                               samesite="lax")
        log.info("admin: signed out")
        return response

    async def overview(request: Request, session: Session, rt: Runtime) -> Response:
        days = reports.last_days()
        counts = await _read(rt, lambda uow: uow.usage.since(days[0]))
        view = reports.overview(counts, days)
        messages = charts.series(view.messages)
        outcomes = charts.series(view.outcomes, OUTCOME_COLOURS)
        ratings = charts.series(view.ratings, RATING_COLOURS)
        people = charts.series({"people": view.people}, {"people": charts.PALETTE[0]})
        return render("overview.html", session=session, page="overview", view=view, charts=[
            ("Messages per day by platform", messages),
            ("Answered, declined and “did you mean”", outcomes),
            ("Ratings: helpful and not helpful", ratings),
            ("People active per day", people),
        ], draw=lambda title, s: charts.stacked_bars(days, s, label=title), legend=charts.legend)

    async def gaps(request: Request, session: Session, rt: Runtime) -> Response:
        days = reports.last_days()

        found = await finder(rt).gaps(_uow_factory(rt))
        counts = await _read(rt, lambda uow: uow.usage.since(days[0]))
        titles = {t: topic.title for t, topic in rt.kb.topics.items()}
        worst = reports.least_helpful(reports.topic_rows(counts, titles))
        rated = await _read(rt, lambda uow: uow.feedback.negative_questions(
            [w.topic_id for w in worst], reports.NEGATIVE_QUESTIONS))
        return render("gaps.html", session=session, page="gaps", gaps=found, worst=worst,
                      rated=rated, csrf_field=CSRF_FIELD)

    async def mark_handled(request: Request, session: Session, rt: Runtime) -> Response:
        from datetime import UTC, datetime

        key = request.state.form.get("group", "")
        uow_factory = _uow_factory(rt)
        groups = await finder(rt).groups(uow_factory)
        group = next((g for g in groups if g.key == key), None)
        if group is None:
            return refuse(request, 400, "no such group",
                          "That group is no longer listed; go back and reload.")
        async with uow_factory() as uow:
            await uow.gap_marks.mark([q.text for q in group.questions], datetime.now(UTC))
            await uow.commit()
        log.info("admin: a gap of %d question(s) marked handled", len(group.questions))
        return RedirectResponse("/admin/gaps", status_code=303, headers=HEADERS)

    async def topics(request: Request, session: Session, rt: Runtime) -> Response:
        days = reports.last_days()
        counts = await _read(rt, lambda uow: uow.usage.since(days[0]))
        titles = {t: topic.title for t, topic in rt.kb.topics.items()}
        return render("topics.html", session=session, page="topics",
                      rows=reports.topic_rows(counts, titles), days=len(days))

    async def openings(request: Request, session: Session, rt: Runtime) -> Response:
        return await openings_page(session, rt)

    async def openings_page(session: Session, rt: Runtime, *, status: int = 200,
                            problem: str | None = None,
                            entered: dict[str, str] | None = None) -> Response:
        """The Openings page; after a refused change, with what went wrong (and the add form
        as it was filled in)."""
        days = reports.last_days()

        async def read(uow: UnitOfWork) -> tuple[list[tuple[str, int, int]], list[Any]]:
            return await uow.openings.by_source(), await uow.usage.since(days[0])

        sources, counts = await _read(rt, read)
        view = reports.openings(sources, counts, days)
        activity = charts.series(view.activity)
        store = _feed_store(rt)
        feeds = None
        formats: list[str] = []
        if store is not None:
            from adapters.feeds import feed_statuses
            from adapters.importers.feeds import FeedFormat

            feeds = reports.feed_rows(await feed_statuses(store))
            formats = [f.value for f in FeedFormat]
        return render("openings.html", status, session=session, page="openings", view=view,
                      chart=charts.stacked_bars(days, activity, label="Subscriptions and alerts"),
                      legend=charts.legend(activity), feeds=feeds, problem=problem,
                      entered=entered or {}, csrf_field=CSRF_FIELD,
                      kinds=[k.value for k in FeedKind], formats=formats)

    async def feed_added(request: Request, session: Session, rt: Runtime) -> Response:
        from adapters.feeds import FeedSpecError, add_feed

        store = _needs_feeds(rt)
        fields: dict[str, str] = request.state.form
        try:
            feed = await add_feed(store, _new_feed(fields))
        except FeedSpecError as exc:
            return await openings_page(session, rt, status=400, problem=_sentence(
                exc.said(FORM_NAMES)), entered=fields)
        except DuplicateFeed as exc:
            return await openings_page(session, rt, status=409,
                                       problem=_sentence(f"not added: {exc}"), entered=fields)
        log.info("admin: feed %d added (%s)", feed.id, feed.kind.value)
        return RedirectResponse("/admin/openings#feeds", status_code=303, headers=HEADERS)

    async def feed_removed(request: Request, session: Session, rt: Runtime) -> Response:
        from adapters.feeds import remove_feed

        store, storage = _needs_feeds(rt), rt.storage
        if storage is None:
            raise StorageUnavailable("feeds live in a database")
        feed_id = _feed_id(request.state.form)
        try:
            removed = None if feed_id is None else await remove_feed(store, storage, feed_id)
        except FeedBusy:
            return await openings_page(session, rt, status=409, problem=(
                f"Feed {feed_id} was not removed: a worker is refreshing it right now. "
                "Try again in a minute."))
        if removed is None:
            return await openings_page(session, rt, status=404, problem=_GONE)
        log.info("admin: feed %d removed, %d of its openings closed", removed.feed.id,
                 removed.closed)
        return RedirectResponse("/admin/openings#feeds", status_code=303, headers=HEADERS)

    def feed_switched(enabled: bool) -> Page:
        async def change(request: Request, session: Session, rt: Runtime) -> Response:
            from adapters.feeds import set_enabled

            store = _needs_feeds(rt)
            feed_id = _feed_id(request.state.form)
            feed = None if feed_id is None else await set_enabled(store, feed_id, enabled)
            if feed is None:
                return await openings_page(session, rt, status=404, problem=_GONE)
            log.info("admin: feed %d %s", feed.id, "resumed" if enabled else "paused")
            return RedirectResponse("/admin/openings#feeds", status_code=303, headers=HEADERS)
        return change

    return Mount("/admin", routes=[
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", signed_in(logout, changes=True), methods=["POST"]),
        Route("/", signed_in(overview), methods=["GET"]),
        Route("/gaps", signed_in(gaps), methods=["GET"]),
        Route("/gaps/handled", signed_in(mark_handled, changes=True), methods=["POST"]),
        Route("/topics", signed_in(topics), methods=["GET"]),
        Route("/openings", signed_in(openings), methods=["GET"]),
        Route("/feeds", signed_in(feed_added, changes=True), methods=["POST"]),
        Route("/feeds/remove", signed_in(feed_removed, changes=True), methods=["POST"]),
        Route("/feeds/pause", signed_in(feed_switched(False), changes=True), methods=["POST"]),
        Route("/feeds/resume", signed_in(feed_switched(True), changes=True), methods=["POST"]),
    ])


OUTCOME_COLOURS = {"answered": "#009E73", "declined": "#D55E00", "did you mean": "#E69F00"}
RATING_COLOURS = {"helpful": "#0072B2", "not helpful": "#CC79A7"}
# How the add-feed form names the settings a FeedSpecError mentions (the CLI names options).
FORM_NAMES = {"every": "the refresh interval", "format": "a format"}
_GONE = "That feed is no longer there; it may have been removed meanwhile."


def _uow_factory(rt: Runtime) -> UnitOfWorkFactory:
    factory = rt.bot.uow_factory
    if factory is None:
        raise StorageUnavailable("no storage configured")
    return factory


def _feed_store(rt: Runtime) -> FeedStore | None:
    from adapters.feeds import feed_store

    return feed_store(rt)


def _needs_feeds(rt: Runtime) -> FeedStore:
    store = _feed_store(rt)
    if store is None:
        raise StorageUnavailable("feeds live in a database")
    return store


def _new_feed(fields: dict[str, str]) -> NewFeed:
    """The add-feed form's fields as a checked feed (FeedSpecError says what is wrong)."""
    from adapters.feeds import DEFAULT_EVERY, FeedSpecError, new_feed, parse_every
    from adapters.importers.feeds import FeedFormat

    try:
        kind = FeedKind(fields.get("kind", ""))
    except ValueError:
        raise FeedSpecError("choose the kind of feed: "
                            + ", ".join(k.value for k in FeedKind)) from None
    chosen = fields.get("format", "").strip()
    try:
        fmt = FeedFormat(chosen) if chosen else None
    except ValueError:
        raise FeedSpecError("choose a format: "
                            + ", ".join(f.value for f in FeedFormat)) from None
    every = fields.get("every", "").strip()
    return new_feed(kind, fields.get("target", ""), fmt=fmt,
                    every=parse_every(every) if every else DEFAULT_EVERY,
                    company=fields.get("company"))


def _feed_id(fields: dict[str, str]) -> int | None:
    text = fields.get("feed", "")
    return int(text) if text.isdigit() and len(text) < 19 else None


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


async def _read(rt: Runtime, work: Callable[[UnitOfWork], Awaitable[Any]]) -> Any:
    async with _uow_factory(rt)() as uow:
        return await work(uow)
