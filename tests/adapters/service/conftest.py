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
from tests.fakes.knowledge import write_small_kb

ADMIN = "telegram:1001"


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

