"""'What should I learn next?': a learning topic's answer adds the skills that the openings
fitting the person ask for and they lack."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.bootstrap import build_bot
from bot.dialogue import Bot
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.memory import MemoryStore
from bot.messages import SkillGap
from bot.openings import Level, Opening, Remote
from bot.ports import Profile, RemotePreference
from bot.recommend import Match, Wanted, wanted_skills
from tests.factories import say
from tests.fakes.knowledge import topic, write_kb

DAY = (datetime.now(UTC) - timedelta(days=3)).date().isoformat()


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    topics = [
        topic("skills", title="Key skills", aliases=["backend skills"], personal="next-skills",
              questions=["what skills do i need", "what should i learn next",
                         "which skills matter most", "key skills for backend", "skills to learn"]),
        topic("docker", aliases=["containers"], questions=[
            "what is docker", "why use containers", "docker image vs container",
            "how to write a dockerfile", "docker basics"]),
        topic("kubernetes", aliases=["k8s"], questions=[
            "what is kubernetes", "what is a pod", "k8s basics", "kubernetes autoscaling",
            "do i need kubernetes"]),
    ]
    skills = [
        {"name": "Python", "aliases": ["py"]},
        {"name": "Go", "aliases": ["golang"]},
        {"name": "Docker", "topic": "docker"},
        {"name": "Kubernetes", "aliases": ["k8s"], "topic": "kubernetes"},
        {"name": "PostgreSQL", "aliases": ["postgres"]},
    ]

    def o(eid: str, skills: list[str], remote: str, location: str) -> dict[str, object]:
        return {"external_id": eid, "title": "Backend Engineer", "company": "Acme",
                "url": f"https://example.org/{eid}", "remote": remote, "location": location,
                "skills": skills, "posted": DAY, "level": "mid"}

    openings = [
        o("r1", ["Python", "Docker", "Kubernetes"], "yes", "Remote"),
        o("r2", ["Python", "Docker"], "yes", "Remote"),
        o("r3", ["Python", "PostgreSQL"], "yes", "Remote"),
        # On-site: not for a person who wants remote work, so its Go is not "wanted".
        o("b1", ["Python", "Go"], "no", "Berlin"),
    ]
    return load_knowledge(write_kb(tmp_path / "kb", topics, skills=skills, openings=openings))


@pytest.fixture
def store(kb: KnowledgeBase) -> MemoryStore:
    return MemoryStore(list(kb.openings))


@pytest.fixture
def bot(kb: KnowledgeBase, store: MemoryStore) -> Bot:
    return build_bot(kb, store.uow)


async def test_the_skills_the_fitting_openings_ask_for_most_come_first(
        bot: Bot, store: MemoryStore) -> None:
    store.profiles[("console", "u1")] = Profile(skills=("Python",), level=Level.MID,
                                                remote=RemotePreference.REMOTE)
    r = await say(bot, "what should I learn next?")
    assert r.intent == "topic" and r.topic == "skills"
    line = r.text.splitlines()[-1]
    assert line.startswith("For you (Python; mid")
    assert "The 3 open openings that fit you also ask for Docker (2 of them), " in line
    assert "Kubernetes (1)" in line and "PostgreSQL (1)" in line
    assert "Go" not in line  # only in an on-site opening, and this person wants remote work
    # The skills a topic here teaches, as buttons, most asked first, before the topic's own.
    assert [b.label for b in r.buttons[:2]] == ["Learn Docker", "Learn Kubernetes"]


async def test_one_fitting_opening_is_not_counted(bot: Bot, store: MemoryStore) -> None:
    store.profiles[("console", "u1")] = Profile(skills=("Go",))
    r = await say(bot, "what should I learn next?")
    assert r.text.splitlines()[-1].endswith("The open opening that fits you also asks for Python.")


async def test_nothing_fits_says_so(bot: Bot, store: MemoryStore) -> None:
    store.profiles[("console", "u1")] = Profile(skills=("Kubernetes",), remote=RemotePreference.ONSITE,
                                                locations=("Oslo",))
    r = await say(bot, "what should I learn next?")
    assert "No open opening asks for your skills right now" in r.text.splitlines()[-1]


async def test_without_skills_it_says_how_to_get_this(bot: Bot) -> None:
    r = await say(bot, "what should I learn next?")
    assert r.topic == "skills"
    assert r.text.splitlines()[-1].startswith("Tell me what you know")


async def test_only_a_question_about_oneself_gets_it(bot: Bot, store: MemoryStore) -> None:
    store.profiles[("console", "u1")] = Profile(skills=("Python",))
    r = await say(bot, "which skills matter most for backend engineers?")
    assert r.topic == "skills"
    assert "For you" not in r.text and "Tell me what you know" not in r.text


async def test_a_topic_not_about_learning_gets_nothing_added(bot: Bot, store: MemoryStore) -> None:
    store.profiles[("console", "u1")] = Profile(skills=("Python",))
    r = await say(bot, "do i need kubernetes?")
    assert r.topic == "kubernetes"
    assert "For you" not in r.text


def _match(*missing: str) -> Match:
    opening = Opening(source="t", external_id="x", title="T", company="C", url="https://x.org",
                      remote=Remote.YES, location="Remote", skills=missing)
    return Match(opening=opening, score=1.0, matched=(), missing=tuple(SkillGap(skill=s) for s in missing))


def test_wanted_skills_counts_each_skill_once_per_opening_most_asked_first() -> None:
    wanted = wanted_skills([_match("Go", "Docker"), _match("Docker", "SQL"), _match("Kafka", "docker")],
                           limit=3)
    assert wanted == (Wanted(gap=SkillGap(skill="Docker"), asked_by=3),
                      Wanted(gap=SkillGap(skill="Go"), asked_by=1),
                      Wanted(gap=SkillGap(skill="SQL"), asked_by=1))
