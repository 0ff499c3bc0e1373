"""The /admin pages' browser and site for the browser test and scripts/admin_screenshots.py: Debian's
chromium's flags, `careerbot serve` over a seeded database with a worker beside it, two job boards."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import update

from adapters.admin.signin import SignInLinks, issue
from storage.engine import Storage
from storage.models import FeedRow
from tests.fakes.cli import FORKING_CLI
from tests.fakes.feeds import greenhouse_job
from tests.fakes.servers import REPO, Server

CHROMIUM = os.environ.get("CAREERBOT_CHROMIUM", "/usr/bin/chromium")
# No downloads, no background traffic: the browser talks to the test's server only.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]



@dataclass
class Site:
    server: Server
    storage: Storage
    # What `careerbot serve` was started with, for a `careerbot worker` over the same database.
    env: dict[str, str]
    workdir: Path

    async def sign_in_link(self) -> str:
        return await issue(self.storage.uow, SignInLinks(self.server.url), "browser test")

    async def worker_pass(self) -> None:
        """`careerbot worker --once`: refresh the due feeds (and make one alert run), as the
        worker does on schedule. Awaited, so the test's feed server answers meanwhile."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SLACK_"))}
        env.update(self.env, PYTHONPATH=str(REPO), FEED_ALLOW_NETWORKS="127.0.0.1")
        done = await asyncio.to_thread(FORKING_CLI.run, ["worker", "--once"], stdin=None, env=env,
                                       cwd=self.workdir, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr

    async def due_now(self, feed_id: int) -> None:
        """As if the feed's interval had passed."""
        async with self.storage.uow() as uow:
            await uow.execute(update(FeedRow).where(FeedRow.id == feed_id)
                              .values(next_refresh_at=datetime.now(UTC)))
            await uow.commit()


BOARDS = {
    "initech": [greenhouse_job(8101, "Backend Engineer (Go)", "Initech", "Remote - EU",
                               "<p>Initech builds payroll APIs in Go and PostgreSQL.</p>"),
                greenhouse_job(8102, "Senior Python Developer", "Initech", "Austin, TX",
                               "<p>Python, Django and Redis for our reporting.</p>")],
    "umbrella": [greenhouse_job(8201, "Platform Engineer", "Umbrella", "Berlin, Germany",
                                "<p>Kubernetes, Terraform and Go.</p>"),
                 greenhouse_job(8202, "Java Backend Engineer", "Umbrella", "Remote - EU",
                                "<p>Java, Spring and Kafka.</p>")],
}
