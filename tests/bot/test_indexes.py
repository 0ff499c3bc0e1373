"""Cores built from equal knowledge bases share one build of their indexes, in the process and,
through a file, with the next process; changed knowledge, another encoder, other code or a failed
embedding never gets an earlier build."""

from __future__ import annotations

import logging
import os
import pickle
import shutil
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pytest

from adapters.bootstrap import build_bot
from bot import indexes
from bot.dialogue import Bot
from bot.encoder import OnnxEncoder
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.memory import MemoryStore
from tests.factories import message
from tests.fakes.encoders import CountingEncoder
from tests.fakes.knowledge import topic, write_kb


def knowledge(root: Path, *, third: str = "terraform") -> KnowledgeBase:
    return load_knowledge(write_kb(root, [
        topic("docker", title="Docker", aliases=["containers"]),
        topic("kubernetes", title="Kubernetes", aliases=["k8s"]),
        topic(third, title=third.title(), questions=[f"what is {third}", f"how do I learn {third}",
                                                     f"is {third} worth it", f"{third} basics",
                                                     f"why use {third}"]),
    ]))


def core(kb: KnowledgeBase, encoder: object | None, folder: Path | None = None) -> Bot:
    return build_bot(kb, MemoryStore().uow, encoder=encoder,  # type: ignore[arg-type]
                     embedding_dir=folder)


def new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget this process's builds, as the next process starts without them."""
    monkeypatch.setattr(indexes, "_built", OrderedDict())


def stored(folder: Path) -> list[Path]:
    return sorted(folder.glob("indexes-*.pickle"))


def own_folder(tmp_path: Path, session_folder: Path) -> Path:
    """An embedding folder of the test's own with no stored build, seeded with the session's
    embeddings (the intents' examples), which it would otherwise spend seconds encoding."""
    return Path(shutil.copytree(session_folder, tmp_path / "cache",
                                ignore=shutil.ignore_patterns("indexes-*")))


async def topic_of(bot: Bot, text: str) -> str | None:
    return (await bot.handle(message(text)))[0].topic


def test_a_knowledge_base_read_again_or_copied_shares_one_build(tmp_path: Path,
                                                               encoder: OnnxEncoder) -> None:
    one = knowledge(tmp_path / "kb")
    two = knowledge(tmp_path / "copy")
    first, second = core(one, encoder), core(two, encoder)
    assert first.retriever.index is not None and first.passages.vectors is not None
    assert second.retriever.index is first.retriever.index
    assert second.passages.vectors is first.passages.vectors
    # Each core's indexes refer to its own knowledge base and encode through its own cache.
    assert second.passages.kb is two and second.intents.kb is two and first.passages.kb is one
    assert second.retriever.encode_text == second.encode_query != first.encode_query
    assert core(load_knowledge(tmp_path / "kb"), encoder).retriever.index is first.retriever.index
    # Another encoder (here none) is another build.
    assert core(two, None).retriever.index is None


async def test_a_reload_with_changed_content_never_serves_the_old_indexes(
        tmp_path: Path, encoder: OnnxEncoder) -> None:
    before = knowledge(tmp_path / "kb")
    bot, untouched = core(before, encoder), core(before, encoder)
    assert await topic_of(bot, "what is terraform") == "terraform"

    after = knowledge(tmp_path / "kb", third="ansible")  # the same folder, edited
    bot.replace_knowledge(after, bot.index_knowledge(after))
    assert bot.retriever.index is not None and "ansible" in bot.retriever.index.ids
    assert "ansible" in bot.passages.by_topic and "terraform" not in bot.passages.by_topic
    assert await topic_of(bot, "what is ansible") == "ansible"
    assert await topic_of(bot, "what is terraform") != "terraform"
    # A core still on the old knowledge keeps its indexes; the process forgot them (they go with
    # their last core), so a new core of the old knowledge builds them again.
    assert await topic_of(untouched, "what is terraform") == "terraform"
    assert core(before, encoder).retriever.index is not untouched.retriever.index

    bot.replace_knowledge(knowledge(tmp_path / "kb"))  # and back again
    assert await topic_of(bot, "what is terraform") == "terraform"


def test_an_encoder_failing_while_indexing_is_tried_again_by_the_next_build(
        tmp_path: Path, encoder: OnnxEncoder, embedding_cache_dir: Path) -> None:
    kb = knowledge(tmp_path / "kb")
    flaky = CountingEncoder(encoder, fail=True)
    folder = own_folder(tmp_path, embedding_cache_dir)
    assert not core(kb, flaky, folder).retriever.semantic
    assert stored(folder) == []
    flaky.fail = False
    rebuilt = core(kb, flaky, folder)
    assert rebuilt.retriever.semantic and rebuilt.passages.vectors is not None


async def test_the_next_process_reads_the_build_stored_on_disk(
        tmp_path: Path, encoder: OnnxEncoder, embedding_cache_dir: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = own_folder(tmp_path, embedding_cache_dir)
    first = core(knowledge(tmp_path / "kb"), encoder, folder)
    [path] = stored(folder)
    assert path.stat().st_mode & 0o777 == 0o600

    new_process(monkeypatch)
    monkeypatch.setattr(indexes, "_build", not_built)
    kb, counting = knowledge(tmp_path / "copy"), CountingEncoder(encoder)
    second = core(kb, counting, folder)
    # Nothing was embedded or built: everything came from the file, which refers to this
    # process's knowledge base and encoder.
    assert counting.encoded == [] and stored(folder) == [path]
    assert second.retriever.semantic and second.retriever.index is not first.retriever.index
    assert second.passages.vectors is not None and first.passages.vectors is not None
    assert np.array_equal(second.passages.vectors, first.passages.vectors)
    assert second.passages.kb is kb and second.intents.kb is kb
    assert second.retriever.encoder is counting
    for text in ("what is terraform", "how do I learn k8s", "hi", "containers vs kubernetes"):
        assert [r.text for r in await first.handle(message(text))] == \
            [r.text for r in await second.handle(message(text))]


def not_built(*args: object) -> None:
    raise AssertionError("built again")


def test_a_stored_build_serves_only_equal_knowledge_with_the_same_model_and_code(
        tmp_path: Path, encoder: OnnxEncoder, embedding_cache_dir: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = own_folder(tmp_path, embedding_cache_dir)
    core(knowledge(tmp_path / "kb"), encoder, folder)
    new_process(monkeypatch)
    changed = core(knowledge(tmp_path / "kb", third="ansible"), encoder, folder)
    assert changed.retriever.index is not None and "ansible" in changed.retriever.index.ids
    assert len(stored(folder)) == 2
    # Another model's vectors are not these: with that model failing, nothing is semantic.
    new_process(monkeypatch)
    other = CountingEncoder(encoder, model_id="another model", fail=True)
    assert not core(knowledge(tmp_path / "kb"), other, folder).retriever.semantic
    new_process(monkeypatch)
    monkeypatch.setattr(indexes, "code_version", lambda: b"other code")
    core(knowledge(tmp_path / "kb"), encoder, folder)
    assert len(stored(folder)) == 3


def test_a_stored_build_is_read_only_when_it_is_this_users_own_and_holds_only_indexes(
        tmp_path: Path, encoder: OnnxEncoder, embedding_cache_dir: Path,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    folder = own_folder(tmp_path, embedding_cache_dir)
    core(knowledge(tmp_path / "kb"), encoder, folder)
    [path] = stored(folder)
    header = path.read_bytes().split(b"\n", 1)[0] + b"\n"
    caplog.set_level(logging.WARNING, logger="bot.indexes")

    path.chmod(0o646)  # anyone may write it
    new_process(monkeypatch)
    assert core(knowledge(tmp_path / "kb"), encoder, folder).retriever.semantic
    assert "not this user's own file" in caplog.text
    assert path.stat().st_mode & 0o777 == 0o600  # built and stored again

    marker = tmp_path / "ran"
    path.write_bytes(header + pickle.dumps(Trap(str(marker))))
    new_process(monkeypatch)
    assert core(knowledge(tmp_path / "kb"), encoder, folder).retriever.semantic
    assert "posix.system is not allowed" in caplog.text or "os.system is not allowed" in caplog.text
    assert not marker.exists()


class Trap:
    """Unpickled by calling os.system: what a stored build must never be able to do."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {self.path}",)
