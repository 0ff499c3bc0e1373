"""Context.query_vector(): the message's meaning, encoded at most once, None without an encoder."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.encoder import Vectors
from bot.handlers.basic import FallbackHandler
from bot.knowledge import KnowledgeBase
from bot.ports import ConversationState
from bot.routing import Context, Router
from tests.factories import message


class FakeEncoder:
    """Two-dimensional unit vectors; counts calls, or fails when told to."""

    model_id = "fake:1"
    dim = 2

    def __init__(self, *, fail: bool = False) -> None:
        self.calls: list[list[str]] = []
        self.fail = fail

    def encode(self, texts: Sequence[str]) -> Vectors:
        self.calls.append(list(texts))
        if self.fail:
            raise RuntimeError("model gone")
        return np.tile(np.array([0.6, 0.8], dtype=np.float32), (len(texts), 1))


def context(router: Router, text: str) -> Context:
    return Context(message=message(text), text=text, state=ConversationState(), bot=router, uow=None)


def router(kb: KnowledgeBase, encoder: FakeEncoder | None, cache: Path) -> Router:
    return Router(kb=kb, handlers=[], fallback=FallbackHandler(), encoder=encoder, embedding_dir=cache)


def test_the_message_is_encoded_once(small_kb: KnowledgeBase, tmp_path: Path) -> None:
    encoder = FakeEncoder()
    ctx = context(router(small_kb, encoder, tmp_path), "what is docker")
    encoder.calls.clear()  # the knowledge base's passages, embedded when it was loaded
    first, second = ctx.query_vector(), ctx.query_vector()
    assert first is not None and second is first
    assert encoder.calls == [["what is docker"]]


def test_no_vector_without_an_encoder_or_text(small_kb: KnowledgeBase, tmp_path: Path) -> None:
    assert context(router(small_kb, None, tmp_path), "hi").query_vector() is None
    assert context(router(small_kb, FakeEncoder(), tmp_path), "").query_vector() is None


def test_a_failing_encoder_is_logged_once(small_kb: KnowledgeBase, tmp_path: Path,
                                          caplog: pytest.LogCaptureFixture) -> None:
    failing = router(small_kb, FakeEncoder(fail=True), tmp_path)
    with caplog.at_level(logging.ERROR):
        assert context(failing, "one").query_vector() is None
        assert context(failing, "two").query_vector() is None
    assert len([r for r in caplog.records if "the sentence encoder failed" in r.message]) == 1


def test_a_repeated_message_is_not_encoded_again(small_kb: KnowledgeBase, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.routing

    monkeypatch.setattr(bot.routing, "RECENT_QUERIES", 2)
    encoder = FakeEncoder()
    shared = router(small_kb, encoder, tmp_path)
    encoder.calls.clear()
    for text in ("what is docker", "<b>what is docker</b>", "hi", "what is docker", "kafka?",
                 "hi", "what is docker"):
        vector = context(shared, text).query_vector()
        assert vector is not None and not vector.flags.writeable
    # Formatting does not count; past two distinct texts the least recently asked is let go.
    assert encoder.calls == [["what is docker"], ["hi"], ["kafka?"], ["hi"], ["what is docker"]]
