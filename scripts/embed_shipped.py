#!/usr/bin/env python3
"""Re-make bot/models/all-MiniLM-L6-v2/shipped-embeddings.npz: the vectors of every text of the
shipped knowledge base (topic retrieval, passages, intents), so a fresh install starts without
encoding them. Run it after editing knowledge/ (a stale file only costs start-up time):

    .venv/bin/python scripts/embed_shipped.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    import bot.embedding_cache as cache
    from bot.dialogue import Bot
    from bot.encoder import shared_encoder
    from bot.handlers.basic import FallbackHandler
    from bot.knowledge import default_dir, load_knowledge

    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        # Everything is encoded afresh into an empty folder: no vector of an older file survives.
        cache.shipped_vectors.cache_clear()
        original, cache.SHIPPED = cache.SHIPPED, directory / "none.npz"
        try:
            Bot(kb=load_knowledge(default_dir()), uow_factory=None, handlers=[],
                fallback=FallbackHandler(), encoder=shared_encoder(), embedding_dir=directory)
        finally:
            cache.SHIPPED = original
        keys: dict[bytes, np.ndarray] = {}
        for path in sorted(directory.glob("*.npz")):
            with np.load(path, allow_pickle=False) as data:
                for key, vector in zip(data["keys"].tolist(), data["vectors"], strict=True):
                    keys.setdefault(key, vector)
    ordered = sorted(keys)
    np.savez_compressed(original, keys=np.frombuffer(b"".join(ordered), dtype=cache._KEY),
                        vectors=np.stack([keys[k] for k in ordered]).astype(np.float16))
    print(f"{original.relative_to(ROOT)}: {len(ordered)} vectors")


if __name__ == "__main__":
    main()
