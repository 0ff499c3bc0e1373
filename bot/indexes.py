"""The indexes a core answers from, built once per knowledge base, encoder and embedding folder."""

from __future__ import annotations

import copy
import dataclasses
import functools
import hashlib
import io
import logging
import os
import pickle
import sys
import tempfile
import threading
import types
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.embedding_cache import default_cache_dir
from bot.encoder import Encoder, Vectors
from bot.intents import IntentClassifier
from bot.knowledge import KnowledgeBase
from bot.passages import PassageIndex
from bot.retrieval import TopicRetriever

log = logging.getLogger(__name__)

# Builds kept for cores built again from an equal knowledge base (a /reload that changed nothing,
# a copy of the folder, a process building several cores, the tests): a build of the shipped base
# is a third to half a CPU-second. Few: what no core uses any more is freed a few builds later
# (a replaced knowledge base's at once, see release()).
KEPT = 4
# Builds kept on disk, in the embedding folder, for the next process (see _Stored): the newest few.
KEPT_ON_DISK = 4


@dataclass(frozen=True, kw_only=True)
class Indexes:
    """What answering from a knowledge base needs built; shared by cores, so never changed."""

    retriever: TopicRetriever
    passages: PassageIndex
    intents: IntentClassifier

    def bound(self, kb: KnowledgeBase, encode_text: Callable[[str], Vectors | None]) -> Indexes:
        """Copies (sharing every array) that refer to this `kb` and encode a message's words
        through this core's `encode_text`, whichever equal knowledge base they were built from."""
        retriever = copy.copy(self.retriever)
        retriever.encode_text = encode_text
        intents = self.intents
        if intents.kb is not kb:
            intents = copy.copy(intents)
            intents.kb = kb
        passages = self.passages if self.passages.kb is kb else dataclasses.replace(self.passages, kb=kb)
        return Indexes(retriever=retriever, passages=passages, intents=intents)


@dataclass(frozen=True, kw_only=True)
class _Built:
    # Held so that the ids in the cache's keys stay theirs while the entry lives.
    kb: KnowledgeBase
    encoder: Encoder | None
    indexes: Indexes


_lock = threading.Lock()
_built: OrderedDict[tuple[bytes, int, Path | None], _Built] = OrderedDict()


def build_indexes(kb: KnowledgeBase, encoder: Encoder | None, embedding_dir: Path | None, *,
                  encode_text: Callable[[str], Vectors | None]) -> Indexes:
    """The indexes of `kb` with `encoder` (None: words only) and the embeddings cached in
    `embedding_dir` (None: the user cache folder), reused when an equal knowledge base was indexed
    with them recently; `encode_text` as for TopicRetriever."""
    folder = (embedding_dir or default_cache_dir()) if encoder is not None else None
    with _lock:
        # The same knowledge base object again needs no digest (pickling the shipped one is 10 ms).
        for key, entry in reversed(_built.items()):
            if entry.kb is kb and entry.encoder is encoder and key[2] == folder:
                _built.move_to_end(key)
                return entry.indexes.bound(kb, encode_text)
    digest = content_digest(kb)
    if digest is None:
        return _build(kb, encoder, embedding_dir).bound(kb, encode_text)
    key = (digest, id(encoder), folder)
    with _lock:
        found = _built.get(key)
        if found is not None and found.encoder is encoder:
            _built.move_to_end(key)
            return found.indexes.bound(kb, encode_text)
    # Outside the lock: a /reload builds in a thread while the core goes on answering.
    stored = _Stored(folder, digest, encoder) if folder is not None and encoder is not None else None
    indexes = stored.load(kb) if stored is not None else None
    if indexes is None:
        indexes = _build(kb, encoder, embedding_dir)
        if encoder is not None and not _embedded(kb, indexes):
            # Embedding failed (and was logged): the next core or /reload tries again.
            return indexes.bound(kb, encode_text)
        if stored is not None:
            stored.save(kb, indexes)
    with _lock:
        _built[key] = _Built(kb=kb, encoder=encoder, indexes=indexes)
        _built.move_to_end(key)
        while len(_built) > KEPT:
            _built.popitem(last=False)
    return indexes.bound(kb, encode_text)


def release(old: KnowledgeBase, new: KnowledgeBase) -> None:
    """Forget the builds of a knowledge base a core replaced by another that says something
    else: its indexes are then freed with the core's last reference to them."""
    if old is new:
        return
    digest = content_digest(old)
    if digest is None or digest == content_digest(new):
        return
    with _lock:
        for key in [k for k in _built if k[0] == digest]:
            del _built[key]


def content_digest(kb: KnowledgeBase) -> bytes | None:
    """A digest of what the knowledge base says, not where it was read from (equal folders share
    their indexes); None for one that cannot be serialised, which is then indexed each time.

    Pickled whole rather than field by field, so that a field added to the knowledge base later
    cannot be missed: two bases with equal pickles say the same. Pickled without its memo, so
    that the digest does not depend on which equal parts happen to be one object, which differs
    from process to process, and the next process finds the build stored on disk."""
    said = dataclasses.replace(
        kb, root=None, warnings=(),
        topics={k: dataclasses.replace(t, source="") for k, t in kb.topics.items()},
        intents={k: dataclasses.replace(i, source="") for k, i in kb.intents.items()})
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    try:
        pickler.dump(said)
    # A hand-made base with a lambda, or one that refers to itself (no memo: ValueError).
    except (pickle.PicklingError, TypeError, AttributeError, ValueError):
        log.debug("knowledge base not picklable; its indexes are not shared", exc_info=True)
        return None
    return hashlib.blake2b(buffer.getbuffer(), digest_size=16).digest()


def _build(kb: KnowledgeBase, encoder: Encoder | None, embedding_dir: Path | None) -> Indexes:
    return Indexes(
        retriever=TopicRetriever(kb, encoder, directory=embedding_dir),
        passages=PassageIndex.build(kb, encoder=encoder, cache_dir=embedding_dir),
        intents=IntentClassifier.for_knowledge(kb, encoder, cache_dir=embedding_dir),
    )


def _embedded(kb: KnowledgeBase, indexes: Indexes) -> bool:
    """Whether each index has the vectors of whatever it has to embed."""
    return ((indexes.retriever.semantic or not kb.topics)
            and (indexes.passages.vectors is not None or not indexes.passages.passages)
            and (indexes.intents.semantic or not any(i.examples for i in kb.intents.values())))


class _Stored:
    """A build kept on disk for the next process with an equal knowledge base, model and code.

    Building the shipped base's indexes is most of a CPU-second of `careerbot serve`'s start-up;
    reading them back is a few hundredths. The file's name and header carry a digest of what
    the build depends on: what the knowledge base says, the encoder's model id, every file of the
    `bot` package but the encoder's model (code, fitted heads, calibration), and the Python and
    numpy versions; so any change builds afresh, and only the newest KEPT_ON_DISK files are kept.

    The knowledge base and the encoder are not stored but referred to, and the current ones are
    put in their places when read. A file is read only when it belongs to this user and no one else
    may write it (it is written 0600), and only classes of the `bot` package and numpy's arrays
    are allowed in it, so it cannot run other code; an unreadable file is built again, never fatal.
    """

    PREFIX = "indexes-"
    SUFFIX = ".pickle"

    def __init__(self, folder: Path, digest: bytes, encoder: Encoder) -> None:
        self.folder = folder
        self.encoder = encoder
        key = hashlib.blake2b(digest_size=16)
        for part in (digest, encoder.model_id.encode(), code_version()):
            key.update(len(part).to_bytes(4, "little") + part)
        self.header = b"careerbot indexes " + key.hexdigest().encode() + b"\n"
        self.path = folder / f"{self.PREFIX}{key.hexdigest()}{self.SUFFIX}"

    def load(self, kb: KnowledgeBase) -> Indexes | None:
        try:
            with open(self.path, "rb") as f:
                mode = os.fstat(f.fileno())
                if mode.st_uid != os.geteuid() or mode.st_mode & 0o022:
                    log.warning("ignoring stored indexes %s: not this user's own file", self.path)
                    return None
                data = f.read()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("stored indexes %s are unreadable (%s); building them", self.path, exc)
            return None
        try:
            if not data.startswith(self.header):
                raise pickle.UnpicklingError("another header")
            indexes = _Reader(io.BytesIO(data[len(self.header):]), kb, self.encoder).load()
            if not isinstance(indexes, Indexes):
                raise pickle.UnpicklingError(f"a {type(indexes).__name__}")
        except Exception as exc:  # a damaged file: whatever unpickling raised
            log.warning("stored indexes %s are unreadable (%s); building them", self.path, exc)
            return None
        return indexes

    def save(self, kb: KnowledgeBase, indexes: Indexes) -> None:
        buffer = io.BytesIO()
        buffer.write(self.header)
        try:
            _Writer(buffer, kb, self.encoder).dump(indexes)
        except (pickle.PicklingError, TypeError, AttributeError):  # e.g. a test's stand-in encoder
            log.debug("indexes not picklable; not stored", exc_info=True)
            return
        tmp: Path | None = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.folder, prefix=f".{self.PREFIX}",
                                             suffix=self.SUFFIX, delete=False) as f:
                tmp = Path(f.name)
                f.write(buffer.getbuffer())
            os.replace(tmp, self.path)  # readers see the old file or the new one, never half of one
        except OSError as exc:
            log.warning("could not store indexes in %s (%s)", self.folder, exc)
            if tmp is not None:
                tmp.unlink(missing_ok=True)
            return
        self._prune()

    def _prune(self) -> None:
        try:
            files = sorted(self.folder.glob(f"{self.PREFIX}*{self.SUFFIX}"),
                           key=lambda p: p.stat().st_mtime_ns, reverse=True)
            for old in files[KEPT_ON_DISK:]:
                old.unlink(missing_ok=True)
        except OSError:  # another process pruning the same folder: it is pruned either way
            pass


def _references(kb: KnowledgeBase, encoder: Encoder) -> dict[int, Hashable]:
    """The objects a stored build refers to rather than holds: the knowledge base, its parts and
    the encoder, by where they are in the knowledge base."""
    refs: dict[int, Hashable] = {id(kb): ("kb",), id(encoder): ("encoder",),
                                 id(kb.skills): ("skills",)}
    for name, topic in kb.topics.items():
        refs.setdefault(id(topic), ("topic", name))
    for name, intent in kb.intents.items():
        refs.setdefault(id(intent), ("intent", name))
    return refs


class _Writer(pickle.Pickler):
    def __init__(self, file: io.BytesIO, kb: KnowledgeBase, encoder: Encoder) -> None:
        super().__init__(file, protocol=5)
        self._refs = _references(kb, encoder)

    def persistent_id(self, obj: Any) -> Any:
        found = self._refs.get(id(obj))
        if found is not None:
            return found
        if isinstance(obj, types.MethodType):
            # A method held as a callback (the retriever's own encoder of a message's words): its
            # object, which the pickle holds, and its name.
            return ("method", obj.__self__, obj.__func__.__name__)
        return None


class _Reader(pickle.Unpickler):
    # numpy's array and dtype reconstructors; everything else must be a class of the bot package.
    NUMPY = frozenset({("numpy", "dtype"), ("numpy", "ndarray"),
                       ("numpy._core.numeric", "_frombuffer"),
                       ("numpy._core.multiarray", "_reconstruct"),
                       ("numpy._core.multiarray", "scalar")})

    def __init__(self, file: io.BytesIO, kb: KnowledgeBase, encoder: Encoder) -> None:
        super().__init__(file)
        self._kb = kb
        self._encoder = encoder

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in self.NUMPY:
            return super().find_class(module, name)
        if module.split(".")[0] == "bot" and "." not in name:
            found = super().find_class(module, name)
            if isinstance(found, type) and found.__module__ == module:
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in stored indexes")

    def persistent_load(self, pid: Any) -> Any:
        match pid:
            case ("kb",):
                return self._kb
            case ("encoder",):
                return self._encoder
            case ("skills",):
                return self._kb.skills
            case ("topic", str(name)):
                return self._kb.topics[name]
            case ("intent", str(name)):
                return self._kb.intents[name]
            case ("method", owner, str(name)) if isinstance(
                    getattr(type(owner), name, None), types.FunctionType):
                return getattr(owner, name)
        raise pickle.UnpicklingError(f"unknown reference {pid!r}")


@functools.cache
def code_version() -> bytes:
    """A digest of what builds depend on besides the knowledge base and the model: the `bot`
    package's files (code, fitted heads, calibration; not the encoder's model, which its id
    names), and the Python and numpy versions."""
    package = Path(__file__).resolve().parent
    model = package / "models" / "all-MiniLM-L6-v2"
    digest = hashlib.blake2b(f"{sys.version}\0{np.__version__}".encode(), digest_size=16)
    for path in sorted(package.rglob("*")):
        if path.suffix == ".pyc" or not path.is_file() or model in path.parents:
            continue
        digest.update(str(path.relative_to(package)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.digest()
