"""Serving the app under test: in process under uvicorn, or as a `careerbot serve` subprocess."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

import httpx
import uvicorn
from starlette.types import ASGIApp

from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeBotApi

REPO = Path(__file__).resolve().parents[2]
TELEGRAM_SECRET = "e2e-webhook_Secret-123"
SLACK_SIGNING_SECRET = "7a9f3c2e1b0d4f6a8c7e5d3b1a9f0e2d"
SLACK_BOT_TOKEN = "xoxb-1000-2000-e2etokenvalue"


def platform_env(*, telegram: FakeBotApi | None = None,
                 slack: FakeSlack | None = None) -> dict[str, str]:
    """The settings that mount Telegram's webhook and Slack's events on the given fakes."""
    env: dict[str, str] = {}
    if telegram is not None:
        env.update({
            "TELEGRAM_BOT_TOKEN": telegram.token,
            "TELEGRAM_API_BASE_URL": telegram.base_url,
            "TELEGRAM_WEBHOOK_URL": "https://bot.example.test/telegram/webhook",
            "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        })
    if slack is not None:
        env.update({
            "SLACK_BOT_TOKEN": SLACK_BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET,
            "SLACK_API_URL": slack.api_url,
        })
    return env


def peak_rss_mb(pid: int) -> float:
    """A process's peak resident memory so far (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.asynccontextmanager
async def serve_asgi(app: ASGIApp, *, lifespan: Literal["on", "off"] = "off",
                     **options: Any) -> AsyncIterator[str]:
    """
    Serve an ASGI app with uvicorn on a free port of 127.0.0.1; yields its base URL.

    Without the lifespan the app runs in this event loop, so a test can share objects with it
    (a database engine, a list the bot's hook appends to). With it, the app is the service of
    `careerbot serve` and gets a thread and an event loop of its own, as it has in its process:
    at shutdown it drains every task its loop started since start-up, and in this loop those
    would include the fakes' keep-alive connections and pytest's fixture teardown, each held
    for the full drain time. `options` go to uvicorn.Config (those `careerbot serve` sets).
    """
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan=lifespan, log_config=None,
                                           log_level="warning", access_log=False, **options))
    serving = server.serve(sockets=[sock])
    task = asyncio.ensure_future(
        asyncio.to_thread(asyncio.run, serving) if lifespan == "on" else serving)
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("uvicorn stopped before it started serving")
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@dataclass
class Server:
    """One `careerbot serve` process on 127.0.0.1; its stderr goes to a file for inspection."""

    proc: subprocess.Popen[bytes]
    port: int
    log_path: Path
    _log: IO[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        async with httpx.AsyncClient() as client:
            while True:
                if self.proc.poll() is not None:
                    raise AssertionError(f"serve exited with {self.proc.returncode}:\n{self.log()}")
                try:
                    r = await client.get(self.url + "/healthz", timeout=2)
                    if r.status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                if asyncio.get_running_loop().time() > deadline:
                    raise AssertionError(f"serve never became healthy:\n{self.log()}")
                await asyncio.sleep(0.1)

    async def sigterm(self) -> None:
        """SIGTERM, then wait for the exit with this event loop turning: the fakes it still
        calls while it drains run in this loop."""
        self.proc.send_signal(signal.SIGTERM)
        while self.proc.poll() is None:
            await asyncio.sleep(0.05)

    def terminate(self, timeout: float = 30.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        return self.proc.returncode

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def start_server(env: dict[str, str], workdir: Path, *, name: str, workers: int = 1,
                 port: int | None = None, module: str = "adapters.cli") -> Server:
    port = port or free_port()
    log_path = workdir / f"{name}.log"
    log = log_path.open("wb")
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SLACK_"))}
    full_env.update(env)
    proc = subprocess.Popen(
        [sys.executable, "-m", module, "serve", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers)],
        cwd=workdir, env={**full_env, "PYTHONPATH": str(REPO)},
        stdout=log, stderr=subprocess.STDOUT,
    )
    return Server(proc=proc, port=port, log_path=log_path, _log=log)
