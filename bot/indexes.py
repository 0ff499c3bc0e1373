"""The indexes a core answers from, built once per knowledge base, encoder and embedding folder."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import logging
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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
    indexes = _build(kb, encoder, embedding_dir)
    if encoder is not None and not _embedded(kb, indexes):
        # Embedding failed (and was logged): the next core or /reload tries again.
        return indexes.bound(kb, encode_text)
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
    cannot be missed: two bases with equal pickles say the same."""
    said = dataclasses.replace(
        kb, root=None, warnings=(),
        topics={k: dataclasses.replace(t, source="") for k, t in kb.topics.items()},
        intents={k: dataclasses.replace(i, source="") for k, i in kb.intents.items()})
    try:
        data = pickle.dumps(said, protocol=5)
    except (pickle.PicklingError, TypeError, AttributeError):  # e.g. a hand-made base with a lambda
        log.debug("knowledge base not picklable; its indexes are not shared", exc_info=True)
        return None
    return hashlib.blake2b(data, digest_size=16).digest()


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
