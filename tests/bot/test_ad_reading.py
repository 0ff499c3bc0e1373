"""Questions about what an opening's ad says, read by meaning (bot/adreading.py), through
Bot.handle: terse or unusual wordings answered in the ad's own words, "the ad doesn't say" when
nothing in it answers, and turns right after a list that carry a subject of their own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adreading import ENCODED_PER_READ, AdReader, sectioned
from bot.encoder import OnnxEncoder
from bot.knowledge import KnowledgeBase
from bot.openings import Level, Remote
from tests.bot.test_opening_conversations import Chat, chats_over, imported, open_chat, shown
from tests.fakes.encoders import CountingEncoder

OPENINGS = [
    imported("r1", "Backend Engineer (Ruby)", "Marrowby", "Leeds, UK (Hybrid)", Remote.HYBRID, None,
             ("Ruby", "PostgreSQL"),
             "Marrowby sells tickets for village festivals.\nWe're looking for:\nRuby\nPostgreSQL\n"
             "You will be one of six engineers in the Checkout squad and answer to our VP of "
             "Engineering. Hiring takes two rounds: a chat about your past work, then a paired "
             "coding exercise. Weekend pager shifts come round once every two months."),
    imported("r2", "Senior Ruby Developer", "Fennick Labs", "Remote (UK)", Remote.YES, Level.SENIOR,
             ("Ruby", "Redis"),
             "Fennick Labs keeps records for vets.\nYou must speak Welsh, as most of our clients "
             "do.\nThe company pays for one conference a year, travel included."),
]


@pytest.fixture
async def chat(kb: KnowledgeBase, tmp_path: Path, encoder: OnnxEncoder) -> AsyncIterator[Chat]:
    # With the model, as deployed: the meaning of a sentence finds what shares no word.
    async with open_chat("memory", kb, [*kb.openings, *OPENINGS], tmp_path, encoder=encoder) as c:
        yield c


async def test_terse_questions_of_the_ad_in_focus_are_answered_in_its_words(chat: Chat) -> None:
    assert "r1" in shown(await chat.say("ruby jobs in leeds"))
    for said, answer in [("team size", "six engineers"), ("who would be my boss", "VP of Engineering"),
                         ("interview steps?", "two rounds"), ("on call?", "pager shifts")]:
        r = await chat.say(said)
        assert r.intent == "opening" and answer in r.text, said
    r = await chat.say("parental leave?")
    assert r.intent == "opening" and "The ad doesn't say." in r.text


async def test_a_question_of_the_list_is_answered_by_the_ads_that_say(chat: Chat) -> None:
    assert set(shown(await chat.say("ruby jobs"))) >= {"r1", "r2"}
    r = await chat.say("which languages do i have to speak")
    assert r.intent == "opening" and "must speak Welsh" in r.text and "The others don't say." in r.text
    await chat.say("ruby jobs")
    r = await chat.say("any learning budget")
    assert r.intent == "opening" and "one conference a year" in r.text


async def test_a_turn_with_its_own_subject_is_not_read_as_a_question_of_the_ad(chat: Chat) -> None:
    await chat.say("ruby jobs in leeds")
    r = await chat.say("how do i negotiate a higher salary?")
    assert r.intent == "topic" and r.topic == "salary-negotiation"
    await chat.say("ruby jobs in leeds")
    r = await chat.say("what is redis used for?")
    assert r.intent != "opening"
    await chat.say("ruby jobs in leeds")
    r = await chat.say("I'm a senior ruby developer")
    assert r.intent == "profile"
    await chat.say("ruby jobs")
    r = await chat.say("is ruby worth learning in 2026?")  # a skill word read as a name elsewhere
    assert r.intent == "topic" and r.topic == "ruby"
    await chat.say("ruby jobs in leeds")
    r = await chat.say("hmm, what about fully remote instead")  # a refinement, not another subject
    assert r.intent == "openings" and "r2" in shown(r)
    for remark in ("hmm interesting", "what do you think?"):
        await chat.say("ruby jobs in leeds")
        r = await chat.say(remark)
        assert r.intent != "opening" and "doesn't say" not in r.text, remark


words_only = chats_over(OPENINGS)


async def test_by_words_alone_kindred_words_still_find_the_sentence(words_only: Chat) -> None:
    await words_only.say("ruby jobs in leeds")
    r = await words_only.say("how does the hiring work")
    assert r.intent == "opening" and "paired coding exercise" in r.text
    r = await words_only.say("parental leave?")
    assert r.intent == "opening" and "The ad doesn't say." in r.text


def test_an_ad_is_encoded_once_for_all_questions_and_the_cache_is_bounded(encoder: OnnxEncoder) -> None:
    counting = CountingEncoder(encoder)
    reader = AdReader(size=1)
    first, second = OPENINGS
    for question in ("team size", "who would be my boss"):
        found = reader.answers(first, question, encoder.encode([question])[0], counting)
        assert found and found[0].sentence.startswith("You will be one of six engineers")
    encoded = len(counting.encoded)
    assert 0 < encoded <= 6  # the sentences of one ad, once (list items of one word are no answers)
    reader.answers(second, "team size", encoder.encode(["team size"])[0], counting)
    reader.answers(first, "team size", encoder.encode(["team size"])[0], counting)
    assert len(counting.encoded) > encoded + 2  # the first ad was evicted by the second and encoded again


def _long_ad(answer: str) -> str:
    """An ad of 40 sentences of filler about the product, with `answer` near its end."""
    filler = [f"Our product number {i} helps warehouses in region {i} plan their deliveries better."
              for i in range(36)]
    return "\n".join([*filler, answer, "We are an equal opportunity employer and welcome everyone.",
                      "Please apply even if you do not tick every box on this list."])


def test_a_long_ad_is_read_whole_by_words_and_only_a_few_of_its_sentences_are_encoded(
        encoder: OnnxEncoder) -> None:
    o = imported("long1", "Backend Engineer", "Quarrel Foods", "Leeds, UK", Remote.NO, None, ("Go",),
                 _long_ad("The interview process has three steps: a call, a pairing session and a "
                          "final chat."))
    counting = CountingEncoder(encoder)
    reader = AdReader()
    question = "what's the interview process like"
    found = reader.answers(o, question, encoder.encode([question])[0], counting)
    # The answer is the 37th sentence, found all the same: every sentence is read by its words.
    assert found and found[0].sentence.startswith("The interview process has three steps")
    assert 0 < len(counting.encoded) <= ENCODED_PER_READ
    before = len(counting.encoded)
    reader.answers(o, question, encoder.encode([question])[0], counting)
    assert len(counting.encoded) == before  # asked again: nothing more to encode


def test_a_question_the_words_do_not_answer_encodes_more_of_the_ad_within_the_budget(
        encoder: OnnxEncoder) -> None:
    o = imported("long2", "Backend Engineer", "Quarrel Foods", "Leeds, UK", Remote.NO, None, ("Go",),
                 _long_ad("Each new developer gets a buddy for the first three months."))
    counting = CountingEncoder(encoder)
    reader = AdReader()
    question = "who would help me settle in"
    reader.answers(o, question, encoder.encode([question])[0], counting, budget=4)
    # No sentence shares a word with it: four of the others are encoded, not the whole ad.
    assert len(counting.encoded) == 4
    reader.answers(o, question, encoder.encode([question])[0], counting, budget=4)
    assert len(counting.encoded) == 8 and len(set(counting.encoded)) == 8  # the next four, once each


def test_an_ads_parts_give_their_items_a_heading() -> None:
    text = ("Halden Tools makes invoicing software.\nThe team\nWe are six engineers.\n"
            "What we offer\nPrivate medical care\nA gym card\n\nHow we hire:\nA call and a pairing session.\n"
            "We're looking for:\nGolang\nPostgreSQL")
    assert sectioned(text) == [
        ("Halden Tools makes invoicing software.", ""), ("We are six engineers.", "The team"),
        ("Private medical care", "What we offer"), ("A gym card", "What we offer"),
        ("A call and a pairing session.", "How we hire"), ("Golang", "We're looking for"),
        ("PostgreSQL", "We're looking for")]


def test_a_question_is_answered_by_an_item_under_the_heading_it_asks_about(encoder: OnnxEncoder) -> None:
    o = imported("parts1", "Backend Engineer", "Halden Tools", "Leeds, UK", Remote.NO, None, ("Go",),
                 "Halden Tools makes invoicing software for plumbers.\nWhat we offer\nPrivate medical care\n"
                 "A gym card\n\nHow we hire\nYou will have a call with our CTO, then a pairing session.\n\n"
                 "Where you'll work\nIn our Leeds office.\n"
                 "If you need adjustments during the process, tell us.")
    reader = AdReader()
    for question, answer in (("benefits", "Private medical care"),
                             ("what's the hiring process", "You will have a call")):
        found = reader.answers(o, question, encoder.encode([question])[0], encoder)
        assert any(s.sentence.startswith(answer) for s in found), question
