"""SQLite's checkpoints on the inline path: how long the event loop waits in commits and stalls.

Run: .venv/bin/python -m benchmarks.bench_checkpoints [--commits 4000] [--rounds 2]

Commits of six rows (one to each of six indexed tables) through `InlineSqliteTransaction` on
a WAL file, one after another, while a probe task asks the loop for a 1 ms sleep and notes
how late it comes back. Two ways, alternately, each on a new file: SQLite's own checkpoints
(`wal_autocheckpoint=1000`: the commit that takes the log past 1,000 pages checkpoints inside
itself, on the loop's thread) and `WalCheckpoints` (the shipped way: on a worker thread).
Reports each commit's wall time on the loop, the probe's lateness (what every other request
waits), the CPU of the process and the log's size at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import column, event, insert, table
from sqlalchemy.engine import make_url

from benchmarks.common import percentile
from benchmarks.common import table as md_table
from storage.engine import create_inline_sqlite_engine
from storage.inline_sqlite import InlineSqliteTransaction, WalCheckpoints

TABLES = 6
PAYLOAD = "x" * 300


def _own_checkpoints(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA wal_autocheckpoint=1000").close()


async def one_run(workdir: Path, commits: int, *, own: bool) -> dict[str, Any]:
    path = workdir / f"{'own' if own else 'worker'}-{time.monotonic_ns()}.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        for t in range(TABLES):
            db.execute(f"CREATE TABLE t{t} (id INTEGER PRIMARY KEY, k TEXT UNIQUE, v TEXT)")
    engine = create_inline_sqlite_engine(make_url(f"sqlite+aiosqlite:///{path}"))
    assert engine is not None
    if own:
        event.listen(engine, "connect", _own_checkpoints)  # after the shipped listeners
    checkpoints = None if own else WalCheckpoints(str(path))
    statements = [insert(table(f"t{t}", column("k"), column("v"))) for t in range(TABLES)]
    late: list[float] = []

    async def probe() -> None:
        while True:
            asked = time.perf_counter()
            await asyncio.sleep(0.001)
            late.append(time.perf_counter() - asked - 0.001)

    prober = asyncio.create_task(probe())
    waits: list[float] = []
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        for i in range(commits):
            tx = InlineSqliteTransaction(engine, checkpoints=checkpoints)
            try:
                for s in statements:
                    await tx.run(s, {"k": f"{i}-{os.urandom(6).hex()}", "v": PAYLOAD})
                started = time.perf_counter()
                await tx.commit()
                waits.append(time.perf_counter() - started)
            finally:
                await tx.close()
            await asyncio.sleep(0)  # let the probe run between commits, as requests would
        if checkpoints is not None:
            await checkpoints.idle()
    finally:
        prober.cancel()
        engine.dispose()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    wal = path.with_name(path.name + "-wal")
    return {
        "checkpoints": "SQLite's own, in the commit" if own else "WalCheckpoints (worker)",
        "commits": commits,
        "commit p50 ms": percentile(waits, 50) * 1000,
        "commit p99 ms": percentile(waits, 99) * 1000,
        "commit max ms": max(waits) * 1000,
        "commits > 5 ms": sum(w > 0.005 for w in waits),
        "loop late p99 ms": percentile(late, 99) * 1000,
        "loop late max ms": max(late) * 1000,
        "CPU s": cpu,
        "wall s": wall,
        "log MB": wal.stat().st_size / 1e6 if wal.exists() else 0.0,
    }


async def main(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="careerbot-bench-ckpt-"))
    load = os.getloadavg()[0]
    rows = []
    try:
        for _ in range(args.rounds):
            for own in (True, False):
                rows.append(await one_run(workdir, args.commits, own=own))
                print(md_table(rows[-1:]), flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print()
    print(f"machine: {os.cpu_count()} cores, {platform.python_implementation()} "
          f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}; files in "
          f"{tempfile.gettempdir()}; load average {load:.1f} before, {os.getloadavg()[0]:.1f} after")
    print()
    print(md_table(rows))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=2)
    asyncio.run(main(parser.parse_args()))
