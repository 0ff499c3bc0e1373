"""Starting `careerbot serve` as a real subprocess, and the platform fakes it talks to."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

REPO = Path(__file__).resolve().parents[2]
TELEGRAM_SECRET = "e2e-webhook_Secret-123"
SLACK_SIGNING_SECRET = "7a9f3c2e1b0d4f6a8c7e5d3b1a9f0e2d"
SLACK_BOT_TOKEN = "xoxb-1000-2000-e2etokenvalue"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
