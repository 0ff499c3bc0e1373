"""Web service fixtures: a small knowledge folder, runtimes over memory or a real database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from adapters.bootstrap import Runtime, build
from adapters.settings import Settings
from bot.memory import MemoryStore
from storage import Storage
from tests.factories import topic, write_kb

ADMIN = "telegram:1001"


def write_small_kb(root: Path) -> Path:
    return write_kb(root, [
        topic("docker", title="Docker", aliases=["docker", "containers"],
              questions=["what is docker", "why use containers", "docker image vs container",
                         "how to write a dockerfile", "docker for beginners"]),
        topic("kubernetes", title="Kubernetes", aliases=["kubernetes", "k8s"],
              questions=["what does kubernetes do", "what is a pod", "k8s basics",
                         "kubernetes autoscaling", "do I need kubernetes"]),
    ], group="Tools")


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    return write_small_kb(tmp_path / "kb")


@pytest.fixture
def make_settings(kb_dir: Path) -> Callable[..., Settings]:
    def make(**values: Any) -> Settings:
        values.setdefault("careerbot_knowledge_dir", kb_dir)
        values.setdefault("careerbot_admins", ADMIN)
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]
    return make


async def runtime_for(settings: Settings, store: Storage | MemoryStore | None = None) -> Runtime:
    """The composition root's runtime over the given storage (a new memory store when none)."""
    return await build(settings, store=store or MemoryStore())


@pytest.fixture
async def memory_runtime(make_settings: Callable[..., Settings]) -> AsyncIterator[Runtime]:
    async with await runtime_for(make_settings()) as runtime:
        yield runtime


# PostgreSQL comes from the storage tests' fixtures: one throwaway server for this package.
from tests.storage.conftest import (  # noqa: E402, F401
    PgServer,
    new_pg_database,
    pg_server,
    pg_template,
)
