"""Issue 12's follow-ups after a topic answer (why, downsides, simpler, "and Go?", "how does that
compare to Y"), as conversations through Bot.handle, on the in-memory store and on SQLite."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.bootstrap import build_bot
from bot.dialogue import Bot
from bot.encoder import OnnxEncoder
from bot.followups import named_subject, read_shift, substitute
from bot.knowledge import KnowledgeBase
from bot.memory import MemoryStore
from bot.messages import Reply
from storage.engine import Storage
from tests.factories import message
from tests.fakes.sqlite import migrated_sqlite


@dataclass(kw_only=True)
class Chat:
    bot: Bot
    user: str = "fay"

    async def say(self, text: str) -> Reply:
        replies = await self.bot.handle(message(text, user=self.user))
        assert replies
        return replies[0]


@pytest.fixture(params=["memory", "sqlite"])
async def chat(request: pytest.FixtureRequest, kb: KnowledgeBase, encoder: OnnxEncoder,
               tmp_path: Path) -> AsyncIterator[Chat]:
    if request.param == "memory":
        store = MemoryStore(list(kb.openings))
        yield Chat(bot=build_bot(kb, store.uow, encoder=encoder))
        return
    storage = Storage.from_url(migrated_sqlite(tmp_path / "bot.sqlite3"))
    try:
        yield Chat(bot=build_bot(kb, storage.uow, encoder=encoder))
    finally:
        await storage.aclose()


async def test_downsides_and_why_answer_from_the_topics_passages(chat: Chat) -> None:
    r = await chat.say("should we split our monolith into microservices?")
    assert r.topic == "microservices"
    r = await chat.say("what's the catch?")
    assert (r.intent, r.topic) == ("more", "microservices")
    assert "What they cost" in r.text and "Interview" not in r.text
    r = await chat.say("why do teams still do it then?")
    assert (r.intent, r.topic) == ("more", "microservices")
    assert "What microservices buy you" in r.text


async def test_simpler_is_the_short_overview(chat: Chat) -> None:
    await chat.say("what are message queues?")
    r = await chat.say("explain it simpler please")
    assert (r.intent, r.topic) == ("more", "message-queues")
    assert "in short" in r.text and len(r.text) < 500


async def test_and_x_keeps_the_aspect_for_the_new_subject(chat: Chat) -> None:
    await chat.say("is go a good backend language?")
    r = await chat.say("what are the pitfalls?")
    assert (r.intent, r.topic) == ("more", "go") and "goroutine leaks" in r.text
    # The same question about Java: its downsides, not its page.
    r = await chat.say("and java?")
    assert (r.intent, r.topic) == ("more", "java")
    assert "the downsides" in r.text or "don't have anything on the downsides" in r.text


async def test_and_x_after_a_plain_answer_is_x_and_wins_over_a_profile_reading(chat: Chat) -> None:
    await chat.say("explain kubernetes to me")
    r = await chat.say("and docker?")
    assert (r.intent, r.topic) == ("more", "docker")
    assert "Added" not in r.text  # not a skill added to the profile


async def test_compare_to_y_sets_the_current_topic_against_y(chat: Chat) -> None:
    await chat.say("what is graphql")
    r = await chat.say("how does that compare to REST?")
    assert r.intent == "compare"


async def test_a_request_with_its_own_subject_wins_over_a_follow_up(chat: Chat) -> None:
    await chat.say("what is docker?")
    r = await chat.say("show me remote jobs with docker")
    assert r.intent == "openings"


def test_a_shift_is_only_a_subject_with_the_words_around_it(kb: KnowledgeBase) -> None:
    assert read_shift("what about java instead?", kb, "go") is not None
    shift = read_shift("how does that compare to postgres", kb, "nosql-databases")
    assert shift is not None and shift.compare and shift.subject.topic_id == "sql-databases"
    for own_question in ("and what are SLOs?", "what about php, still a thing?", "and go jobs?",
                         "and in berlin?", "and github actions vs jenkins?"):
        assert read_shift(own_question, kb, "observability") is None, own_question
    assert read_shift("and docker?", kb, None) is None  # nothing answered before


def test_substitute_asks_the_same_question_about_the_new_subject(kb: KnowledgeBase) -> None:
    go = named_subject("go", kb)
    assert go is not None
    assert substitute("how do I deploy a python app?", kb, "python", go) == "how do I deploy a Go app?"
    assert substitute("java or python for backend?", kb, "choosing-a-language", go) == \
        "java or Go for backend?"
    assert substitute("how do I get better at it?", kb, "message-queues", go) is None


async def test_a_question_for_the_downsides_is_answered_as_the_follow_up_would(chat: Chat) -> None:
    r = await chat.say("what are the downsides of graphql?")
    assert (r.intent, r.topic) == ("topic", "graphql")
    assert "the downsides" in r.text and "caching is harder" in r.text
    # "and REST?" asks the same of REST: its downsides (or that there are none), not its page.
    r = await chat.say("and rest?")
    assert (r.intent, r.topic) == ("more", "rest")
    assert "REST and RESTful APIs: the downsides" in r.text


async def test_how_do_they_compare_sets_the_last_two_topics_against_each_other(chat: Chat) -> None:
    await chat.say("what is graphql")
    await chat.say("and REST?")
    await chat.say("show me remote python jobs")  # an openings list in between
    await chat.say("tell me about rest apis")
    r = await chat.say("how do they compare?")
    assert r.intent == "compare" and "GraphQL" in r.text


async def test_which_one_chooses_within_the_topic_on_screen(chat: Chat) -> None:
    r = await chat.say("whats the difference between sql and nosql")
    assert r.topic == "sql-vs-nosql"
    r = await chat.say("so which one would you pick for a small startup?")
    assert r.intent == "more" and r.topic == "sql-vs-nosql"
    assert "PostgreSQL" in r.text
    r = await chat.say("which one is better, go or rust?")  # subjects of its own
    assert r.topic != "sql-vs-nosql"


async def test_a_question_about_it_stays_on_the_topic_on_screen(chat: Chat) -> None:
    await chat.say("what does kubernetes actually do")
    r = await chat.say("is it worth it for a small team?")
    assert (r.intent, r.topic) == ("more", "kubernetes") and "small project" in r.text
    r = await chat.say("how do i get a job if it's my first?")  # "it's" points at nothing
    assert r.topic != "kubernetes"
