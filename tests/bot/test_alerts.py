"""The alert engine over the in-memory store: digests, channel frequency, failures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from adapters.service.alerts import RecordingNotifier
from bot.alerts import DIGEST_LIMIT, is_due, run_alerts_once
from bot.memory import MemoryAlertStore, MemoryStore
from bot.messages import Reply
from bot.openings import Opening, Remote
from bot.ports import NotifierError, Profile, Subscription
from bot.skills import Skill, SkillVocabulary

VOCAB = SkillVocabulary([Skill(name="Go", topic="go"), Skill(name="Python"),
                         Skill(name="Kubernetes", topic="kubernetes")])
START = datetime(2026, 11, 1, tzinfo=UTC)


def job(eid: str, *skills: str, remote: Remote = Remote.YES) -> Opening:
    return Opening(source="t", external_id=eid, title=f"{eid} dev", company="Acme",
                   url=f"https://example.org/{eid}", remote=remote, skills=skills)


def sub(user: str, query: str = "", **kw: object) -> Subscription:
    return Subscription(platform="telegram", user_id=user, chat_id=kw.pop("chat", user),  # type: ignore[arg-type]
                        query=query, created_at=START, **kw)  # type: ignore[arg-type]


def store_with(*subs: Subscription) -> MemoryStore:
    store = MemoryStore()
    store.add_openings([job("before", "Go")], at=START - timedelta(days=1))
    for s in subs:
        store.subscriptions[(s.platform, s.chat_id, s.user_id)] = s
    return store


def cards(n: RecordingNotifier, chat: str) -> list[str]:
    return [c.title for _, ch, rs in n.sent if ch == chat for r in rs for c in r.cards]


async def test_profile_skills_and_query_filters_make_the_match() -> None:
    store = store_with(sub("ann", "remote"), sub("bob"))
    store.profiles[("telegram", "ann")] = Profile(skills=("Go",))
    store.add_openings([job("go", "Go", "Kubernetes"), job("go-office", "Go", remote=Remote.NO),
                        job("py", "Python")], at=START + timedelta(days=1))
    n = RecordingNotifier()
    stats = await run_alerts_once(MemoryAlertStore(store), n, VOCAB, now=START + timedelta(days=2))
    assert cards(n, "ann") == ["go dev"]
    assert cards(n, "bob") == []  # no skills, no query: nothing can be said to fit
    (_, _, (digest,)), = n.sent
    assert digest.cards[0].missing_skills[0].topic == "kubernetes"
    assert stats.messages == 1


async def test_big_batches_go_out_as_digests_of_limited_size() -> None:
    store = store_with(sub("ann", "go"))
    store.add_openings([job(f"go{i:02}", "Go") for i in range(DIGEST_LIMIT + 3)],
                       at=START + timedelta(hours=1))
    n = RecordingNotifier()
    alerts = MemoryAlertStore(store)
    await run_alerts_once(alerts, n, VOCAB, now=START + timedelta(days=1))
    await run_alerts_once(alerts, n, VOCAB, now=START + timedelta(days=1))
    sizes = [len(r.cards) for _, _, rs in n.sent for r in rs]
    assert sizes == [DIGEST_LIMIT, 3]
    assert len(set(cards(n, "ann"))) == DIGEST_LIMIT + 3


async def test_channel_digest_waits_for_its_period_and_takes_everything_new() -> None:
    channel = sub("#channel", chat="-100", frequency="daily", is_channel=True,
                  last_sent_at=START + timedelta(hours=12))
    store = store_with(channel)
    store.add_openings([job("go", "Go"), job("py", "Python")], at=START + timedelta(hours=13))
    alerts = MemoryAlertStore(store)
    n = RecordingNotifier()
    await run_alerts_once(alerts, n, VOCAB, now=START + timedelta(hours=20))
    assert n.sent == []  # a day has not passed since the last digest
    await run_alerts_once(alerts, n, VOCAB, now=START + timedelta(hours=37))
    assert sorted(cards(n, "-100")) == ["go dev", "py dev"]
    (_, _, (digest,)), = n.sent
    assert not any(b.action == "sub:off" for b in digest.buttons)
    # A channel has no skills: no card says one is why it fits.
    assert all(c.matched_skills == () and c.missing_skills == () for c in digest.cards)
    assert not is_due(store.subscriptions[("telegram", "-100", "#channel")],
                      START + timedelta(hours=40))


class Blocked(RecordingNotifier):
    async def send(self, platform: str, chat_id: str, replies: Sequence[Reply]) -> None:
        raise NotifierError("bot was blocked by the user")


async def test_permanent_failure_is_not_retried() -> None:
    store = store_with(sub("ann", "go"))
    store.add_openings([job("go", "Go")], at=START + timedelta(hours=1))
    alerts = MemoryAlertStore(store)
    stats = await run_alerts_once(alerts, Blocked(), VOCAB, now=START + timedelta(days=1))
    assert stats.failed == 1
    n = RecordingNotifier()
    await run_alerts_once(alerts, n, VOCAB, now=START + timedelta(days=1))
    assert n.sent == []
