"""Context.query_vector(): the message's meaning, encoded at most once, None without an encoder."""

from __future__ import annotations

import logging
from collections.abc import Sequence

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


def test_the_message_is_encoded_once(small_kb: KnowledgeBase) -> None:
    encoder = FakeEncoder()
    router = Router(kb=small_kb, handlers=[], fallback=FallbackHandler(), encoder=encoder)
    ctx = context(router, "what is docker")
    first, second = ctx.query_vector(), ctx.query_vector()
    assert first is not None and second is first
    assert encoder.calls == [["what is docker"]]


def test_no_vector_without_an_encoder_or_text(small_kb: KnowledgeBase) -> None:
    assert context(Router(kb=small_kb, handlers=[], fallback=FallbackHandler()), "hi").query_vector() is None
    router = Router(kb=small_kb, handlers=[], fallback=FallbackHandler(), encoder=FakeEncoder())
    assert context(router, "").query_vector() is None


def test_a_failing_encoder_is_logged_once(small_kb: KnowledgeBase, caplog: pytest.LogCaptureFixture) -> None:
    router = Router(kb=small_kb, handlers=[], fallback=FallbackHandler(), encoder=FakeEncoder(fail=True))
    with caplog.at_level(logging.ERROR):
        assert context(router, "one").query_vector() is None
        assert context(router, "two").query_vector() is None
    assert len([r for r in caplog.records if "encoding a message failed" in r.message]) == 1
