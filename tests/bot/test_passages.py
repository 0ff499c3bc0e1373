"""Topics split into passages, and the passage index: words, vectors, and what a reload re-embeds."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from bot.answers import compose
from bot.encoder import shared_encoder
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.markup import Bold, BulletList, Paragraph, parse, to_plain
from bot.passages import Kind, Passage, PassageIndex, sentences, split_topic
from tests.fakes.encoders import CountingEncoder
from tests.fakes.knowledge import topic, write_kb
from tests.fakes.passage_kb import passage_topics, write_passage_kb


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    return load_knowledge(write_passage_kb(tmp_path / "kb"))


def passages_of(kb: KnowledgeBase, topic_id: str) -> tuple[Passage, ...]:
    return split_topic(kb.topics[topic_id])


def heading(passage: Passage) -> str:
    """The passage's bold lead, or ''."""
    first = passage.blocks[0]
    if isinstance(first, Paragraph) and isinstance(first.spans[0], Bold):
        return first.spans[0].text.rstrip(".:")
    return ""


def test_each_paragraph_of_the_details_is_a_passage(kb: KnowledgeBase) -> None:
    details = [p for p in passages_of(kb, "server-management") if p.kind is Kind.DETAILS]
    assert [heading(p) for p in details] == ["Hardening", "Backups", "Logs"]
    assert all(len(p.blocks) == 1 for p in details)
    assert details[1].text.startswith("Backups. Take a full backup")


def test_a_topics_rows_are_its_passages_and_only_them(kb: KnowledgeBase) -> None:
    index = PassageIndex.build(kb)
    for topic_id in kb.topics:
        rows = index.rows_of(topic_id)
        assert index.passages[rows] == passages_of(kb, topic_id)
        assert set(np.flatnonzero(index.topic_ids == topic_id)) == set(range(len(index))[rows])
    assert index.passages[index.rows_of("no-such-topic")] == ()


def test_a_bullet_list_stays_with_its_lead_in(kb: KnowledgeBase) -> None:
    group = passages_of(kb, "database-management")[1]
    assert group.kind is Kind.ANSWER
    assert isinstance(group.blocks[0], Paragraph) and isinstance(group.blocks[1], BulletList)
    assert group.text.startswith("The core practices:") and "Migrations" in group.text


def test_a_bold_lead_in_with_its_bullets_is_one_section(tmp_path: Path) -> None:
    t = topic("sql", details="**Worth learning:**\n\n- window functions\n- CTEs\n\nPractise daily.")
    kb = load_knowledge(write_kb(tmp_path, [t]))
    details = [p for p in split_topic(kb.topics["sql"]) if p.kind is Kind.DETAILS]
    assert [heading(p) for p in details] == ["Worth learning", ""]
    assert isinstance(details[0].blocks[0].spans[0], Bold)  # type: ignore[union-attr]
    assert [len(p.blocks) for p in details] == [2, 1]


def test_the_example_is_one_passage_and_the_answer_opens_with_the_overview(kb: KnowledgeBase) -> None:
    passages = passages_of(kb, "salary-negotiation")
    assert [p.kind for p in passages] == [Kind.OVERVIEW, Kind.ANSWER, Kind.DETAILS, Kind.DETAILS,
                                          Kind.EXAMPLE]
    assert passages[0].text.startswith("Backend salaries vary enormously")
    assert passages[-1].blocks == kb.topics["salary-negotiation"].example
    assert [p.position for p in passages] == list(range(len(passages)))


def test_a_short_opener_joins_the_overview(tmp_path: Path) -> None:
    t = topic("jobs", answer="Three ways in:\n\n- referrals\n- applications\n\nThen interviews follow, "
                             "usually four rounds over two weeks: a recruiter screen, a coding "
                             "round, a system design round and a conversation with the team.\n\n"
                             "Keep notes.")
    passages = split_topic(load_knowledge(write_kb(tmp_path, [t])).topics["jobs"])
    assert passages[0].kind is Kind.OVERVIEW
    assert "Three ways in" in passages[0].text and "four rounds" in passages[0].text
    assert [p.kind for p in passages[1:3]] == [Kind.ANSWER, Kind.DETAILS]


def test_sentences_split_paragraphs_and_bullets() -> None:
    p = Passage(topic_id="t", kind=Kind.DETAILS, position=0, text="",
                blocks=parse("**Joins.** Inner joins keep matches. Left joins keep every row.\n\n"
                             "- NULL = NULL is not true\n- ok"))
    assert sentences(p) == ["Joins. Inner joins keep matches.", "Left joins keep every row.",
                            "NULL = NULL is not true"]
    lead_only = Passage(topic_id="t", kind=Kind.DETAILS, position=0, text="",
                        blocks=parse("**Beyond the basics, worth learning:**\n\n- window functions"))
    assert sentences(lead_only) == ["Beyond the basics, worth learning:", "window functions"]


def test_words_find_a_passage_in_another_topic(kb: KnowledgeBase) -> None:
    index = PassageIndex.build(kb)
    assert index.vectors is None
    scores = index.scores("how often should the production database be backed up?", None)
    best = index.passages[int(np.argmax(scores.total))]
    assert (best.topic_id, heading(best)) == ("server-management", "Backups")


def test_skill_names_meet_their_other_spellings(kb: KnowledgeBase) -> None:
    index = PassageIndex.build(kb)
    assert "skill:postgresql" in index.names["database-management"]
    assert {"dockerfil", "dockerfile"} <= index.aliases["docker"]


def test_passages_are_embedded_once_and_a_reload_embeds_only_what_changed(tmp_path: Path) -> None:
    encoder = CountingEncoder(shared_encoder())
    first = load_knowledge(write_passage_kb(tmp_path / "one"))
    index = PassageIndex.build(first, encoder=encoder, cache_dir=tmp_path / "cache")
    assert index.vectors is not None and index.vectors.shape == (len(index.passages), encoder.dim)
    assert index.sentence_vectors is not None
    encoded = len(encoder.encoded)
    assert encoded >= len(index.passages)

    PassageIndex.build(load_knowledge(write_passage_kb(tmp_path / "two")), encoder=encoder,
                       cache_dir=tmp_path / "cache")
    assert len(encoder.encoded) == encoded  # the same texts: all from the cache

    topics = passage_topics()
    topics[-1]["details"] = "**Probes.** Readiness gates traffic until the pod can serve."
    changed = load_knowledge(write_kb(tmp_path / "three", topics))
    PassageIndex.build(changed, encoder=encoder, cache_dir=tmp_path / "cache")
    new = encoder.encoded[encoded:]
    assert new and all("Readiness gates traffic" in text for text in new)


def test_the_closest_passage_by_meaning(kb: KnowledgeBase, tmp_path: Path) -> None:
    encoder = shared_encoder()
    index = PassageIndex.build(kb, encoder=encoder, cache_dir=tmp_path)
    question = "my pods keep getting restarted"
    scores = index.scores(question, encoder.encode([question])[0])
    best = index.passages[int(np.argmax(scores.total))]
    assert (best.topic_id, heading(best)) == ("kubernetes", "Probes")
    assert scores.has_vectors and float(scores.sentence.max()) > float(scores.semantic.min())


def test_without_a_working_encoder_passages_are_found_by_words(
        kb: KnowledgeBase, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        broken = CountingEncoder(shared_encoder(), fail=True)
        index = PassageIndex.build(kb, encoder=broken, cache_dir=tmp_path)
    assert index.vectors is None and "finding them by words only" in caplog.text
    assert not index.scores("backups", None).has_vectors


def test_a_passage_pointing_to_another_topic_never_answers_that_topics_question(
        tmp_path: Path) -> None:
    details = ("**At work**, design shows up as design documents and reviews. For the interview "
               "version of this skill, ask me about interview preparation.")
    prep = ("**Design rounds**: clarify the requirements first, estimate the scale, then draw the "
            "high-level design and discuss its trade-offs.")
    kb = load_knowledge(write_kb(tmp_path, [
        topic("system-design", title="System design", details=details),
        topic("interview-prep", title="Preparing for interviews",
              aliases=["interview preparation"], details=prep),
    ]))
    index = PassageIndex.build(kb)
    (pointer,) = index.deferring["interview-prep"]
    assert index.passages[pointer].topic_id == "system-design"
    assert "system-design" not in index.deferring
    question = "how do I prepare for a design interview at work with design documents?"
    answer = to_plain(compose(index, "interview-prep", question, None).blocks)
    assert "ask me about interview preparation" not in answer
    # Asked about the topic it belongs to, the same passage still answers.
    answer = to_plain(compose(index, "system-design", question, None).blocks)
    assert "design documents and reviews" in answer
