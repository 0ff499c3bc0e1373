"""Load benchmark of `careerbot serve`: signed Slack events and Telegram updates over loopback.

Run: .venv/bin/python -m benchmarks.bench_serve [--seconds 8] [--rate 300] [--skip-postgres]
     [--processes 1,2] [--inbox on|off|both]

For SQLite and PostgreSQL, with 1 and 2 server processes, it measures
  * saturation: the most requests a second the servers answer (closed loop: 32 people, each
    sending the next message once the answer to the last one arrived);
  * paced: `--rate` requests a second per process (open loop);
  * latency of each request: from sending it to the moment the fake platform API receives the
    bot's answer (both webhooks answer 200 before the work is done);
  * peak RSS of each server process.
`--inbox both` runs each scenario with the inbox (every update kept in the database before
its 200, forgotten once answered) and without it (as before: queued in memory only), so
its cost per request is measured in the same run. Then the start-up time and RSS of one
`careerbot serve` with the shipped knowledge base and 10,000 openings in its database. The
platform APIs are small fakes in this process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from benchmarks.common import percentile, table
from tests.fakes.http_fake import AiohttpFake
from tests.fakes.knowledge import write_small_kb
from tests.fakes.postgres import PgServer, PostgresUnavailable, throwaway_pg_server
from tests.fakes.servers import (
    SLACK_BOT_TOKEN,
    SLACK_SIGNING_SECRET,
    TELEGRAM_SECRET,
    Server,
    start_server,
)
from tests.fakes.slack_api import BOT_USER_ID, TEAM_ID, signed_headers

TG_TOKEN = "123456:BENCH-token_abc"
# Telegram allows a bot about 30 messages a second and the adapter keeps to that; the load
# runs lift it (see serve_unthrottled.py) so they measure the server, not Telegram's limit.
SERVE_MODULE = "benchmarks.serve_unthrottled"
QUESTIONS = ("what is docker", "hello", "what does kubernetes do", "help",
             "how do I bake sourdough bread", "docker image vs container")


# --- the platform fakes: answer fast and note when each chat got its answer ------------------

@dataclass
class Fakes(AiohttpFake):
    answered: dict[str, float] = field(default_factory=dict)
    waiters: dict[str, asyncio.Future[float]] = field(default_factory=dict)
    base: str = ""
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._telegram)
        app.router.add_post("/api/{method}", self._slack)
        self.base = await self._listen(app, access_log=None)

    def _seen(self, key: str) -> None:
        now = self.answered.setdefault(key, time.perf_counter())
        waiter = self.waiters.pop(key, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(now)

    async def _telegram(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        form = await request.post()
        if method == "getMe":
            return web.json_response({"ok": True, "result": {
                "id": 777000, "is_bot": True, "first_name": "careerbot",
                "username": "careerbot_bench_bot"}})
        if method == "sendMessage":
            chat = str(form["chat_id"])
            self._seen("tg:" + chat)
            return web.json_response({"ok": True, "result": {
                "message_id": next(self._ids), "date": int(time.time()),
                "chat": {"id": int(chat), "type": "private"}, "text": "ok"}})
        return web.json_response({"ok": True, "result": True})

    async def _slack(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method == "auth.test":
            return web.json_response({"ok": True, "team_id": TEAM_ID, "user_id": BOT_USER_ID,
                                      "bot_id": "BBOT0001", "team": "Bench", "user": "careerbot",
                                      "url": "https://bench.slack.com/"})
        raw = await request.read()
        data = (json.loads(raw) if request.content_type == "application/json"
                else {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode()).items()})
        if method in ("chat.postMessage", "chat.postEphemeral"):
            self._seen("slack:" + str(data.get("channel")))
        return web.json_response({"ok": True, "channel": data.get("channel"),
                                  "ts": f"1700000000.{next(self._ids):06d}"})


# --- requests --------------------------------------------------------------------------------

@dataclass
class Request:
    path: str
    body: bytes
    headers: dict[str, str]
    key: str  # what the fake records when the answer arrives


class Workload:
    """Distinct people, so each request is a real new conversation (event claim, user, state)."""

    _seq = itertools.count()  # shared: chat and update ids never repeat within a run

    def __init__(self, run: str) -> None:
        self.run = run
        self._n = Workload._seq

    def next(self) -> Request:
        i = next(self._n)
        text = QUESTIONS[i % len(QUESTIONS)]
        if i % 2:
            chat = 1_000_000 + i
            update = {"update_id": 10_000_000 + i, "message": {
                "message_id": i, "date": int(time.time()), "text": text,
                "chat": {"id": chat, "type": "private", "first_name": "P"},
                "from": {"id": chat, "is_bot": False, "first_name": "P"}}}
            return Request("/telegram/webhook", json.dumps(update).encode(),
                           {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
                            "Content-Type": "application/json"}, f"tg:{chat}")
        channel = f"D{self.run}{i:07d}"
        ts = f"1700000100.{i:06d}"
        envelope = {
            "token": "legacy", "team_id": TEAM_ID, "api_app_id": "A0001",
            "type": "event_callback", "event_id": f"Ev{self.run}{i:08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
            "event": {"type": "message", "channel_type": "im", "channel": channel,
                      "user": f"U{self.run}{i:07d}", "text": text, "ts": ts, "event_ts": ts},
        }
        body = json.dumps(envelope).encode()
        return Request("/slack/events", body,
                       signed_headers(SLACK_SIGNING_SECRET, body, content_type="application/json"),
                       f"slack:{channel}")


@dataclass
class Result:
    sent: dict[str, float] = field(default_factory=dict)
    http: list[float] = field(default_factory=list)
    errors: int = 0
    shed: int = 0  # refused with 503 by the server's load shedding: not waited for


async def send(session: aiohttp.ClientSession, url: str, req: Request, result: Result) -> None:
    started = time.perf_counter()
    result.sent[req.key] = started
    try:
        async with session.post(url + req.path, data=req.body, headers=req.headers) as r:
            await r.read()
            if r.status == 503:
                result.shed += 1
                del result.sent[req.key]
            elif r.status != 200:
                result.errors += 1
    except aiohttp.ClientError:
        result.errors += 1
    result.http.append(time.perf_counter() - started)


async def wait_answers(fakes: Fakes, result: Result, timeout: float = 60) -> float:
    """Until every request was answered; returns when the last answer came."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if all(k in fakes.answered for k in result.sent):
            break
        await asyncio.sleep(0.02)
    return max((fakes.answered.get(k, 0.0) for k in result.sent), default=time.perf_counter())


async def saturate(servers: list[Server], fakes: Fakes, work: Workload, seconds: float,
                   concurrency: int = 32) -> dict[str, Any]:
    result = Result()
    stop_at = time.perf_counter() + seconds
    conn = aiohttp.TCPConnector(limit=concurrency * 2)
    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=conn) as session:
        async def loop(n: int) -> None:
            # Closed loop on the answer, not on the HTTP 200: both webhooks acknowledge
            # before the work is done, so waiting for 200 only would pile up a backlog.
            url = servers[n % len(servers)].url
            while time.perf_counter() < stop_at:
                req = work.next()
                answer = fakes.waiters[req.key] = asyncio.get_running_loop().create_future()
                await send(session, url, req, result)
                if req.key not in result.sent:
                    fakes.waiters.pop(req.key, None)
                    await asyncio.sleep(0.1)  # shed: back off a little, as a platform would
                    continue
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(answer, 30)
        await asyncio.gather(*(loop(n) for n in range(concurrency)))
    last = await wait_answers(fakes, result)
    latencies = [fakes.answered[k] - t for k, t in result.sent.items() if k in fakes.answered]
    return {"rps": len(latencies) / (last - started), "requests": len(latencies),
            "p50_ms": percentile(latencies, 50) * 1000, "p99_ms": percentile(latencies, 99) * 1000,
            "errors": result.errors, "shed": result.shed,
            "unanswered": len(result.sent) - len(latencies)}


async def paced(servers: list[Server], fakes: Fakes, work: Workload, seconds: float,
                rate: float) -> dict[str, Any]:
    """Open loop: `rate` requests a second per process, whatever the latency."""
    result = Result()
    total_rate = rate * len(servers)
    n = int(seconds * total_rate)
    tasks = []
    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=512)) as session:
        for i in range(n):
            due = started + i / total_rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(
                send(session, servers[i % len(servers)].url, work.next(), result)))
        await asyncio.gather(*tasks)
    last = await wait_answers(fakes, result)
    latencies = [fakes.answered[k] - t for k, t in result.sent.items() if k in fakes.answered]
    return {
        "offered_rps": total_rate,
        "done_rps": len(latencies) / (last - started),
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "http_p99_ms": percentile(result.http, 99) * 1000,
        "errors": result.errors,
        "shed": result.shed,
        "unanswered": len(result.sent) - len(latencies),
    }


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time the processes used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def rss_mb(pid: int, key: str = "VmHWM") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- PostgreSQL -----------------------------------------------------------------------------

@contextlib.contextmanager
def postgres() -> Iterator[PgServer | None]:
    """A throwaway PostgreSQL server (as in the tests); None when it cannot run here."""
    with contextlib.ExitStack() as stack:
        try:
            # Durability as a production server keeps it: fsync stays on.
            server = stack.enter_context(throwaway_pg_server(
                options="-c max_connections=200", prefix="careerbot-bench-pg-"))
        except PostgresUnavailable:
            server = None
        yield server


def pg_database(server: PgServer, name: str) -> str:
    server.sql(f"DROP DATABASE IF EXISTS {name}")
    server.sql(f"CREATE DATABASE {name}")
    return migrate(server.url(name))


def migrate(url: str) -> str:
    """`careerbot db upgrade`, as a release step does before the servers start."""
    done = subprocess.run([sys.executable, "-m", "adapters.cli", "db", "upgrade"],
                          env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"careerbot db upgrade failed: {done.stdout}{done.stderr}")
    return url


# --- scenarios ------------------------------------------------------------------------------

def server_env(fakes: Fakes, database_url: str, kb: Path | None) -> dict[str, str]:
    env = {
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": TG_TOKEN,
        "TELEGRAM_API_BASE_URL": fakes.base + "/bot",
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.test/telegram/webhook",
        "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        "SLACK_BOT_TOKEN": SLACK_BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET,
        "SLACK_API_URL": fakes.base + "/api/",
        "LOG_LEVEL": "WARNING",
    }
    if kb is not None:
        env["CAREERBOT_KNOWLEDGE_DIR"] = str(kb)
    return env


async def scenario(name: str, database_url: str, processes: int, fakes: Fakes, kb: Path | None,
                   workdir: Path, args: argparse.Namespace, *, inbox: bool = True
                   ) -> list[dict[str, Any]]:
    env = server_env(fakes, database_url, kb)
    if not inbox:
        from benchmarks.serve_unthrottled import NO_INBOX

        env[NO_INBOX] = "1"
    servers = [start_server(env, workdir, name=f"{name}-{i}", module=SERVE_MODULE)
               for i in range(processes)]
    if args.pin:
        # One process: it gets CPU 1 to itself (the load, the fakes and PostgreSQL run on
        # CPU 0). Two processes: they share both CPUs with the rest.
        cpus = {1} if processes == 1 else set(range(os.cpu_count() or 1))
        for s in servers:
            os.sched_setaffinity(s.proc.pid, cpus)
    rows = []
    try:
        await asyncio.gather(*(s.wait_healthy() for s in servers))
        tag = name.replace("-", "")[:6] + ("i" if inbox else "n")
        # Warm up: first requests pay for Bolt's auth.test, the openings index, pools.
        await saturate(servers, fakes, Workload(tag + "w"), 1.0, concurrency=8)
        pids = [s.proc.pid for s in servers]
        cpu = cpu_seconds(pids)
        sat = await saturate(servers, fakes, Workload(tag + "s"), args.seconds)
        sat_cpu = cpu_seconds(pids) - cpu
        base = {"database": name.split("-")[0], "processes": processes,
                "inbox": "on" if inbox else "off"}
        rows.append({**base, "load": "saturated (32 in flight)",
                     "req/s per process": sat["rps"] / processes,
                     "p50 ms": sat["p50_ms"], "p99 ms": sat["p99_ms"],
                     # On a shared machine req/s depends on the neighbours; CPU per request
                     # (all server processes together) does not.
                     "server CPU ms/req": 1000 * sat_cpu / max(1, sat["requests"]),
                     "errors": sat["errors"], "shed (503)": sat["shed"],
                     "unanswered": sat["unanswered"]})
        for rate in args.rate:
            pace = await paced(servers, fakes, Workload(tag + f"p{rate:g}"), args.seconds, rate)
            rows.append({**base, "load": f"paced {rate:g} req/s per process",
                         "req/s per process": pace["done_rps"] / processes,
                         "p50 ms": pace["p50_ms"], "p99 ms": pace["p99_ms"],
                         "server CPU ms/req": float("nan"),
                         "errors": pace["errors"], "shed (503)": pace["shed"],
                         "unanswered": pace["unanswered"]})
        rss = max(rss_mb(s.proc.pid) for s in servers)
    finally:
        for s in servers:
            s.terminate()
    for row in rows:
        row["peak RSS MB"] = rss
    return rows


async def startup(fakes: Fakes, workdir: Path, openings: int, pin: bool) -> dict[str, Any]:
    """Start-up time and RSS with the shipped knowledge base and `openings` in the database."""
    from bot.openings import Level, Opening, Remote
    from storage.engine import Storage

    path = workdir / "startup.sqlite3"
    storage = Storage.from_url(f"sqlite:///{path}")
    await storage.upgrade()
    skills = ("Python", "Go", "PostgreSQL", "Docker", "Kubernetes", "Java", "AWS", "Redis",
              "Kafka", "TypeScript", "Rust", "Django")
    now = datetime.now(UTC)
    batch = [Opening(source="bench", external_id=f"o{i}", title=f"Backend Engineer {i}",
                     company=f"Company {i % 700}", url=f"https://jobs.example.org/{i}",
                     location=("Berlin", "London", "Remote", "New York")[i % 4],
                     remote=tuple(Remote)[i % len(Remote)],
                     level=tuple(Level)[i % len(Level)],
                     skills=tuple(skills[(i + k) % len(skills)] for k in range(4)),
                     description="Build and run APIs. " * 10, posted_at=now)
             for i in range(openings)]
    async with storage.uow() as uow:
        await uow.openings.upsert_many(batch)
        await uow.commit()
    await storage.aclose()
    env = server_env(fakes, f"sqlite:///{path}", None)
    started = time.perf_counter()
    server = start_server(env, workdir, name="startup")  # the real entry point
    if pin:
        os.sched_setaffinity(server.proc.pid, {1})
    try:
        await server.wait_healthy()
        ready = time.perf_counter() - started
        # CPU as well as the wall clock: on this shared machine the wall clock is mostly the load.
        cpu_ready = cpu_seconds([server.proc.pid])
        rss_ready = rss_mb(server.proc.pid, "VmRSS")
        # One /jobs question builds the openings index from all 10,000 rows; then the first
        # question in words loads the sentence encoder and the knowledge base's vectors.
        jobs_ms, rss_jobs = await _ask(server, fakes, 99_000_001, "/jobs python remote")
        words_ms, rss_words = await _ask(server, fakes, 99_000_002,
                                         "how do I get ready for a system design interview?")
        peak = rss_mb(server.proc.pid, "VmHWM")
    finally:
        server.terminate()
    return {"openings": openings, "start-up to healthy s": ready,
            "CPU to healthy s": cpu_ready, "RSS when ready MB": rss_ready, "first /jobs ms": jobs_ms,
            "RSS after /jobs MB": rss_jobs, "first question ms": words_ms,
            "RSS after question MB": rss_words, "peak RSS MB": peak}


async def _ask(server: Server, fakes: Fakes, chat: int, text: str) -> tuple[float, float]:
    """Milliseconds until `text`'s answer reached the fake API, and the server's RSS after it."""
    fakes.answered.clear()
    command = [{"type": "bot_command", "offset": 0, "length": text.find(" ")}] if text[0] == "/" else []
    update = {"update_id": chat, "message": {
        "message_id": 1, "date": int(time.time()), "text": text, "entities": command,
        "chat": {"id": chat, "type": "private", "first_name": "P"},
        "from": {"id": chat, "is_bot": False, "first_name": "P"}}}
    req = Request("/telegram/webhook", json.dumps(update).encode(),
                  {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
                   "Content-Type": "application/json"}, f"tg:{chat}")
    result = Result()
    async with aiohttp.ClientSession() as session:
        await send(session, server.url, req, result)
    await wait_answers(fakes, result)
    await asyncio.sleep(0.5)
    ms = (fakes.answered.get(req.key, float("nan")) - result.sent[req.key]) * 1000
    return ms, rss_mb(server.proc.pid, "VmRSS")


async def main(args: argparse.Namespace) -> None:
    load_before = os.getloadavg()[0]
    args.pin = not args.no_pin and (os.cpu_count() or 1) >= 2
    if args.pin:
        os.sched_setaffinity(0, {0})  # children (PostgreSQL, servers) start here too
    workdir = Path(tempfile.mkdtemp(prefix="careerbot-bench-serve-"))
    fakes = Fakes()
    await fakes.start()
    kb = write_small_kb(workdir / "kb") if args.small_kb else None
    rows: list[dict[str, Any]] = []
    try:
        modes = {"on": (True,), "off": (False,), "both": (False, True)}[args.inbox]
        for processes in args.processes if not args.skip_sqlite else ():
            for inbox in modes:
                # Migrated first: two servers starting on a new SQLite file would both try.
                db = workdir / f"sqlite{processes}{'i' if inbox else 'n'}.sqlite3"
                rows += await scenario(f"sqlite-{processes}", migrate(f"sqlite:///{db}"),
                                       processes, fakes, kb, workdir, args, inbox=inbox)
                print(table(rows), flush=True)
        if not args.skip_postgres:
            with postgres() as server:
                if server is None:
                    print("PostgreSQL is not installed: skipping its rows", flush=True)
                else:
                    for processes in args.processes:
                        for inbox in modes:
                            url = pg_database(server, f"bench{processes}{'i' if inbox else 'n'}")
                            rows += await scenario(f"postgresql-{processes}", url, processes,
                                                   fakes, kb, workdir, args, inbox=inbox)
                            print(table(rows), flush=True)
        start = None if args.skip_startup else await startup(fakes, workdir, args.openings,
                                                             args.pin)
    finally:
        await fakes.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    print()
    print(f"machine: {os.cpu_count()} cores, {platform.python_implementation()} "
          f"{platform.python_version()}, {args.seconds:g} s per phase; half Slack events, "
          "half Telegram updates; latency = request sent until the fake API got the answer; "
          f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after; "
          + ("one server process pinned to CPU 1, everything else on CPU 0" if args.pin
             else "no CPU pinning"))
    print()
    print(table(rows))
    if start is not None:
        print()
        print(table([start]))


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=8.0, help="length of each phase")
    p.add_argument("--rate", type=lambda v: [float(x) for x in v.split(",")],
                   default=[100.0, 300.0], help="paced requests/s per process, comma-separated")
    p.add_argument("--openings", type=int, default=10_000, help="openings for the start-up run")
    p.add_argument("--processes", type=lambda v: [int(x) for x in v.split(",")],
                   default=[1, 2], help="server processes per scenario, comma-separated")
    p.add_argument("--inbox", choices=("on", "off", "both"), default="on",
                   help="keep updates in the database inbox (on: as shipped), or not, or both")
    p.add_argument("--skip-postgres", action="store_true")
    p.add_argument("--skip-sqlite", action="store_true")
    p.add_argument("--skip-startup", action="store_true")
    p.add_argument("--no-pin", action="store_true",
                   help="do not give a single server process its own CPU")
    p.add_argument("--small-kb", action="store_true",
                   help="a two-topic knowledge base instead of the shipped one")
    return p.parse_args()


if __name__ == "__main__":
    try:
        import uvloop
    except ImportError:
        asyncio.run(main(parse_args()))
    else:
        uvloop.run(main(parse_args()))
