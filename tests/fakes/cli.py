"""`python -m adapters.cli` in a process of its own, forked from one that has imported it already.

A `careerbot` process spends about half its CPU importing (the CLI, SQLAlchemy, onnxruntime,
numpy); the CLI tests start dozens. Each run here is still a new process with its own
arguments, environment, working directory and standard streams (files, as pipes would be), which
runs `adapters.cli` as `__main__` and exits as Python does; only the imports, and the indexes of the
shipped knowledge base (as if an earlier core in the process had built them), were done before the
fork. The model is loaded after it, in the run, as in any process (its threads would not survive
a fork).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import runpy
import select
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]
# What the commands under test import, at module level or when they run.
PRELOADED = ("adapters.cli.main", "adapters.cli.conversations", "adapters.bootstrap",
             "adapters.channels.console.app", "adapters.channels.console.jsonl", "storage.engine",
             "bot.encoder", "bot.passages", "aiosqlite")
# Environment variables that a preloaded module reads as it is imported (prometheus_client
# chooses its multiprocess mode then): a run that sets one must be a new interpreter.
READ_AT_IMPORT = ("PROMETHEUS_MULTIPROC_DIR", "prometheus_multiproc_dir")


def _become(request: dict[str, Any]) -> None:
    """In the forked child: take on the run's streams, environment and arguments, then run the
    CLI as `python -m adapters.cli` does; its SystemExit ends this process as it would that one."""
    for fd, path, flags in ((0, request["stdin"], os.O_RDONLY),
                            (1, request["stdout"], os.O_WRONLY | os.O_TRUNC),
                            (2, request["stderr"], os.O_WRONLY | os.O_TRUNC)):
        opened = os.open(path, flags)
        os.dup2(opened, fd)
        os.close(opened)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.path[0] = request["cwd"]  # as for `python -m` started there
    sys.argv = ["-m", *request["args"]]
    runpy.run_module("adapters.cli", run_name="__main__", alter_sys=True)
    sys.exit(0)


def serve(requests: int, replies: int) -> None:
    """The forking process: one JSON request a line in, the child's pid and then its exit code
    out, until the requests end. A child never returns from here: its run's SystemExit ends it."""
    for name in PRELOADED:
        __import__(name)
    _index_shipped_knowledge()
    with os.fdopen(requests, "rb") as ins, os.fdopen(replies, "wb", buffering=0) as outs:
        for line in ins:
            request = json.loads(line)
            pid = os.fork()
            if pid == 0:
                ins.close()
                outs.close()
                _become(request)
            outs.write(f"{pid}\n".encode())
            _, status = os.waitpid(pid, 0)
            outs.write(f"{os.waitstatus_to_exitcode(status)}\n".encode())


def _index_shipped_knowledge() -> None:
    """Index the shipped knowledge base here, with and without the process's encoder, as a core
    built before the run's would: a run answering from it with the default embedding folder finds
    its indexes built (bot/indexes.py), any other knowledge or folder builds its own. Only from
    vectors cached on disk: the model must not load before a fork."""
    from bot.encoder import Vectors, shared_encoder
    from bot.indexes import build_indexes
    from bot.knowledge import load_knowledge

    def refuse(texts: Sequence[str]) -> Vectors:
        raise RuntimeError("not before a fork")

    kb, encoder = load_knowledge(None), shared_encoder()
    encoder.encode = refuse  # type: ignore[method-assign]  # on this one object, for a moment
    logging.disable(logging.CRITICAL)  # a text missing from the cache: the run embeds it
    try:
        for each in (encoder, None):
            build_indexes(kb, each, None, encode_text=lambda text: None)
    finally:
        logging.disable(logging.NOTSET)
        del encoder.encode


class ForkingCli:
    """A client of one forking process (started on first use, one per test process)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._requests: IO[bytes] | None = None
        self._replies: IO[bytes] | None = None
        self._imported_with: dict[str, str | None] = {}

    def _start(self) -> None:
        self._imported_with = {name: os.environ.get(name) for name in READ_AT_IMPORT}
        req_read, req_write = os.pipe()
        rep_read, rep_write = os.pipe()
        self._proc = subprocess.Popen(
            [sys.executable, "-c", f"from tests.fakes.cli import serve; serve({req_read}, {rep_write})"],
            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            pass_fds=(req_read, rep_write))
        os.close(req_read)
        os.close(rep_write)
        self._requests = os.fdopen(req_write, "wb", buffering=0)
        self._replies = os.fdopen(rep_read, "rb", buffering=0)

    def _reply(self, timeout: float) -> int:
        assert self._replies is not None
        line = b""
        while not line.endswith(b"\n"):
            ready, _, _ = select.select([self._replies], [], [], timeout)
            if not ready:
                raise TimeoutError
            chunk = os.read(self._replies.fileno(), 1)
            if not chunk:
                raise RuntimeError("the forking process ended")
            line += chunk
        return int(line)

    def run(self, args: Sequence[str], *, stdin: str | None, env: dict[str, str], cwd: Path,
            timeout: float) -> subprocess.CompletedProcess[str]:
        """As subprocess.run([python, -m, adapters.cli, *args], capture_output=True, text=True)."""
        with self._lock, tempfile.TemporaryDirectory(prefix="careerbot-run-") as tmp:
            if self._proc is None or self._proc.poll() is not None:
                self._start()
            if any(env.get(name) != value for name, value in self._imported_with.items()):
                raise ValueError(f"{READ_AT_IMPORT} are read at import: start a new interpreter")
            assert self._requests is not None
            files = {name: Path(tmp, name) for name in ("stdin", "stdout", "stderr")}
            files["stdin"].write_text(stdin or "")
            files["stdout"].touch()
            files["stderr"].touch()
            self._requests.write(json.dumps({
                "args": list(args), "env": env, "cwd": str(cwd),
                **{name: str(path) for name, path in files.items()}}).encode() + b"\n")
            pid = self._reply(timeout)
            try:
                code = self._reply(timeout)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, 9)
                self._reply(timeout)
                raise subprocess.TimeoutExpired(list(args), timeout) from None
            return subprocess.CompletedProcess(
                list(args), code, files["stdout"].read_text(), files["stderr"].read_text())

    def close(self) -> None:
        if self._proc is not None:
            assert self._requests is not None and self._replies is not None
            self._requests.close()
            self._replies.close()
            self._proc.wait(30)
            self._proc = None


FORKING_CLI = ForkingCli()
atexit.register(FORKING_CLI.close)
