"""Who answers a message: button action, command, pending step, best score, or the fallback."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeVar

from rapidfuzz.distance import OSA

from bot.actions import Action, decode
from bot.answers import asks_overview
from bot.embedding_cache import shipped_vectors
from bot.encoder import Encoder, Vectors
from bot.flows import Step
from bot.indexes import Indexes, build_indexes, release
from bot.intents import IntentClassifier, IntentScores, situation
from bot.knowledge import KnowledgeBase
from bot.markup import para
from bot.matcher import TopicMatcher
from bot.messages import MAX_ACTION_BYTES, Message, Reply
from bot.passages import PassageIndex
from bot.ports import ConversationState, Profile, StorageUnavailable, UnitOfWork
from bot.retrieval import Ranking, TopicRetriever
from bot.services import Services
from bot.shown import FOCUS, PAGE, SHOWN
from bot.text import normalize, unmarked, without_aside

log = logging.getLogger(__name__)
# Vectors of the latest distinct messages kept for repeats: 2,048 × 384 floats is 3 MB.
RECENT_QUERIES = 2048
T = TypeVar("T")

_COMMAND = re.compile(r"^/(?P<name>[A-Za-z0-9_]{1,32})(?:@(?P<bot>[A-Za-z0-9_]+))?(?:\s+(?P<args>.*))?$",
                      re.DOTALL)
# Below this no handler is sure enough, and the fallback answers.
MIN_SCORE = 0.5
# The cascade: where the words settle a message, its meaning is not read (an encoding is most of a
# message's CPU). Only in a new exchange (nothing on screen to follow up on), by one of the rules:
# "named": the message only names a topic the matcher is sure of (NAMED_AT) and no cue reads it as
# an intent: it is answered with that topic's page by words alone, as the hybrid would;
# "topic": the words-only retrieval model is sure of a topic (its `skip_at`), so intents are not
# read by meaning unless a cue names one (the passage to show may still need the vector);
# "unknown": the same, for a message with no word the knowledge base knows.
# benchmarks/cascade_check.py measures how many answers each rule changes against reading every
# message's meaning; "unknown" changed a dozen intents said without a cue ("how do i use u",
# "nah that's not it") and is off. "topic" depends on the calibration's `skip_at`: at 0.81 it sent
# 8 intents said without a cue ("delete me", "what are my options here") to a topic; the re-fit
# with near-domain background subjects raised it to 0.92, where it changes no answer of the
# 3,458 development messages: on again. Re-measure after every re-fit.
CASCADE_RULES = ("named", "topic", "unknown")
CASCADE = frozenset({"named", "topic"})
NAMED_AT = 0.6
# A topic this sure outweighs an intent its words do not say (read by meaning alone; see
# IntentClassifier.classify).
TOPIC_SURE = 0.95


@dataclass(kw_only=True)
class Context:
    """What a handler sees for one message. Handlers change `state`; the core saves it."""

    message: Message
    text: str
    state: ConversationState
    bot: Router
    uow: UnitOfWork | None
    command: str | None = None
    # The pressed button's action, decoded; None for typed text.
    action: Action | None = field(init=False)
    # Set by /forget: the person's rows are gone, so nothing may be written back.
    forgotten: bool = False
    # Work a handler's score() did that its handle() can reuse (e.g. topic matches).
    cache: dict[str, Any] = field(default_factory=dict)
    # While handlers score free text: the best score so far, which a handler must beat to answer
    # (ties go to the earlier handler). One that cannot beat it may skip costly work and say 0.
    leading_score: float = 0.0
    _profile: Profile | None = None
    _profile_loaded: bool = False
    # The text last encoded and its vector (None: no encoder, or encoding failed).
    _query: tuple[str, Vectors | None] | None = None
    _intents: IntentScores | None = None
    _settled: tuple[str, str | None] | None = None
    # Conversation data whose loss is harmless (a note for a later rating, not a setting): not
    # saving it is not worth telling the person.
    expendable: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.action = decode(self.message.action) if self.message.action else None

    @property
    def kb(self) -> KnowledgeBase:
        return self.bot.kb

    @property
    def norm(self) -> str:
        return normalize(self.text)

    def query_vector(self) -> Vectors | None:
        """The L2-normalised vector of `text` (shape `(dim,)`), encoded at most once per message.

        None without an encoder, for empty text, or when encoding fails. Whatever needs the
        message's meaning asks here rather than encoding the text itself.
        """
        if self._query is None or self._query[0] != self.text:
            named = self.settled_by() == "named"
            self._query = (self.text, None if named else self.bot.encode_query(self.text))
        return self._query[1]

    def intents(self) -> IntentScores:
        """How much the message reads as each intent in this conversation (computed once)."""
        if self._intents is None:
            self._intents = self.bot.intents.classify(
                self.text, situation(self.state, self.kb, self.text), self.query_vector,
                settled=self.words_settle, topic_sure=self._topic_sure)
        return self._intents

    def _topic_sure(self) -> bool:
        """Whether, in a new exchange, the topic retrieval is sure of a topic (TOPIC_SURE)."""
        if self.state.last_topic is not None:
            return False  # a follow-up's context is the topic handler's to weigh
        if any(self.state.data.get(k) is not None for k in (PAGE, SHOWN, FOCUS)):
            return False  # openings on screen: "what about fully remote instead" refines them
        best = self.topic_ranking().best  # no boost in a new exchange: the topic handler's ranking
        return best is not None and best.confidence >= TOPIC_SURE

    def topic_ranking(self, *, boost: tuple[str, ...] = ()) -> Ranking:
        """The topics for this message, ranked once per message (whoever asks later, the intents'
        sure-topic check, the topic handler or the fallback, reuses the first ranking)."""
        ranking = self.cache.get("topic_ranking")
        if ranking is None or self.cache.get("topic_ranking_text") != self.text:
            ranking = self.bot.retriever.rank(self.text, self.query_vector, boost=boost)
            self.cache["topic_ranking"], self.cache["topic_ranking_text"] = ranking, self.text
        assert isinstance(ranking, Ranking)
        return ranking

    def words_settle(self) -> bool:
        """Whether the words alone settle what the message is (see CASCADE), so that an intent
        need not be read from its meaning."""
        return self.settled_by() is not None

    def settled_by(self) -> str | None:
        """The cascade rule by which the message's words alone settle it, or None (computed once
        per text)."""
        if self._settled is None or self._settled[0] != self.text:
            self._settled = (self.text, self._settle())
        return self._settled[1]

    def _settle(self) -> str | None:
        cascade = self.bot.cascade
        if (not cascade or self.state.last_topic is not None
                or any(self.state.data.get(k) is not None for k in (PAGE, SHOWN, FOCUS))):
            return None
        # No topic on screen: the ranking the topic handler gets too (no boost), without a vector.
        ranking = self.bot.retriever.rank(self.text, lambda: None)
        best = ranking.best
        if ranking.method == "lexical":
            rule = "unknown" if best is None else "topic"
            return rule if rule in cascade else None
        if "named" not in cascade or best is None or best.confidence < NAMED_AT:
            return None
        said = situation(self.state, self.kb, self.text)
        # Named by one of its skills ("docker", "k8s"), not by a word of its title ("find").
        if (best.topic_id in said.subjects and not self.bot.intents.cued(self.text, said)
                and asks_overview(self.bot.passages, best.topic_id, self.text, naming=True)):
            return "named"
        return None

    def update(self, **changes: Any) -> None:
        self.state = dataclasses.replace(self.state, **changes)

    def note(self, **changes: Any) -> None:
        """`set_data` for data whose loss to a storage outage is harmless (see `expendable`)."""
        self.expendable.update(changes)
        self.set_data(**changes)

    def set_data(self, **changes: Any) -> None:
        data = dict(self.state.data)
        for k, v in changes.items():
            if v is None:
                data.pop(k, None)
            else:
                data[k] = v
        self.update(data=data)

    async def profile(self) -> Profile:
        if not self._profile_loaded:
            self._profile_loaded = True
            self._profile = await self.attempt(
                lambda uow: uow.profiles.get(self.message.platform, self.message.user_id),
                otherwise=None)
        return self._profile or Profile()

    def remember_profile(self, profile: Profile) -> None:
        """The profile just saved, so later reads in this message need no query."""
        self._profile, self._profile_loaded = profile, True

    def storage(self) -> UnitOfWork:
        """The unit of work, or StorageUnavailable when running without memory.

        Storage failing under a handler gets that handler's `unavailable()` reply.
        """
        if self.uow is None:
            raise StorageUnavailable("storage is unavailable")
        return self.uow

    async def attempt(self, work: Callable[[UnitOfWork], Awaitable[T]], *, otherwise: T) -> T:
        """`work` on the unit of work; `otherwise` without one or when storage fails.

        For what a reply can do without (the profile, a counter, a statistic).
        """
        if self.uow is None:
            return otherwise
        try:
            return await work(self.uow)
        except StorageUnavailable:
            self.bot.storage_failed()
            return otherwise


class Handler(Protocol):
    """One intent: how sure it is about free text, and what it answers."""

    intent: ClassVar[str]
    commands: ClassVar[tuple[str, ...]]
    actions: ClassVar[tuple[type[Action], ...]]
    steps: ClassVar[tuple[Step, ...]]

    def score(self, ctx: Context) -> float: ...

    async def handle(self, ctx: Context) -> list[Reply]: ...

    async def resume(self, ctx: Context) -> list[Reply] | None:
        """Answer a pending step this handler owns, or None to let the message route normally."""
        ...

    def unavailable(self, ctx: Context) -> list[Reply] | None:
        """The answer when storage fails under handle() or resume(), or None to have the core
        answer the message again without memory."""
        ...


class Router:
    """The handlers and the order they are asked in; what handlers see of the core as `ctx.bot`."""

    def __init__(
        self,
        *,
        kb: KnowledgeBase,
        handlers: Sequence[Handler],
        fallback: Handler,
        matcher: TopicMatcher | None = None,
        services: Services | None = None,
        admins: Iterable[str] = (),
        bot_names: Iterable[str] = (),
        encoder: Encoder | None = None,
        embedding_dir: Path | None = None,
    ) -> None:
        """`encoder`: sentence embeddings for understanding by meaning; None means lexical only.
        `embedding_dir`: where the knowledge base's embeddings are cached (None: the default)."""
        self.kb = kb
        self.encoder = encoder
        self.embedding_dir = embedding_dir
        self.cascade = CASCADE
        self._encoder_failed = False
        self._recent: OrderedDict[str, Vectors] = OrderedDict()
        # A few unknown words ("iphone", "nurse") recur across people: they share the cache of
        # recent vectors with whole messages.
        if matcher is None:
            self._use(build_indexes(kb, encoder, embedding_dir, encode_text=self.encode_query))
        else:
            self.retriever = TopicRetriever(kb, encoder, directory=embedding_dir, matcher=matcher,
                                            encode_text=self.encode_query)
            self.passages = PassageIndex.build(kb, encoder=encoder, cache_dir=embedding_dir)
            self.intents = IntentClassifier.for_knowledge(kb, encoder, cache_dir=embedding_dir)
        # The shipped vectors seed the caches above; kept, they would be 6 MB held for nothing.
        shipped_vectors.cache_clear()
        self.handlers = list(handlers)
        self.fallback = fallback
        self.services = services or Services()
        self.admins = frozenset(admins)
        self.bot_names = frozenset(n.lower() for n in bot_names)
        self._storage_down = False
        self._by_command = {c: h for h in self.handlers for c in h.commands}
        self._by_action = {a: h for h in self.handlers for a in h.actions}
        self._by_step = {s: h for h in self.handlers for s in h.steps}

    @property
    def matcher(self) -> TopicMatcher:
        return self.retriever.matcher

    def index_knowledge(self, kb: KnowledgeBase) -> TopicRetriever:
        """What answering from `kb` needs built (its embeddings come from the cache except for the
        texts that changed); safe to run in a thread while the core answers with the old one."""
        return self._indexes(kb).retriever

    # Knowledge can be replaced at run time (/reload) without rebuilding handlers.
    def replace_knowledge(self, kb: KnowledgeBase, retriever: TopicRetriever | None = None) -> None:
        indexes = self._indexes(kb)
        self._use(indexes if retriever is None else dataclasses.replace(indexes, retriever=retriever))
        shipped_vectors.cache_clear()
        release(self.kb, kb)
        self.kb = kb

    def _indexes(self, kb: KnowledgeBase) -> Indexes:
        # Built after index_knowledge() in a /reload's thread, the same build comes back here.
        return build_indexes(kb, self.encoder, self.embedding_dir, encode_text=self.encode_query)

    def _use(self, indexes: Indexes) -> None:
        self.retriever, self.passages, self.intents = (indexes.retriever, indexes.passages,
                                                       indexes.intents)

    def is_admin(self, message: Message) -> bool:
        return f"{message.platform}:{message.user_id}" in self.admins

    def encode_query(self, text: str) -> Vectors | None:
        """One message's vector, or None (use `Context.query_vector()`, which keeps it)."""
        if self.encoder is None or not text:
            return None
        # Formatting around words ("<b>docker</b>") moves a short question's vector far off.
        plain = unmarked(text)
        if (known := self._recent.get(plain)) is not None:
            # People repeat themselves and each other ("hello", "what is docker"): an encoding
            # is most of a message's CPU, a hit costs a dictionary lookup.
            self._recent.move_to_end(plain)
            return known
        try:
            vector: Vectors = self.encoder.encode([plain])[0]
        except Exception:
            # A broken model must not stop the bot: it answers by words alone until it works.
            if not self._encoder_failed:
                log.exception("the sentence encoder failed; matching by words only")
            self._encoder_failed = True
            return None
        vector.setflags(write=False)  # shared by every message that says the same
        self._recent[plain] = vector
        if len(self._recent) > RECENT_QUERIES:
            self._recent.popitem(last=False)
        return vector

    def storage_failed(self) -> None:
        if not self._storage_down:
            log.error("storage unavailable; answering without memory until it is back")
        self._storage_down = True

    def storage_ok(self) -> None:
        if self._storage_down:
            log.warning("storage is back")
        self._storage_down = False

    def command_handler(self, name: str) -> Handler:
        return self._by_command[name]

    @property
    def commands(self) -> frozenset[str]:
        return frozenset(self._by_command)

    async def answer(self, handler: Handler, ctx: Context) -> list[Reply]:
        """`handler`'s answer (handlers handing a message on to another use this too)."""
        return await self._guarded(handler, ctx, handler.handle(ctx))

    async def _guarded(self, handler: Handler, ctx: Context,
                       call: Awaitable[T]) -> T | list[Reply]:
        try:
            return await call
        except StorageUnavailable:
            self.storage_failed()
            replies = handler.unavailable(ctx)
            if replies is None:
                raise
            return replies

    async def route(self, ctx: Context) -> list[Reply]:
        if ctx.action is not None:
            handler = self._by_action.get(type(ctx.action))
            if handler is not None:
                return await self.answer(handler, ctx)
            log.info("unknown button action %r", ctx.action.encode()[:MAX_ACTION_BYTES])
            return await self.answer(self.fallback, ctx)
        m = _COMMAND.match(ctx.text)
        if m:
            name = m.group("name").lower()
            addressed = (m.group("bot") or "").lower()
            if addressed and self.bot_names and addressed not in self.bot_names:
                return []  # a command for another bot in the same group
            ctx.command = name
            ctx.text = (m.group("args") or "").strip()
            handler = self._by_command.get(name)
            if handler is None and (meant := misspelt_command(name, self._by_command)) is not None:
                ctx.command = meant
                handler = self._by_command[meant]
            if handler is None:
                return [unknown_command(name, sorted(self._by_command))]
            return await self.answer(handler, ctx)
        # "wait, what does that mean": the aside says nothing of what is asked, and its words
        # would only blur the message's meaning.
        ctx.text = without_aside(ctx.text)
        if ctx.state.pending is not None:
            step_handler = self._by_step.get(ctx.state.pending)
            if step_handler is not None:
                resumed = await self._guarded(step_handler, ctx, step_handler.resume(ctx))
                if resumed is not None:
                    return resumed
            ctx.update(pending=None)
        if not ctx.text:
            return await self.answer(self._by_command.get("help", self.fallback), ctx)
        if self.services.recommender.latest is None:
            # Scoring is synchronous: "the Stripe role" can name an opening only once the
            # openings are indexed, so the first free-text message of a process indexes them.
            await ctx.attempt(lambda uow: self.services.recommender.index(self.kb, uow),
                              otherwise=None)
        best: Handler | None = None
        best_score = 0.0
        for handler in self.handlers:
            ctx.leading_score = best_score
            s = handler.score(ctx)
            if s > best_score:
                best, best_score = handler, s
        if best is None or best_score < MIN_SCORE:
            return await self.answer(self.fallback, ctx)
        return await self.answer(best, ctx)


# Commands the help does not list, nor a typo runs.
_UNLISTED = ("start", "reload", "stats", "admin")
# A typo of a command this long or longer runs it ("/topcis", "/hlep"); shorter ones are too
# often a typo of two.
_COMMAND_TYPO_LENGTH = 4


def misspelt_command(name: str, known: Iterable[str]) -> str | None:
    """The one listed command `name` is a typo of (one edit; two for a long name), or None."""
    if len(name) < _COMMAND_TYPO_LENGTH:
        return None
    edits = 2 if len(name) >= 8 else 1
    near = [c for c in known if c not in _UNLISTED
            and OSA.distance(name, c, score_cutoff=edits) <= edits]
    return near[0] if len(near) == 1 else None


def unknown_command(name: str, known: Iterable[str]) -> Reply:
    shown = ", ".join(f"/{c}" for c in known if c not in _UNLISTED)
    return Reply(
        blocks=(para(f"I don't know the command /{name}. Commands I understand: {shown}."),),
        intent="help",
    )
