"""Embeddings kept on disk by content hash, so start-up and reloads encode only new or changed texts."""

from __future__ import annotations

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

_KEY = np.dtype("S32")  # hex of a 16-byte BLAKE2b digest


def default_cache_dir() -> Path:
    """The user cache folder (~/.cache/careerbot/embeddings on Linux): deleting it only costs time."""
    return Path(platformdirs.user_cache_dir("careerbot")) / "embeddings"


class EmbeddingCache:
    """Embeds a collection of texts (a knowledge base's passages, an intent's examples) through a cache.

    Each text's vector is stored under a hash of the encoder's model id and the text, so a changed
    text, or a new model, re-encodes only what it affects. One file per `name` holds one collection:
    after `encode()` it keeps exactly that call's texts, so it never outgrows the collection and
    deleted texts drop out. Give each collection its own name. The file is an uncompressed .npz
    (keys and a float32 matrix) replaced atomically; loading 10,000 vectors takes milliseconds. A
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
        keys = [self._key(t) for t in texts]
        stored = self._read()
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in stored}
        if missing:
            log.info("embedding %d of %d texts for %s", len(missing), len(texts), self.path.name)
            stored.update(zip(missing, self._encoder.encode(list(missing.values())), strict=True))
        out = np.empty((len(texts), self._encoder.dim), dtype=np.float32)
        first_row: dict[bytes, int] = {}
        for row, key in enumerate(keys):
            out[row] = stored[key]
            first_row.setdefault(key, row)
        if missing or len(stored) != len(first_row):
            self._write(list(first_row), out[list(first_row.values())])
        return out

    def _key(self, text: str) -> bytes:
        digest = hashlib.blake2b(digest_size=16)
        digest.update(self._encoder.model_id.encode())
        digest.update(b"\0")
        digest.update(text.encode())
        return digest.hexdigest().encode("ascii")

    def _read(self) -> dict[bytes, Vectors]:
        try:
            with np.load(self.path, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"]
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            log.warning("embedding cache %s is unreadable (%s); rebuilding it", self.path, exc)
            return {}
        if (keys.dtype != _KEY or vectors.dtype != np.float32
                or vectors.shape != (len(keys), self._encoder.dim)):
            log.warning("embedding cache %s does not fit the encoder; rebuilding it", self.path)
            return {}
        return dict(zip(keys.tolist(), vectors, strict=True))

    def _write(self, keys: list[bytes], vectors: Vectors) -> None:
        tmp: Path | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.path.parent, prefix=f".{self.path.stem}-",
                                             suffix=".npz", delete=False) as f:
                tmp = Path(f.name)
                np.savez(f, keys=np.array(keys, dtype=_KEY), vectors=vectors)
            os.replace(tmp, self.path)  # readers see the old file or the new one, never half of one
        except OSError as exc:
            log.warning("could not save embedding cache %s (%s); it is rebuilt next time", self.path, exc)
            if tmp is not None:
                tmp.unlink(missing_ok=True)
