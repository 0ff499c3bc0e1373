"""Job requests in more shapes and questions about the openings shown (issue 12): openings like
a shown or named one in another region, a list narrowed by a skill, facts asked without
pointing, through Bot.handle on the in-memory store and on SQLite."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.encoder import OnnxEncoder
from bot.knowledge import KnowledgeBase
from bot.markup import to_plain
from bot.openings import Level, Remote
from bot.recommend import OpeningIndex, Query
from bot.vocabulary import find_regions, places_within
from tests.bot.test_opening_conversations import FEED_OPENINGS, Chat, imported, open_chat, shown

MORE_OPENINGS = [
    imported("n1", "Senior Backend Engineer, Settlements", "Northwind",
             "New York, NY, United States", Remote.NO, Level.SENIOR, ("Go", "PostgreSQL", "Kafka"),
             "Northwind settles card transactions. On-site in Manhattan. "
             "The salary range is $180,000 - $210,000."),
    imported("n2", "Backend Engineer", "Tallybook", "Dublin, Ireland (Hybrid)", Remote.HYBRID,
             None, ("Go", "PostgreSQL", "Kafka"),
             "Tallybook keeps the books of small shops.\n"
             "Hybrid: two days a week in the Dublin office, the rest from home."),
    imported("n3", "Go Developer", "Cinderbay", "Austin, TX, United States", Remote.NO, None,
             ("Go", "PostgreSQL"), "Cinderbay builds tools for roofers."),
    imported("n4", "PHP Developer (Laravel)", "Larchwood", "Remote - EU", Remote.YES, None,
             ("PHP", "Laravel", "MySQL"), "Larchwood's broker portal is a Laravel app."),
]


@pytest.fixture(params=["memory", "sqlite"])
async def chat(request: pytest.FixtureRequest, kb: KnowledgeBase,
               tmp_path: Path) -> AsyncIterator[Chat]:
    openings = [*kb.openings, *FEED_OPENINGS, *MORE_OPENINGS]
    async with open_chat(request.param, kb, openings, tmp_path) as c:
        yield c


async def test_openings_like_a_named_one_but_in_europe(chat: Chat) -> None:
    await chat.say("I know go, postgres and kafka")
    r = await chat.say("any go jobs in new york?")
    assert shown(r) == ["n1"]
    r = await chat.say("something like the Northwind one but in Europe")
    assert r.intent == "openings"
    ids = shown(r)
    # Its skills matter more than its level: the Dublin role of no stated level comes first.
    assert ids[0] == "n2"
    assert "n1" not in ids and "n3" not in ids  # not itself, nothing outside Europe
    assert "Northwind" in r.text
    assert not await chat.subscribed()


async def test_anything_like_it_resolves_the_opening_in_focus(chat: Chat) -> None:
    await chat.say("/profile skills go")
    await chat.say("go jobs in the US")
    r = await chat.say("is the austin one on-site?")
    assert r.intent == "opening" and "Cinderbay" in r.text
    r = await chat.say("anything like it in the EU?")
    assert r.intent == "openings"
    assert "n3" not in shown(r) and "n2" in shown(r)


async def test_the_go_ones_narrow_the_request_on_screen(chat: Chat) -> None:
    await chat.say("/profile skills java, go")
    r = await chat.say("jobs in Munich")
    assert set(shown(r)) == {"l1", "g1"}
    r = await chat.say("show me the go ones")
    assert r.intent == "openings"
    assert shown(r) == ["g1"]  # still in Munich: not Parcelstream in Berlin, not Dublin


async def test_which_ones_fit_me_asks_for_a_list(chat: Chat) -> None:
    r = await chat.say("what jobs do you have?")
    assert r.intent == "openings"
    await chat.say("/profile skills php")
    r = await chat.say("which ones fit me?")
    assert r.intent == "openings" and shown(r)[0] == "n4"


async def test_facts_of_the_opening_on_screen_asked_without_pointing(chat: Chat) -> None:
    r = await chat.say("any jobs in Dublin?")
    assert shown(r) == ["n2"]
    r = await chat.say("how many days in the office?")
    assert r.intent == "opening" and "two days a week" in r.text
    r = await chat.say("what's the level?")
    assert r.intent == "opening" and "not stated" in r.text
    r = await chat.say("do they sponsor visas?")
    assert r.intent == "opening" and "Visa sponsorship: the ad doesn't say" in r.text
    # A pronoun is no question about the opening (telling thanks from it is the model's part).
    r = await chat.say("thanks, that clears it up")
    assert r.intent != "opening"


async def test_which_one_pays_the_most_answers_for_each(chat: Chat) -> None:
    r = await chat.say("go jobs in the US")
    assert set(shown(r)) == {"n1", "n3"}
    r = await chat.say("which one pays the most?")
    assert r.intent == "opening"
    assert "Northwind" in r.text and "Cinderbay" in r.text
    # Ranked by the pay they state, and the one that states none named as such.
    assert "best paid is Senior Backend Engineer, Settlements at Northwind" in r.text
    assert "$180,000" in r.text and "no pay stated" in r.text


async def test_a_company_opening_picked_by_title_beyond_the_list(chat: Chat) -> None:
    r = await chat.say("java jobs in munich")
    assert shown(r) == ["l1"]
    r = await chat.say("and the laravel role at larchwood?")
    assert r.intent == "opening" and "PHP Developer (Laravel)" in r.text
    r = await chat.say("is it remote?")
    assert r.intent == "opening" and r.text.count("Yes") >= 1


def test_regions_name_their_places() -> None:
    assert find_regions("anything remote in the US?") == ("US",)
    assert find_regions("tell us more about it") == ()
    assert find_regions("remote-Europe only") == ("Europe",)
    assert find_regions("roles in the EU") == ("EU",)
    assert "dublin" in places_within("Europe") and "berlin" in places_within("EU")
    assert places_within("Berlin") == ("Berlin",)


def test_a_region_is_a_hard_filter(kb: KnowledgeBase) -> None:
    index = OpeningIndex([*FEED_OPENINGS, *MORE_OPENINGS], kb.skills)
    ids = {m.opening.external_id
           for m in index.rank(Query(skills=("Go",), locations=("Europe",)), limit=20).matches}
    assert ids == {"n2", "p1", "g1"}
    us = {m.opening.external_id
          for m in index.rank(Query(skills=("Go",), locations=("US",)), limit=20).matches}
    assert us == {"n1", "n3"}


def test_a_state_or_province_is_its_tech_hubs(kb: KnowledgeBase) -> None:
    # Feeds write "Austin, TX", rarely "Texas"; "Georgia" and two-letter codes are no state here.
    assert find_regions("and in texas?") == ("Texas",)
    assert find_regions("remote but I live in Ontario") == ("Ontario",)
    assert find_regions("jobs in british columbia") == ("British Columbia",)
    assert find_regions("jobs in georgia") == () and find_regions("tx for that") == ()
    assert "austin" in places_within("Texas") and "toronto" in places_within("ontario")
    index = OpeningIndex([*FEED_OPENINGS, *MORE_OPENINGS], kb.skills)
    texas = {m.opening.external_id
             for m in index.rank(Query(skills=("Go",), locations=("Texas",)), limit=20).matches}
    assert texas == {"n3"}
    ontario = {m.opening.external_id
               for m in index.rank(Query(locations=("Ontario",)), browse=True, limit=20).matches}
    assert ontario == {"i1"}


async def test_a_company_named_in_a_request_keeps_its_openings(chat: Chat) -> None:
    r = await chat.say("does Larchwood have any openings?")
    assert r.intent == "openings"
    assert set(shown(r)) == {"l1", "n4"}
    r = await chat.say("only remote ones")
    assert shown(r) == ["n4"]



async def test_narrowing_and_facts_asked_in_other_words(chat: Chat) -> None:
    r = await chat.say("python jobs")
    assert "q1" in shown(r) and "s1" in shown(r)
    r = await chat.say("ok, show me hybrid ones instead")
    assert r.intent == "openings" and shown(r) == ["q1"]
    r = await chat.say("give me the url")
    assert r.intent == "opening" and "https://boards.example/q1" in r.text
    r = await chat.say("what about equity?")
    assert r.intent == "opening" and "Equity: the ad doesn't say" in r.text


async def test_is_it_a_good_fit_says_how_many_skills_fit(chat: Chat) -> None:
    await chat.say("/profile skills java, docker")
    r = await chat.say("java jobs that are remote")
    assert shown(r)[0] == "e1"
    r = await chat.say("is it a good fit for me?")
    assert r.intent == "opening"
    assert "You have 2 of the 3 skills it lists: Java, Docker." in r.text
    assert any(b.label == "Learn PostgreSQL" for b in r.buttons)  # the missing skill's topic


@pytest.fixture
async def semantic_chat(kb: KnowledgeBase, tmp_path: Path, encoder: OnnxEncoder) -> AsyncIterator[Chat]:
    # With the model, as deployed: whether the work asked for is another field is read by meaning.
    async with open_chat("memory", kb, [*kb.openings, *FEED_OPENINGS, *MORE_OPENINGS], tmp_path,
                         encoder=encoder) as c:
        yield c


@pytest.mark.parametrize(("text", "work"), [("teacher jobs in london", "teacher"),
                                            ("remote jobs for nurses", "nurses")])
async def test_jobs_in_another_field_are_declined(semantic_chat: Chat, text: str, work: str) -> None:
    r = await semantic_chat.say(text)
    assert r.intent == "fallback" and not shown(r)
    assert f"“{work}”" in to_plain(r.blocks)


@pytest.mark.parametrize("text", ["startup jobs in berlin", "php jobs in the eu", "any go roles?",
                                  "what jobs suit me"])
async def test_jobs_in_the_field_are_still_looked_for(semantic_chat: Chat, text: str) -> None:
    r = await semantic_chat.say(text)
    assert r.intent == "openings"



async def test_a_job_word_among_many_others_is_no_request_for_another_field(semantic_chat: Chat) -> None:
    # "workers" is no field of work here: the sentence is about a technical job
    r = await semantic_chat.say("two workers process the same job at the same time")
    assert r.intent != "fallback" and not shown(r), r.intent
