"""Embeddings kept on disk by content hash, so start-up and reloads encode only new or changed texts."""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import platformdirs

from bot.encoder import Encoder, Vectors

log = logging.getLogger(__name__)

_KEY = np.dtype("V16")  # a BLAKE2b digest; raw bytes, since "S" would drop trailing zero bytes


def default_cache_dir() -> Path:
    """The user cache folder (~/.cache/careerbot/embeddings on Linux): deleting it only costs time."""
    return Path(platformdirs.user_cache_dir("careerbot")) / "embeddings"


# Vectors of every text of the shipped knowledge base (topics, passages, intents), made by
# scripts/embed_shipped.py; keys carry the model id, so another model simply finds none here.
SHIPPED = Path(__file__).resolve().parent / "models" / "all-MiniLM-L6-v2" / "shipped-embeddings.npz"


@functools.cache
def shipped_vectors() -> tuple[dict[bytes, int], Vectors]:
    """The shipped vectors by key (empty when the file is missing or unreadable)."""
    try:
        with open(SHIPPED, "rb") as f, np.load(f, allow_pickle=False) as data:
            keys, vectors = data["keys"], data["vectors"]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return {}, np.empty((0, 0), dtype=np.float32)
    return {k: i for i, k in enumerate(keys.tolist())}, vectors.astype(np.float32)


class EmbeddingCache:
    """Embeds a collection of texts (a knowledge base's passages, an intent's examples) through a cache.

    Each text's vector is stored under a hash of the encoder's model id and the text, so a changed
    text, or a new model, re-encodes only what it affects. One file per `name` holds one collection:
    after `encode()` it keeps exactly that call's texts, so it never outgrows the collection and
    deleted texts drop out. Give each collection its own name. The file is an uncompressed .npz
    (keys and a float32 matrix) replaced atomically; 10,000 cached vectors load in 20–50 ms. A
    missing, corrupt or unwritable file is logged and rebuilt, never fatal.

    Queries do not belong here: encode them with the encoder directly.
    """

    def __init__(self, encoder: Encoder, name: str, directory: Path | None = None) -> None:
        if not name or "/" in name or name.startswith("."):
            raise ValueError(f"cache name must be a plain file name, not {name!r}")
        self._encoder = encoder
        self.path = (directory or default_cache_dir()) / f"{name}.npz"

    def encode(self, texts: Sequence[str]) -> Vectors:
        """One vector per text, in order: from the file where it has them, from the encoder otherwise."""
        salt = hashlib.blake2b(self._encoder.model_id.encode() + b"\0", digest_size=_KEY.itemsize)
        keys = [_key(salt, t) for t in texts]
        index, table = self._read()
        missing: dict[bytes, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in index and key not in missing:
                missing[key] = text
        if missing:
            # The shipped knowledge base's vectors come with the package: a fresh install (or a
            # test run) starts without encoding the texts nobody changed.
            seed_index, seed_table = shipped_vectors()
            seeded = [k for k in missing if k in seed_index]
            if seeded:
                index.update((key, len(table) + i) for i, key in enumerate(seeded))
                table = np.concatenate([table, seed_table[[seed_index[k] for k in seeded]]])
                for key in seeded:
                    del missing[key]
        if missing:
            log.info("embedding %d of %d texts for %s", len(missing), len(texts), self.path.name)
            index.update((key, len(table) + i) for i, key in enumerate(missing))
            table = np.concatenate([table, self._encoder.encode(list(missing.values()))])
        unique = list(dict.fromkeys(keys))
        if missing or len(index) != len(unique):
            self._write(unique, table[[index[k] for k in unique]])
        return table[np.fromiter((index[k] for k in keys), dtype=np.intp, count=len(keys))]

    def _read(self) -> tuple[dict[bytes, int], Vectors]:
        empty: tuple[dict[bytes, int], Vectors] = ({}, np.empty((0, self._encoder.dim), dtype=np.float32))
        try:
            # Opened here: np.load leaks its own file handle when the zip is damaged.
            with open(self.path, "rb") as f, np.load(f, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"]
        except FileNotFoundError:
            return empty
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            log.warning("embedding cache %s is unreadable (%s); rebuilding it", self.path, exc)
            self._discard()
            return empty
        if (keys.dtype != _KEY or vectors.dtype != np.float32
                or vectors.shape != (len(keys), self._encoder.dim)):
            log.warning("embedding cache %s does not fit the encoder; rebuilding it", self.path)
            self._discard()
            return empty
        return {k: i for i, k in enumerate(keys.tolist())}, vectors

    def _discard(self) -> None:
        # Gone, not merely ignored: when every text comes from the shipped vectors nothing is
        # written back, and a kept bad file would be warned about on every start.
        try:
            self.path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not remove embedding cache %s (%s)", self.path, exc)

    def _write(self, keys: list[bytes], vectors: Vectors) -> None:
        tmp: Path | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.path.parent, prefix=f".{self.path.stem}-",
                                             suffix=".npz", delete=False) as f:
                tmp = Path(f.name)
                np.savez(f, keys=np.frombuffer(b"".join(keys), dtype=_KEY), vectors=vectors)
            os.replace(tmp, self.path)  # readers see the old file or the new one, never half of one
        except OSError as exc:
            log.warning("could not save embedding cache %s (%s); it is rebuilt next time", self.path, exc)
            if tmp is not None:
                tmp.unlink(missing_ok=True)


def _key(salt: hashlib.blake2b, text: str) -> bytes:
    digest = salt.copy()
    digest.update(text.encode())
    return digest.digest()
