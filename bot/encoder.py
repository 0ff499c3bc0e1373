"""Sentence embeddings: the Encoder port and all-MiniLM-L6-v2 run by ONNX Runtime."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from tokenizers import Encoding

Vectors = npt.NDArray[np.float32]

# Written by scripts/convert_model.py; shipped as package data.
MODEL_DIR = Path(__file__).resolve().parent / "models" / "all-MiniLM-L6-v2"


class Encoder(Protocol):
    """Turns texts into L2-normalised vectors, so a dot product is their cosine similarity."""

    @property
    def model_id(self) -> str:
        """Names the model and everything else that changes its vectors (caches key on it)."""
        ...

    @property
    def dim(self) -> int: ...

    def encode(self, texts: Sequence[str]) -> Vectors:
        """One float32 row of length `dim` per text, in order."""
        ...


@dataclass(frozen=True, kw_only=True)
class ModelCard:
    """model.json next to the model: what the converter produced."""

    name: str
    sha256: str
    dim: int
    max_tokens: int
    precision: str
    source: str

    @classmethod
    def read(cls, model_dir: Path) -> ModelCard:
        path = model_dir / "model.json"
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            raise FileNotFoundError(f"{path} is missing; scripts/convert_model.py writes it") from None
        return cls(**{k: data[k] for k in ("name", "sha256", "dim", "max_tokens", "precision", "source")})


class OnnxEncoder:
    """all-MiniLM-L6-v2 (mean pooling and normalisation are inside the ONNX graph).

    Construction reads only model.json; the tokenizer and the ONNX Runtime session load on the
    first `encode()` or on `load()`, so a process whose embeddings all come from a cache never
    pays for the model. One intra-op thread by default: on a small box the web server needs the
    other core, and a 10-token query takes a few milliseconds on one.

    `batch_size` is 1 by default because on CPU batching does not pay: padding to the longest text
    and bigger attention matrices cost more than the per-call overhead saved (measured in
    benchmarks/bench_encoder.py), and unbatched, a text's vector never depends on which texts it was
    encoded with (activations are quantized per call).
    """

    def __init__(self, model_dir: Path = MODEL_DIR, *, threads: int = 1, batch_size: int = 1,
                 max_tokens: int | None = None) -> None:
        if threads < 1 or batch_size < 1:
            raise ValueError("threads and batch_size must be at least 1")
        self._dir = model_dir
        self._card = ModelCard.read(model_dir)
        self._threads = threads
        self._batch_size = batch_size
        # Longer texts are truncated, as sentence-transformers does (the model saw at most 256).
        self._max_tokens = min(max_tokens or self._card.max_tokens, self._card.max_tokens)
        self._lock = threading.Lock()
        self._tokenizer: Any = None
        self._session: Any = None

    @property
    def model_id(self) -> str:
        return f"{self._card.name}:{self._card.sha256[:16]}:{self._max_tokens}"

    @property
    def dim(self) -> int:
        return self._card.dim

    @property
    def card(self) -> ModelCard:
        return self._card

    def load(self) -> None:
        """Load the tokenizer and the model now rather than on the first `encode()`."""
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime as ort
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(self._dir / "tokenizer.json"))
            tokenizer.no_padding()  # the shipped file pads everything to 128; padding is done per batch here
            tokenizer.enable_truncation(self._max_tokens)
            options = ort.SessionOptions()
            options.intra_op_num_threads = self._threads
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            # Without the arena, memory of a rare long batch goes back to malloc instead of being
            # held at its peak for the life of the process.
            options.enable_cpu_mem_arena = False
            # Spinning worker threads would burn the core the web server needs between requests.
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            # The weights are in model.onnx.data beside it (scripts/convert_model.py): ONNX Runtime
            # maps that file rather than copying them out of the parsed model, 20 MB less at the peak.
            session = ort.InferenceSession(str(self._dir / "model.onnx"), options,
                                           providers=["CPUExecutionProvider"])
            self._tokenizer, self._session = tokenizer, session

    def encode(self, texts: Sequence[str]) -> Vectors:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        self.load()
        # Similar lengths share a batch so little is padded; characters are a good enough proxy.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self._batch_size):
            rows = order[start:start + self._batch_size]
            out[rows] = self._run([texts[i] for i in rows])
        return out

    def _run(self, texts: list[str]) -> Vectors:
        encodings: list[Encoding] = (
            [self._tokenizer.encode(texts[0])] if len(texts) == 1 else self._tokenizer.encode_batch(texts)
        )
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, enc in enumerate(encodings):
            ids[row, :len(enc.ids)] = enc.ids
            mask[row, :len(enc.ids)] = 1
        (vectors,) = self._session.run(["sentence_embedding"], {"input_ids": ids, "attention_mask": mask})
        return np.asarray(vectors, dtype=np.float32)


_shared: OnnxEncoder | None = None
_shared_lock = threading.Lock()


def shared_encoder() -> OnnxEncoder:
    """The process-wide all-MiniLM-L6-v2, so every Bot (and every test) shares one loaded session.

    Built on first call, loaded on its first `encode()`; FileNotFoundError when the model is missing.
    """
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = OnnxEncoder()
        return _shared
