"""`careerbot worker`: periodic alert passes, failures survived, counts in metrics, clean stop."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from adapters.bootstrap import Runtime
from adapters.settings import Settings
from adapters.worker import run_worker
from tests.adapters.web.servers import REPO


async def test_passes_repeat_survive_a_failure_and_are_counted(
    make_settings: Callable[..., Settings], tmp_path: Path,
) -> None:
    settings = make_settings(database_url=f"sqlite:///{tmp_path / 'w.sqlite3'}")
    stop = asyncio.Event()
    seen: list[Runtime] = []

    async def alert_run(runtime: Runtime) -> Any:
        seen.append(runtime)
        if len(seen) == 2:
            raise ConnectionError("the platform is down for a moment")
        if len(seen) == 4:
            stop.set()
        return type("Result", (), {"sent": {"telegram": 2, "slack": 1}})()

    await run_worker(settings, interval=0.01, alert_run=alert_run, stop=stop)
    assert len(seen) == 4
    text = seen[0].metrics.render().decode()
    sent = {s.labels["platform"]: s.value for f in text_string_to_metric_families(text)
            for s in f.samples if s.name == "careerbot_alerts_sent_total"}
    assert sent == {"telegram": 6, "slack": 3}
    assert seen[0].resources == []  # closed


def test_worker_once_runs_one_real_alert_pass_and_exits(tmp_path: Path, kb_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SLACK_"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'w.sqlite3'}",
               CAREERBOT_KNOWLEDGE_DIR=str(kb_dir), PYTHONPATH=str(REPO), LOG_FORMAT="json")
    done = subprocess.run([sys.executable, "-m", "adapters.cli", "worker", "--once"], env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert '"msg": "alert pass done: 0 delivered"' in done.stderr
    assert '"msg": "worker stopped"' in done.stderr
