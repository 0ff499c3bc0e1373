"""The ONNX sentence encoder against the original model, and the on-disk embedding cache."""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import bot.embedding_cache
from bot.embedding_cache import EmbeddingCache
from bot.encoder import MODEL_DIR, ModelCard, OnnxEncoder, Vectors
from tests.fakes.encoders import CountingEncoder

REFERENCE = Path(__file__).parent / "data" / "encoder_reference.json"


@pytest.fixture(autouse=True)
def no_shipped_vectors(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the cache file itself: the shipped knowledge base's vectors (which
    hold some of the same sentences) stay out of it."""
    monkeypatch.setattr(bot.embedding_cache, "shipped_vectors",
                        lambda: ({}, np.empty((0, 0), dtype=np.float32)))


def cosine(a: Vectors, b: Vectors) -> float:
    return float(a @ b)


def test_embeddings_match_the_original_fp32_model(encoder: OnnxEncoder) -> None:
    ref = json.loads(REFERENCE.read_text())
    got = encoder.encode(ref["sentences"])
    want = np.asarray(ref["embeddings"], dtype=np.float32)
    assert got.dtype == np.float32 and got.shape == want.shape == (6, encoder.dim)
    cosines = (got * want).sum(axis=1)
    assert cosines.min() >= 0.99, cosines


def test_rows_are_unit_vectors_in_the_order_of_the_texts(encoder: OnnxEncoder) -> None:
    texts = ["a much longer sentence about relational databases and their indexes", "hi", "kubernetes pods"]
    together = encoder.encode(texts)
    one_by_one = np.vstack([encoder.encode([t]) for t in texts])
    np.testing.assert_array_equal(together, one_by_one)
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    assert encoder.encode([]).shape == (0, encoder.dim)


def test_padded_batches_give_the_same_vectors_as_single_texts(encoder: OnnxEncoder) -> None:
    texts = ["hi", "what is a message queue", "how do I design a REST API for orders with pagination",
             "which database should a small startup choose, and why would it matter later on?"]
    batched = OnnxEncoder(batch_size=4).encode(texts)
    # Not bit for bit: activations are quantized per call, and a batch shares one scale ("hi"
    # padded to 20 tokens: 0.973). Padding that leaked into the mean would give "hi" about 0.35.
    assert (batched * encoder.encode(texts)).sum(axis=1).min() >= 0.95


def test_paraphrases_are_closer_than_unrelated_sentences(encoder: OnnxEncoder) -> None:
    triples = [
        ("How can I make my SQL queries faster?", "my database queries are slow, how do I speed them up",
         "what is a good pizza topping"),
        ("my boss wants everything containerized but I don't get what that buys us",
         "why would we package our services as Docker images", "how do I grow tomatoes"),
        ("how to make sure users can only see their own data",
         "restricting access so that each customer reads only their own records",
         "how much does a junior engineer earn"),
    ]
    for question, paraphrase, unrelated in triples:
        q, p, u = encoder.encode([question, paraphrase, unrelated])
        assert cosine(q, p) > cosine(q, u), question


def test_importing_and_describing_the_encoder_loads_no_model() -> None:
    code = ("import sys; import bot.embedding_cache; from bot.encoder import OnnxEncoder; "
            "e = OnnxEncoder(); print(e.model_id, e.dim); "
            "assert not {'onnxruntime', 'tokenizers'} & set(sys.modules)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("all-MiniLM-L6-v2:")


def test_the_weights_are_a_file_of_their_own_named_by_the_card() -> None:
    # ONNX Runtime maps model.onnx.data instead of copying the weights out of a parsed model.onnx:
    # 20 MB less at the peak of the first question (benchmarks/README.md, start-up).
    graph, weights = MODEL_DIR / "model.onnx", MODEL_DIR / "model.onnx.data"
    assert graph.stat().st_size < 1_000_000 < weights.stat().st_size
    digest = hashlib.sha256(graph.read_bytes() + weights.read_bytes()).hexdigest()
    assert ModelCard.read(MODEL_DIR).sha256 == digest


def test_a_missing_model_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"convert_model\.py"):
        OnnxEncoder(tmp_path)


TEXTS = ["what is docker", "how do SQL joins work", "REST vs GraphQL", "how to prepare for an interview"]


def test_cache_gives_back_the_encoders_vectors_without_encoding_again(
        tmp_path: Path, encoder: OnnxEncoder) -> None:
    counting = CountingEncoder(encoder)
    first = EmbeddingCache(counting, "kb", tmp_path).encode(TEXTS)
    assert counting.encoded == TEXTS
    np.testing.assert_array_equal(first, encoder.encode(TEXTS))

    again = EmbeddingCache(counting, "kb", tmp_path).encode(TEXTS)  # a new process, as after a restart
    assert counting.encoded == TEXTS
    np.testing.assert_array_equal(again, first)


def test_cache_encodes_only_changed_and_new_texts_and_forgets_removed_ones(
        tmp_path: Path, encoder: OnnxEncoder) -> None:
    counting = CountingEncoder(encoder)
    cache = EmbeddingCache(counting, "kb", tmp_path)
    first = cache.encode(TEXTS)
    counting.encoded.clear()

    edited = [TEXTS[0], "how do SQL joins and indexes work", TEXTS[2], TEXTS[3], "what is kafka"]
    out = cache.encode(edited)
    assert counting.encoded == ["how do SQL joins and indexes work", "what is kafka"]
    np.testing.assert_array_equal(out[[0, 2, 3]], first[[0, 2, 3]])
    np.testing.assert_array_equal(out[1], encoder.encode([edited[1]])[0])

    counting.encoded.clear()
    cache.encode([TEXTS[1]])  # the text before the edit is no longer kept
    assert counting.encoded == [TEXTS[1]]


def test_cache_encodes_a_repeated_text_once(tmp_path: Path, encoder: OnnxEncoder) -> None:
    counting = CountingEncoder(encoder)
    cache = EmbeddingCache(counting, "kb", tmp_path)
    out = cache.encode(["what is docker", "what is kafka", "what is docker"])
    assert counting.encoded == ["what is docker", "what is kafka"]
    np.testing.assert_array_equal(out[0], out[2])
    cache.encode(["what is docker", "what is kafka", "what is docker"])
    assert len(counting.encoded) == 2


def test_another_model_reencodes_everything(tmp_path: Path, encoder: OnnxEncoder) -> None:
    EmbeddingCache(CountingEncoder(encoder), "kb", tmp_path).encode(TEXTS)
    other = CountingEncoder(encoder, model_id="another-model")
    EmbeddingCache(other, "kb", tmp_path).encode(TEXTS)
    assert other.encoded == TEXTS


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _wrong_width(path: Path) -> None:
    np.savez(path, keys=np.array([b"0" * 32], dtype="S32"), vectors=np.zeros((1, 3), dtype=np.float32))


@pytest.mark.parametrize("damage", [
    lambda p: p.write_bytes(b"not an npz file at all"),
    lambda p: p.write_bytes(b""),
    _truncated,
    _wrong_width,
], ids=["garbage", "empty", "truncated", "wrong-width"])
def test_a_damaged_cache_file_is_rebuilt(tmp_path: Path, encoder: OnnxEncoder, damage: object,
                                         caplog: pytest.LogCaptureFixture) -> None:
    counting = CountingEncoder(encoder)
    cache = EmbeddingCache(counting, "kb", tmp_path)
    want = cache.encode(TEXTS)
    damage(cache.path)  # type: ignore[operator]
    counting.encoded.clear()

    with caplog.at_level(logging.WARNING, logger="bot.embedding_cache"):
        np.testing.assert_array_equal(cache.encode(TEXTS), want)
    assert counting.encoded == TEXTS
    assert "rebuilding" in caplog.text
    counting.encoded.clear()
    cache.encode(TEXTS)  # the rebuilt file serves the next start
    assert counting.encoded == []


def test_an_unwritable_cache_still_answers(tmp_path: Path, encoder: OnnxEncoder,
                                           caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    cache = EmbeddingCache(CountingEncoder(encoder), "kb", blocker / "cache")
    with caplog.at_level(logging.WARNING, logger="bot.embedding_cache"):
        out = cache.encode(TEXTS)
    np.testing.assert_array_equal(out, encoder.encode(TEXTS))
    assert "could not save" in caplog.text


def test_a_stale_cache_file_whose_texts_all_ship_warns_once(
        tmp_path: Path, encoder: OnnxEncoder, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """An old-format file beside fully shipped texts used to be warned about on every start."""
    probe = EmbeddingCache(CountingEncoder(encoder), "probe", tmp_path / "probe")
    probe.encode(TEXTS)
    with np.load(probe.path) as data:
        shipped = ({k: i for i, k in enumerate(data["keys"].tolist())}, data["vectors"])
    monkeypatch.setattr(bot.embedding_cache, "shipped_vectors", lambda: shipped)
    counting = CountingEncoder(encoder)
    cache = EmbeddingCache(counting, "kb", tmp_path)
    _wrong_width(cache.path)

    with caplog.at_level(logging.WARNING, logger="bot.embedding_cache"):
        cache.encode(TEXTS)
        first = caplog.text
        caplog.clear()
        cache.encode(TEXTS)
    assert "rebuilding" in first
    assert caplog.text == ""
    assert counting.encoded == []
