"""Web service fixtures: a small knowledge folder, runtimes over memory or a real database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from adapters.bootstrap import Runtime, build_bot, instrument
from adapters.settings import Settings
from bot.knowledge import load_knowledge
from bot.memory import MemoryStore
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


def runtime_for(settings: Settings, uow_factory: Any = None, resources: list[Any] | None = None,
                store: MemoryStore | None = None) -> Runtime:
    """The runtime `build()` makes, over the given storage (memory when none is given)."""
    kb = load_knowledge(settings.careerbot_knowledge_dir)
    if uow_factory is None:
        store = store or MemoryStore(list(kb.openings))
        uow_factory = store.uow
    bot = build_bot(kb, uow_factory, admins=settings.admins)
    runtime = Runtime(settings=settings, kb=kb, bot=bot, resources=list(resources or []))
    instrument(runtime)
    return runtime


@pytest.fixture
async def memory_runtime(make_settings: Callable[..., Settings]) -> AsyncIterator[Runtime]:
    runtime = runtime_for(make_settings())
    yield runtime
    await runtime.close()

