"""Cores built from equal knowledge bases share one build of their indexes; changed knowledge,
another encoder or a failed embedding never gets an earlier build."""

from __future__ import annotations

from pathlib import Path

from adapters.bootstrap import build_bot
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


def core(kb: KnowledgeBase, encoder: object | None) -> Bot:
    return build_bot(kb, MemoryStore().uow, encoder=encoder)  # type: ignore[arg-type]


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
        tmp_path: Path, encoder: OnnxEncoder) -> None:
    kb = knowledge(tmp_path / "kb")
    flaky = CountingEncoder(encoder, fail=True)
    assert not core(kb, flaky).retriever.semantic
    flaky.fail = False
    rebuilt = core(kb, flaky)
    assert rebuilt.retriever.semantic and rebuilt.passages.vectors is not None
