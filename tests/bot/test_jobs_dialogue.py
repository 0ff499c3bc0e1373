"""Profiles, /jobs, subscriptions and channel digests through the whole dialogue core."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.bootstrap import build_bot
from bot.dialogue import Bot
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.memory import MemoryStore
from bot.messages import ChatType, Message, Reply
from bot.openings import Level
from bot.ports import Profile, RemotePreference
from tests.factories import message
from tests.fakes.knowledge import topic, write_kb

DAY = (datetime.now(UTC) - timedelta(days=3)).date().isoformat()


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    topics = [
        topic("python", aliases=["python language"], questions=[
            "what is python", "is python good for backend", "python for beginners",
            "why learn python", "python vs java"]),
        topic("go", title="Go", aliases=["golang"], questions=[
            "what is go", "is golang good for backend", "go vs python",
            "why learn golang", "go concurrency"]),
        topic("kubernetes", aliases=["k8s"], questions=[
            "what is kubernetes", "what is a pod", "k8s basics", "kubernetes autoscaling",
            "do I need kubernetes"]),
        topic("docker", aliases=["containers"], questions=[
            "what is docker", "why use containers", "docker image vs container",
            "how to write a dockerfile", "docker for beginners"]),
        topic("job-search", title="Finding a backend job", aliases=["job search", "job hunt"],
              keywords=["cv", "resume", "apply", "applying", "portfolio"],
              questions=["how do I find a backend job", "tips for applying to jobs",
                         "how to write a cv", "where to look for backend jobs",
                         "how to apply for backend jobs"]),
    ]
    skills = [
        {"name": "Python", "aliases": ["py"], "topic": "python"},
        {"name": "Go", "aliases": ["golang"], "topic": "go"},
        {"name": "Kubernetes", "aliases": ["k8s"], "topic": "kubernetes"},
        {"name": "Docker", "topic": "docker"},
        {"name": "PostgreSQL", "aliases": ["postgres"]},
    ]

    def o(eid: str, title: str, skills: list[str], remote: str, location: str,
          level: str | None = None) -> dict[str, object]:
        out: dict[str, object] = {"external_id": eid, "title": title, "company": "Acme",
                                  "url": f"https://example.org/{eid}", "remote": remote,
                                  "location": location, "skills": skills, "posted": DAY}
        if level:
            out["level"] = level
        return out

    openings = [
        o("go-remote", "Go Engineer", ["Go", "Kubernetes", "Docker"], "yes", "Remote", "mid"),
        o("py-berlin", "Senior Python Engineer", ["Python", "PostgreSQL"], "no", "Berlin",
          "senior"),
        o("py-remote", "Python Developer", ["Python", "Docker"], "yes", "Remote", "mid"),
        o("py-remote-2", "Python Engineer", ["Python"], "yes", "Remote", "junior"),
        o("py-remote-3", "Backend Python", ["Python", "Kubernetes"], "yes", "Remote", "senior"),
        o("py-remote-4", "Platform Python", ["Python", "Go"], "yes", "Remote", "staff"),
    ]
    return load_knowledge(write_kb(tmp_path / "kb", topics, skills=skills, openings=openings))


@pytest.fixture
def store(kb: KnowledgeBase) -> MemoryStore:
    return MemoryStore(list(kb.openings))


@pytest.fixture
def bot(kb: KnowledgeBase, store: MemoryStore) -> Bot:
    return build_bot(kb, store.uow, admins=frozenset({"console:boss"}))


async def say(bot: Bot, text: str = "", **kw: object) -> Reply:
    replies = await bot.handle(message(text, **kw))  # type: ignore[arg-type]
    assert replies
    return replies[0]


async def test_profile_in_one_line_canonicalises_and_flags_unknown(bot: Bot,
                                                                   store: MemoryStore) -> None:
    r = await say(bot, "/profile skills python, postgres, COBOL-ish; level senior; remote yes")
    assert r.intent == "profile"
    p = store.profiles[("console", "u1")]
    assert p.skills == ("Python", "PostgreSQL")
    assert p.unknown_skills == ("COBOL-ish",)
    assert p.level is Level.SENIOR and p.remote is RemotePreference.REMOTE
    assert "COBOL-ish" in r.text and "don't know" in r.text


async def test_profile_alone_shows_it(bot: Bot, store: MemoryStore) -> None:
    store.profiles[("console", "u1")] = Profile(skills=("Go",), level=Level.MID)
    r = await say(bot, "/profile")
    assert "Go" in r.text and "mid" in r.text
    assert any(b.action == "profile:edit" for b in r.buttons)


async def test_guided_flow_skills_level_remote_location(bot: Bot, store: MemoryStore) -> None:
    r = await say(bot, "/profile edit")
    assert "skills" in r.text.lower()
    r = await say(bot, "golang, k8s and docker")
    assert [b.action for b in r.buttons][:2] == ["profile:level:intern", "profile:level:junior"]
    r = await say(bot, action="profile:level:mid")
    assert {b.action for b in r.buttons} >= {"profile:remote:remote", "profile:remote:onsite"}
    r = await say(bot, "on-site please")
    assert "where" in r.text.lower()
    r = await say(bot, "Munich")
    p = store.profiles[("console", "u1")]
    assert p == Profile(skills=("Go", "Kubernetes", "Docker"), level=Level.MID,
                        remote=RemotePreference.ONSITE, locations=("Munich",))
    assert "Your profile is set" in r.text
    state = next(iter(store.conversations.values()))
    assert state.pending is None


async def test_guided_flow_skips_location_for_remote_and_lets_questions_through(
        bot: Bot, store: MemoryStore) -> None:
    await say(bot, "/profile edit")
    r = await say(bot, "what is kubernetes?")
    assert r.intent == "topic" and r.topic == "kubernetes"
    await say(bot, "/profile edit")
    await say(bot, "python")
    await say(bot, "senior")
    r = await say(bot, action="profile:remote:remote")
    assert "Your profile is set" in r.text
    assert store.profiles[("console", "u1")].remote is RemotePreference.REMOTE


async def test_profile_from_plain_words(bot: Bot, store: MemoryStore) -> None:
    r = await say(bot, "I know Python and Docker and I'm looking for remote work")
    assert r.intent == "profile"
    p = store.profiles[("console", "u1")]
    assert p.skills == ("Python", "Docker")
    assert p.remote is RemotePreference.REMOTE


async def test_jobs_uses_profile_and_explains_fit_and_gap(bot: Bot, store: MemoryStore) -> None:
    store.profiles[("console", "u1")] = Profile(skills=("Go", "Docker"))
    r = await say(bot, "/jobs")
    assert r.intent == "openings"
    first = r.cards[0]
    assert first.url.endswith("go-remote")
    assert first.matched_skills == ("Go", "Docker")
    assert [(g.skill, g.topic) for g in first.missing_skills] == [("Kubernetes", "kubernetes")]
    assert any(b.action == "t:kubernetes" for b in r.buttons)


@pytest.mark.parametrize("text,expected", [
    ("any remote go jobs?", {"go-remote", "py-remote-4"}),
    ("senior python roles in Berlin", {"py-berlin"}),
])
async def test_natural_requests(bot: Bot, text: str, expected: set[str]) -> None:
    r = await say(bot, text)
    assert r.intent == "openings"
    assert {c.url.rsplit("/", 1)[1] for c in r.cards} == expected


async def test_more_pages_through_results(bot: Bot) -> None:
    r = await say(bot, "remote python jobs")
    first = [c.url for c in r.cards]
    assert len(first) == 3 and any(b.action == "jobs:more" for b in r.buttons)
    r2 = await say(bot, action="jobs:more")
    second = [c.url for c in r2.cards]
    assert second and not set(first) & set(second)
    assert "4-" in r2.text
    r3 = await say(bot, "more")
    assert r3.intent == "openings"
    assert "all the openings" in r3.text or not set(c.url for c in r3.cards) & set(first + second)


async def test_jobs_without_any_skill_lists_newest_and_asks_for_a_profile(bot: Bot) -> None:
    r = await say(bot, "/jobs")
    assert r.cards and all(not c.matched_skills and not c.missing_skills for c in r.cards)
    assert any(b.action == "profile:edit" for b in r.buttons)
    r = await say(bot, "any hybrid jobs?")  # no opening is hybrid: nothing breaks the filter
    assert not r.cards


async def test_advice_about_applying_stays_a_topic_question(bot: Bot) -> None:
    r = await say(bot, "tips for applying to backend jobs")
    assert r.intent == "topic" and r.topic == "job-search"


async def test_subscribe_and_unsubscribe(bot: Bot, store: MemoryStore) -> None:
    r = await say(bot, "/subscribe remote python")
    assert r.intent == "subscribe"
    sub = store.subscriptions[("console", "u1", "u1")]
    assert sub.query == "remote python" and sub.frequency == "instant"
    r = await say(bot, "notify me about new go jobs")
    assert r.intent == "subscribe"
    assert "go" in store.subscriptions[("console", "u1", "u1")].query
    r = await say(bot, "/unsubscribe")
    assert r.intent == "unsubscribe" and not store.subscriptions


async def test_channel_digest_needs_a_chat_admin(bot: Bot, store: MemoryStore) -> None:
    def group(text: str, user: str, admin: bool = False) -> Message:
        return Message(platform="console", user_id=user, chat_id="g1", text=text,
                       chat_type=ChatType.GROUP, chat_admin=admin)

    r = (await bot.handle(group("/digest weekly", "pleb")))[0]
    assert "Only an admin" in r.text and not store.subscriptions
    r = (await bot.handle(group("/digest weekly remote python", "mod", admin=True)))[0]
    sub = store.subscriptions[("console", "g1", "#channel")]
    assert sub.is_channel and sub.frequency == "weekly" and sub.query == "remote python"
    r = (await bot.handle(group("/digest daily", "boss")))[0]  # a configured bot admin
    assert store.subscriptions[("console", "g1", "#channel")].frequency == "daily"
    r = (await bot.handle(group("/digest off", "mod", admin=True)))[0]
    assert not store.subscriptions and "off" in r.text
    r = (await bot.handle(group("/subscribe", "pleb")))[0]
    assert r.private and not store.subscriptions


async def test_index_is_reused_until_the_openings_change(kb: KnowledgeBase,
                                                         store: MemoryStore) -> None:
    from bot.openings import Opening
    from bot.services import Recommender

    now = [0.0]
    rec = Recommender(refresh_seconds=5.0, clock=lambda: now[0])
    first = await rec.index(kb, store.uow())
    assert await rec.index(kb, store.uow()) is first
    await store.uow().openings.upsert_many([Opening(
        source="t", external_id="new", title="Go Dev", company="X", url="https://x.org",
        skills=("Go",))])
    assert await rec.index(kb, store.uow()) is first  # not checked again within 5 s
    now[0] = 6.0
    second = await rec.index(kb, store.uow())
    assert second is not first and len(second) == len(first) + 1
    now[0] = 12.0
    assert await rec.index(kb, store.uow()) is second  # checked, unchanged: kept
