"""Questions about long ads shown, through Bot.handle (issue 12): pay named as pay before any
other amount, a team's size said in its own words, the one opening that answers "is any of them
remote?" taken as the next question's subject, and a permit asked after saying where one is from."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adfacts import pay_sentences
from bot.adreading import ad_sentences
from bot.encoder import OnnxEncoder
from bot.knowledge import KnowledgeBase
from bot.openings import Remote
from tests.bot.test_opening_conversations import Chat, imported, open_chat, shown

OPENINGS = [
    imported("w1", "Backend Engineer (Clojure)", "Tarnwick", "Remote - Europe", Remote.YES, None,
             ("Clojure", "PostgreSQL"),
             "Tarnwick schedules ferries for island councils.\nThe team\nYou will join the Harbour team, "
             "five engineers and a designer.\nWhat we offer\nA home office budget of GBP 800\n"
             "Private medical care\n\nWhere you'll work\nFully remote within Europe.\n"
             "The salary is GBP 70,000-80,000 a year.\nOn call: one week in six, with an allowance."),
    imported("w2", "Clojure Developer", "Brackenfold", "Leeds, UK (Hybrid)", Remote.HYBRID, None,
             ("Clojure",),
             "Brackenfold makes accounting tools for farms.\nTwo days a week in our Leeds office.\n"
             "We support relocation from outside the UK, including the work permit."),
    imported("w3", "Clojure Engineer", "Fallowmere", "York, UK (Hybrid)", Remote.HYBRID, None,
             ("Clojure",),
             "Fallowmere is a company of 90 people with offices in York and Hull.\n"
             "Three days a week in our York office."),
]


@pytest.fixture
async def chat(kb: KnowledgeBase, tmp_path: Path, encoder: OnnxEncoder) -> AsyncIterator[Chat]:
    async with open_chat("memory", kb, [*kb.openings, *OPENINGS], tmp_path, encoder=encoder) as c:
        yield c


def test_a_sentence_that_names_pay_comes_first_and_money_for_something_else_is_no_pay() -> None:
    said = ["A home office budget of GBP 800", "EUR 1,000 for training each year", "USD 120k-140k",
            "The salary is GBP 70,000-80,000 a year.", "A training budget, and a salary of EUR 50,000."]
    assert pay_sentences(said) == [said[3], said[4], said[2]]
    assert pay_sentences(["Private medical care"]) == []


def test_a_line_with_a_number_is_never_a_heading() -> None:
    text = "Tarnwick schedules ferries.\nSalary EUR 68,000-78,000\nWe are five engineers."
    assert ad_sentences(text) == ["Tarnwick schedules ferries.", "Salary EUR 68,000-78,000",
                                  "We are five engineers."]


async def test_the_salary_of_a_long_ad_is_its_pay_line_and_the_team_size_its_own_words(chat: Chat) -> None:
    assert "w1" in shown(await chat.say("clojure jobs"))
    r = await chat.say("tell me about tarnwick")
    assert "70,000" in r.text and "GBP 800" not in r.text.split("Salary:")[1].split("\n")[0]
    r = await chat.say("how big is the team")
    assert r.intent == "opening" and "five engineers" in r.text
    r = await chat.say("what team is it")
    assert r.intent == "opening" and "“The team”" not in r.text  # a heading says nothing


async def test_office_days_asked_of_a_list_quote_the_sentence_that_counts_them(chat: Chat) -> None:
    assert {"w1", "w2", "w3"} <= set(shown(await chat.say("clojure jobs")))
    r = await chat.say("how many office days")
    assert r.intent == "opening" and "Three days a week in our York office" in r.text


async def test_the_one_opening_that_answers_which_is_the_subject_of_the_next_question(chat: Chat) -> None:
    assert {"w1", "w2"} <= set(shown(await chat.say("clojure jobs")))
    r = await chat.say("is any of them fully remote")
    assert r.intent == "opening" and "Tarnwick" in r.text
    r = await chat.say("whats on call like there")
    assert r.intent == "opening" and "one week in six" in r.text


async def test_a_permit_asked_after_saying_where_one_is_from_is_a_question_of_the_ad(chat: Chat) -> None:
    assert "w2" in shown(await chat.say("clojure jobs in leeds"))
    r = await chat.say("I'm from India, would they help with the permit")
    assert r.intent == "opening" and "work permit" in r.text
