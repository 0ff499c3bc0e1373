"""Prometheus metrics on a registry of our own, fed by a Bot hook and the rate limiter.

Under `careerbot serve --workers N` (PROMETHEUS_MULTIPROC_DIR set) every worker writes its
values to files there and /metrics adds up all workers, whichever one answers the scrape.
"""

from __future__ import annotations

import functools
import hmac
import os
import socket
import threading
import time
from collections import Counter as Tally
from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    make_wsgi_app,
)
from prometheus_client.exposition import ThreadingWSGIServer

from adapters.observability.logs import outcome_of
from bot.dialogue import Bot
from bot.feeds import NOT_MODIFIED, RefreshOutcome
from bot.messages import Message, Reply
from bot.ratelimit import Verdict

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Chat answers are mostly a few milliseconds; the tail is the database.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    """Counters for one process (or, in multiprocess mode, its share of the sum)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)
        self.bot: Bot | None = None
        self.started = time.time()
        self.pid = os.getpid()
        self.messages = Counter("careerbot_messages", "Messages handled, by platform and intent",
                                ["platform", "intent"], registry=self.registry)
        self.latency = Histogram("careerbot_answer_latency_seconds", "Time to answer one message",
                                 ["platform"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.fallbacks = Counter("careerbot_fallbacks", "Messages the bot could not answer",
                                 ["platform"], registry=self.registry)
        self.errors = Counter("careerbot_errors", "Messages that failed with an internal error",
                              ["platform"], registry=self.registry)
        self.duplicates = Counter("careerbot_no_reply", "Messages with no reply (duplicate "
                                  "deliveries, commands for other bots)", ["platform"],
                                  registry=self.registry)
        self.alerts = Counter("careerbot_alerts_sent", "Opening alerts and digests delivered",
                              ["platform"], registry=self.registry)
        self.rate_limited = Counter("careerbot_rate_limited", "Messages refused by the "
                                    "per-person limit", ["action"], registry=self.registry)
        self.topics = Gauge("careerbot_knowledge_topics", "Topics in the loaded knowledge base",
                            registry=self.registry, multiprocess_mode="mostrecent")
        self.shed = Counter("careerbot_webhooks_shed", "Webhook requests refused with 503 "
                            "because the backlog was too long", registry=self.registry)
        # Per-process tallies for /stats (cheaper than reading the registry back).
        self.by_intent: Tally[str] = Tally()
        self.people: set[tuple[str, str]] = set()

    def attach(self, bot: Bot) -> None:
        """Count what this bot handles (the rate limiter reports to `limited` itself)."""
        self.bot = bot
        bot.hooks.append(self.observe)
        self.topics.set(len(bot.kb.topics))

    def limited(self, verdict: Verdict) -> None:
        self.rate_limited.labels("warned" if verdict is Verdict.WARN else "dropped").inc()

    def observe(self, message: Message, replies: list[Reply], elapsed: float) -> None:
        platform = message.platform
        outcome = outcome_of(replies)
        self.latency.labels(platform).observe(elapsed)
        if outcome == "no_reply":
            self.duplicates.labels(platform).inc()
            return
        intent = replies[0].intent
        self.messages.labels(platform, intent).inc()
        self.by_intent[intent] += 1
        if len(self.people) < 100_000:
            self.people.add(message.user_key)
        if outcome == "fallback":
            self.fallbacks.labels(platform).inc()
        elif outcome == "error":
            self.errors.labels(platform).inc()

    @functools.cached_property
    def feeds(self) -> FeedMetrics:
        """Registered when first asked for: only the worker refreshes feeds."""
        return FeedMetrics(self.registry)

    def alert_sent(self, platform: str, n: int = 1) -> None:
        self.alerts.labels(platform).inc(n)

    def stats(self) -> dict[str, Any]:
        """For /stats: what this process has seen since it started."""
        hours = (time.time() - self.started) / 3600
        return {
            "this process": f"pid {self.pid}, up {hours:.1f} h",
            "messages": sum(self.by_intent.values()),
            "people": len(self.people),
            "by intent": dict(self.by_intent.most_common(8)),
            "fallbacks": int(self.by_intent.get("fallback", 0)),
        }

    def render(self) -> bytes:
        if self.bot is not None:
            self.topics.set(len(self.bot.kb.topics))  # /reload may have changed it
        if os.environ.get(MULTIPROC_ENV):
            from prometheus_client import multiprocess

            everyone = CollectorRegistry()
            multiprocess.MultiProcessCollector(everyone)  # type: ignore[no-untyped-call]
            return generate_latest(everyone)
        return generate_latest(self.registry)


class FeedMetrics:
    """What the worker's feed refreshes add to its registry (the web service has none)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.refreshes = Counter("careerbot_feed_refreshes", "Feed refreshes, by outcome: "
                                 "imported, not_modified (a 304) or failed", ["outcome"],
                                 registry=registry)
        self.failing = Gauge("careerbot_feeds_failing", "Feeds whose last refresh failed",
                             registry=registry, multiprocess_mode="mostrecent")
        self.open = Gauge("careerbot_openings_open", "Open openings in the database",
                          registry=registry, multiprocess_mode="mostrecent")

    def refreshed(self, outcome: RefreshOutcome) -> None:
        label = ("failed" if not outcome.ok
                 else "not_modified" if outcome.result == NOT_MODIFIED else "imported")
        self.refreshes.labels(label).inc()

    def state(self, *, open_openings: int, failing: int) -> None:
        self.open.set(open_openings)
        self.failing.set(failing)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Scrapes are not worth a line each."""


def bearer_ok(header: str, token: str) -> bool:
    """Whether an Authorization header carries this bearer token (compared in constant time)."""
    return hmac.compare_digest(header.encode(), f"Bearer {token}".encode())


def serve_metrics(registry: CollectorRegistry, *, port: int, host: str,
                  token: str | None) -> WSGIServer:
    """prometheus_client's exporter on a daemon thread, at `host:port`, and with `token` set
    answering 401 to a scrape without `Authorization: Bearer <token>`."""
    exporter = make_wsgi_app(registry)

    def app(environ: dict[str, Any], start: Callable[..., Any]) -> Iterable[bytes]:
        if token and not bearer_ok(environ.get("HTTP_AUTHORIZATION", ""), token):
            start("401 Unauthorized", [("WWW-Authenticate", "Bearer"),
                                       ("Content-Length", "0")])
            return [b""]
        return exporter(environ, start)  # type: ignore[no-any-return]

    class Server(ThreadingWSGIServer):
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

    server = make_server(host, port, app, Server, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server
