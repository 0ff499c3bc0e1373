"""build(): the database it opens it closes; a memory store or a storage passed in is used as is."""

from __future__ import annotations

from pathlib import Path

from adapters.bootstrap import build
from adapters.service.alerts import RecordingNotifier
from adapters.settings import Settings
from bot.encoder import shared_encoder
from bot.memory import MemoryAlertStore, MemoryStore, MemoryUnitOfWork
from storage import Storage
from storage.alerts import SqlAlertStore
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
    storage = runtime.storage
    assert storage is not None and runtime.memory is None
    assert isinstance(runtime.bot.uow_factory(), SqlUnitOfWork)  # type: ignore[misc]
    assert isinstance(runtime.alerts, SqlAlertStore)
    assert runtime.database_kind == "sqlite"
    replies = await runtime.bot.handle(message("what is docker"))
    assert replies[0].topic == "docker"
    async with storage.uow() as uow:
        assert [o.external_id for o in await uow.openings.list_open()] == ["s1"]
    await runtime.close()
    assert storage.engine.pool.checkedout() == 0


async def test_build_memory_keeps_everything_in_process(tmp_path: Path) -> None:
    store = MemoryStore()
    async with await build(settings(tmp_path, database_url=f"sqlite:///{tmp_path / 'no.db'}"),
                           store=store) as runtime:
        assert isinstance(runtime.bot.uow_factory(), MemoryUnitOfWork)  # type: ignore[misc]
        assert runtime.storage is None and runtime.memory is store
        assert isinstance(runtime.alerts, MemoryAlertStore)
        assert runtime.database_kind == "memory"
        # Seeded from the knowledge base like a new database.
        assert [o.external_id for o in store.openings] == ["s1"]
    assert not (tmp_path / "no.db").exists()


async def test_a_storage_passed_in_stays_open(tmp_path: Path) -> None:
    storage = Storage.from_url(f"sqlite:///{tmp_path / 'own.db'}")
    await storage.upgrade()
    async with await build(settings(tmp_path), store=storage) as runtime:
        assert runtime.storage is storage
    async with storage.uow() as uow:  # still usable: its owner closes it
        assert await uow.openings.count() == 1
    await storage.aclose()


async def test_the_core_counts_limits_and_logs_as_built(tmp_path: Path) -> None:
    async with await build(settings(tmp_path, rate_limit_per_minute=1),
                           store=MemoryStore()) as runtime:
        for _ in range(2):
            await runtime.bot.handle(message("what is docker", user="u1"))
        assert runtime.bot.limiter is not None and runtime.bot.limiter.per_minute == 1
        text = runtime.metrics.render().decode()
    assert 'careerbot_rate_limited_total{action="warned"} 1.0' in text
    assert 'careerbot_messages_total{intent="topic",platform="console"} 1.0' in text


async def test_alerts_go_to_the_notifiers_given(tmp_path: Path) -> None:
    recording = RecordingNotifier()
    async with await build(settings(tmp_path), store=MemoryStore(),
                           notifiers={"telegram": recording}) as runtime:
        await runtime.notifier.send("telegram", "42", [])
        assert recording.sent == [("telegram", "42", [])]


async def test_the_core_shares_the_process_encoder_unless_told_to_match_by_words(tmp_path: Path) -> None:
    async with await build(settings(tmp_path), store=MemoryStore()) as runtime:
        assert runtime.bot.encoder is shared_encoder()
    async with await build(settings(tmp_path), store=MemoryStore(), semantic=False) as runtime:
        assert runtime.bot.encoder is None
