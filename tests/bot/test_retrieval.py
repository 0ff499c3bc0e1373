"""Understanding by meaning: the message's vector, and matching by words alone without an encoder."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pytest

from adapters.bootstrap import build_bot
from bot.encoder import Encoder, OnnxEncoder, Vectors
from bot.knowledge import KnowledgeBase
from bot.memory import MemoryStore
from bot.messages import Message
from bot.ports import ConversationState
from bot.routing import Context


class CountingEncoder:
    """Passes through to an encoder and records every text it was asked to encode."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.encoded: list[str] = []

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts: Sequence[str]) -> Vectors:
        self.encoded.extend(texts)
        return self.inner.encode(texts)


class BrokenEncoder:
    """An encoder whose model cannot run."""

    model_id = "broken"
    dim = 384

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> Vectors:
        self.calls += 1
        raise RuntimeError("onnxruntime: cannot run the model")


def ask(text: str, user: str = "u1") -> Message:
    return Message(platform="console", user_id=user, chat_id=user, text=text)


def test_the_message_is_encoded_at_most_once(small_kb: KnowledgeBase, store: MemoryStore,
                                             encoder: OnnxEncoder) -> None:
    counting = CountingEncoder(encoder)
    bot = build_bot(small_kb, store.uow, encoder=counting)
    ctx = Context(message=ask("why do people package apps in images"),
                  text="why do people package apps in images", state=ConversationState(), bot=bot,
                  uow=None)
    first = ctx.query_vector()
    assert first is not None and first.shape == (encoder.dim,)
    assert ctx.query_vector() is first
    assert counting.encoded.count(ctx.text) == 1
    np.testing.assert_allclose(np.linalg.norm(first), 1.0, atol=1e-5)
    ctx.text = "what is a pod"  # a command's arguments replace the text: that is what is meant
    assert ctx.query_vector() is not first
    assert counting.encoded.count("what is a pod") == 1


def test_without_an_encoder_there_is_no_vector(small_kb: KnowledgeBase, store: MemoryStore) -> None:
    bot = build_bot(small_kb, store.uow)
    ctx = Context(message=ask("what is docker"), text="what is docker", state=ConversationState(),
                  bot=bot, uow=None)
    assert bot.encoder is None and ctx.query_vector() is None


def test_a_failing_encoder_gives_no_vector_and_is_logged_once(
        small_kb: KnowledgeBase, store: MemoryStore, caplog: pytest.LogCaptureFixture) -> None:
    broken = BrokenEncoder()
    bot = build_bot(small_kb, store.uow, encoder=broken)
    with caplog.at_level(logging.ERROR, logger="bot.routing"):
        for text in ("what is docker", "what does kubernetes do"):
            ctx = Context(message=ask(text), text=text, state=ConversationState(), bot=bot, uow=None)
            assert ctx.query_vector() is None
    assert broken.calls == 2  # tried again for each message: the failure may pass
    assert caplog.text.count("the sentence encoder failed") == 1
