"""build(): SQL storage from DATABASE_URL, registered for close(); memory=True stays in process."""

from __future__ import annotations

from pathlib import Path

from adapters.bootstrap import build
from adapters.settings import Settings
from bot.memory import MemoryUnitOfWork
from storage import Storage
from storage.uow import SqlUnitOfWork
from tests.factories import message
from tests.fakes.knowledge import topic, write_kb


def settings(tmp_path: Path, **extra: object) -> Settings:
    kb = write_kb(tmp_path / "kb", [topic("docker", aliases=["containers"])], openings=[
        {"external_id": "s1", "title": "Backend Engineer", "company": "Acme",
         "url": "https://acme.example/1", "remote": "yes", "level": "mid", "skills": [],
         "description": "APIs."}])
    return Settings(careerbot_knowledge_dir=kb, _env_file=None, **extra)  # type: ignore[call-arg]


async def test_build_opens_migrates_seeds_and_closes(tmp_path: Path) -> None:
    runtime = await build(settings(tmp_path, database_url=f"sqlite:///{tmp_path / 'b.db'}"))
    storage = next(r for r in runtime.resources if isinstance(r, Storage))
    assert isinstance(runtime.bot.uow_factory(), SqlUnitOfWork)  # type: ignore[misc]
    replies = await runtime.bot.handle(message("what is docker"))
    assert replies[0].topic == "docker"
    async with storage.uow() as uow:
        assert [o.external_id for o in await uow.openings.list_open()] == ["s1"]
    await runtime.close()
    assert runtime.resources == []
    assert storage.engine.pool.checkedout() == 0


async def test_build_memory_keeps_everything_in_process(tmp_path: Path) -> None:
    runtime = await build(settings(tmp_path, database_url=f"sqlite:///{tmp_path / 'no.db'}"),
                          memory=True)
    assert isinstance(runtime.bot.uow_factory(), MemoryUnitOfWork)  # type: ignore[misc]
    assert not any(isinstance(r, Storage) for r in runtime.resources)
    assert not (tmp_path / "no.db").exists()
    await runtime.close()
