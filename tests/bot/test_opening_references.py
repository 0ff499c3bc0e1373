"""Questions about the openings shown, through Bot.handle: a reference alone asks the last
question again, a fact alone is asked of the opening in focus, a name none has is said so."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeBase
from bot.openings import Level, Remote
from tests.bot.test_opening_conversations import Chat, chats_over, imported, open_chat, shown

# Ads that state what ads state only sometimes: visas, on-call, travel, languages, equity.
OPENINGS = [
    imported("k1", "Senior Backend Engineer (Kotlin)", "Harbourline", "Rotterdam, Netherlands",
             Remote.HYBRID, Level.SENIOR, ("Kotlin", "PostgreSQL"),
             "Harbourline plans container moves in the port.\n"
             "We sponsor visas through the highly skilled migrant scheme.\n"
             "On call one week in five.\nSalary: EUR 80,000 - 95,000 a year."),
    imported("k2", "Kotlin Developer", "Fjordbyte", "Oslo, Norway", Remote.NO, None,
             ("Kotlin", "Kafka"),
             "Fjordbyte builds ticketing for ferries.\n"
             "You must already have the right to work in Norway; we cannot sponsor visas.\n"
             "Norwegian is an asset but not required.\nSome travel to Bergen, a few days a quarter."),
    imported("k3", "Backend Engineer (Kotlin/Django)", "Tesselate", "Remote - EU", Remote.YES,
             None, ("Kotlin", "Python", "Django"),
             "Tesselate sells tiles online.\nEquity for every engineer.\n"
             "We offer relocation support to Lisbon if you want it."),
]


@pytest.fixture
async def chat(kb: KnowledgeBase, tmp_path: Path) -> AsyncIterator[Chat]:
    async with open_chat("memory", kb, OPENINGS, tmp_path) as c:
        yield c


# The same, on each store: the last question asked is conversation state.
stored_chat = chats_over(OPENINGS)


async def test_a_reference_alone_asks_the_last_question_again(stored_chat: Chat) -> None:
    chat = stored_chat
    r = await chat.say("kotlin jobs")
    assert set(shown(r)) == {"k1", "k2", "k3"}
    r = await chat.say("does the harbourline one sponsor visas?")
    assert r.intent == "opening" and "highly skilled migrant" in r.text
    r = await chat.say("and the fjordbyte one?")
    assert r.intent == "opening" and "cannot sponsor visas" in r.text
    assert "Fjordbyte builds ticketing" not in r.text  # the question's answer, not the card
    r = await chat.say("what about the tesselate one?")
    assert "Visa sponsorship: the ad doesn't say." in r.text
    # A question of its own is asked, not the last one again.
    r = await chat.say("tell me about the harbourline one")
    assert "Where:" in r.text and "Visa" not in r.text


async def test_a_fact_alone_is_asked_of_the_opening_in_focus(chat: Chat) -> None:
    await chat.say("kotlin jobs")
    r = await chat.say("is the oslo one remote?")
    assert r.intent == "opening" and "Oslo" in r.text
    for said, answer in [("any travel?", "travel to Bergen"),
                         ("do I need norwegian?", "Norwegian is an asset"),
                         ("and relocation?", "Relocation: the ad doesn't say."),
                         ("do they help with the work permit?", "right to work in Norway")]:
        r = await chat.say(said)
        assert r.intent == "opening" and "Kotlin Developer at Fjordbyte" in r.text, said
        assert answer in r.text, said
    await chat.say("the third one")
    r = await chat.say("equity?")
    assert r.intent == "opening" and "Equity for every engineer" in r.text


async def test_a_name_no_opening_has_is_said_so_with_the_list(chat: Chat) -> None:
    await chat.say("kotlin jobs")
    for said, name in [("what about the one at zyxwave?", "zyxwave"),
                       ("is the tokyo one hybrid?", "tokyo")]:
        r = await chat.say(said)
        assert r.intent == "opening", said
        assert r.text.startswith(f"None of the openings I showed is “{name}”."), said
        assert all(c in r.text for c in ("Harbourline", "Fjordbyte", "Tesselate")), said
    # Words that judge an opening name none: the first is meant, not "none".
    r = await chat.say("is the cool one remote?")
    assert not r.text.startswith("None of the openings")


async def test_both_that_x_one_and_should_i_apply(chat: Chat) -> None:
    await chat.say("/profile skills kotlin, django")
    await chat.say("kotlin jobs")
    r = await chat.say("do harbourline and fjordbyte both sponsor visas?")
    assert "Harbourline: “We sponsor visas" in r.text and "Fjordbyte: “You must" in r.text
    r = await chat.say("that django one looks nice, should I apply?")
    assert r.intent == "opening" and "Backend Engineer (Kotlin/Django) at Tesselate" in r.text
    assert "You have 2 of the 3 skills it lists: Kotlin, Django." in r.text
    assert "To apply:" not in r.text  # a verdict was asked, not how to apply
    await chat.say("java jobs")  # a new list: the last question goes with the old one
    await chat.say("kotlin jobs")
    r = await chat.say("and the second one?")
    assert r.intent == "opening" and "Where:" in r.text and "Visa" not in r.text


async def test_which_pays_in_a_currency_is_no_place(chat: Chat) -> None:
    await chat.say("kotlin jobs")
    r = await chat.say("which of them pays in EUR?")
    assert r.intent == "opening" and "None of them is in" not in r.text
    assert "80,000 - 95,000" in r.text


async def test_compared_with_it_among_them_and_a_place_named_then_asked(chat: Chat) -> None:
    r = await chat.say("kotlin jobs")
    names = {o.external_id: f"{o.title} at {o.company}" for o in OPENINGS}
    first, second = (names[i] for i in shown(r)[:2])
    await chat.say("is the second one remote?")
    # "it" is the one in focus, compared with the one named.
    r = await chat.say("compare it with the first")
    assert r.intent == "opening" and f"{first}:" in r.text and f"{second}:" in r.text
    r = await chat.say("is there a django role among them?")
    assert r.intent == "opening" and "1 of the 3 is asking for Django" in r.text
    # Named by its place, then asked: the answer is about it, not said against the list.
    r = await chat.say("the oslo one, is it hybrid")
    assert r.text.startswith("Kotlin Developer at Fjordbyte") and "No, it's on-site" in r.text


async def test_a_language_is_stated_only_as_a_requirement(chat: Chat) -> None:
    await chat.say("kotlin jobs")
    r = await chat.say("do I need to speak English for the harbourline one?")
    assert r.intent == "opening" and "Languages: the ad doesn't say." in r.text
    r = await chat.say("and the fjordbyte one?")
    assert "Norwegian is an asset but not required" in r.text


async def test_the_employer_the_link_two_named_and_both(chat: Chat) -> None:
    await chat.say("kotlin jobs")
    r = await chat.say("is the oslo one on site?")
    r = await chat.say("who's the employer?")
    assert r.intent == "opening" and "It's at Fjordbyte. Fjordbyte builds ticketing" in r.text
    r = await chat.say("what's the link for the rotterdam one")
    assert r.text == ("Senior Backend Engineer (Kotlin) at Harbourline\n\n"
                      "Link: https://boards.example/k1")
    r = await chat.say("how does the oslo job compare to the django one?")
    assert "Kotlin Developer at Fjordbyte:" in r.text
    assert "Backend Engineer (Kotlin/Django) at Tesselate:" in r.text
    r = await chat.say("and both salaries?")
    assert r.text == "Salary not stated: none of the 2 ads (Fjordbyte, Tesselate) says."
    r = await chat.say("is the remote one, do I need python there?")
    assert r.intent == "opening" and "It asks for Python." in r.text


async def test_short_questions_of_the_opening_in_focus(chat: Chat) -> None:
    r = await chat.say("kotlin jobs")
    third = next(o for o in OPENINGS if o.external_id == shown(r)[2])
    r = await chat.say("tell me more about third")  # not the next page
    assert r.intent == "opening" and r.text.startswith(f"{third.title} at {third.company}")
    await chat.say("is the oslo one hybrid?")
    for said, answer in [("where's the office", "It's on-site, Oslo, Norway."),
                         ("do they do remote", "No, it's on-site, Oslo, Norway."),
                         ("what's the start date", "Start date: the ad doesn't say."),
                         ("is the company big", "Company size: the ad doesn't say."),
                         ("open to juniors?", "The ad names no level.")]:
        r = await chat.say(said)
        assert r.intent == "opening" and r.text.startswith("Kotlin Developer at Fjordbyte"), said
        assert answer in r.text, said


async def test_working_from_a_place_and_applying(chat: Chat) -> None:
    await chat.say("kotlin jobs")
    r = await chat.say("can I work from Brazil for the tesselate one?")
    assert r.intent == "opening" and "No: it's remote within EU only (Remote - EU)." in r.text
    r = await chat.say("apply")
    assert r.intent == "opening" and "To apply: through the ad, https://boards.example/k3" in r.text
    r = await chat.say("hmm and what do I need to learn then")
    assert r.intent == "opening" and "Backend Engineer (Kotlin/Django) at Tesselate" in r.text


async def test_said_without_its_helper_verbs(chat: Chat) -> None:
    r = await chat.say("kotlin jobs")
    first = next(o for o in OPENINGS if o.external_id == shown(r)[0])
    r = await chat.say("first one, it need docker?")
    assert r.intent == "opening" and r.text.startswith(f"{first.title} at {first.company}")
    assert "It doesn't mention Docker." in r.text
    r = await chat.say("the rotterdam one has oncall?")
    assert r.intent == "opening" and "On call: “On call one week in five.”" in r.text
    r = await chat.say("where i send cv")
    assert r.intent == "opening" and "To apply: through the ad, https://boards.example/k1" in r.text
