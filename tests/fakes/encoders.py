"""An encoder wrapper for tests: counts what it is asked to encode, or fails on demand."""

from __future__ import annotations

from collections.abc import Sequence

from bot.encoder import Encoder, Vectors


class CountingEncoder:
    """Passes through to an encoder and records every text it was asked to encode."""

    def __init__(self, inner: Encoder, *, model_id: str | None = None, fail: bool = False) -> None:
        self.inner = inner
        self.encoded: list[str] = []
        self.fail = fail
        self._model_id = model_id or inner.model_id

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts: Sequence[str]) -> Vectors:
        if self.fail:
            raise RuntimeError("no model here")
        self.encoded.extend(texts)
        return self.inner.encode(texts)
